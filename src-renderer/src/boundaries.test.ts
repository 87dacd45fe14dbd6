/**
 * The renderer's layering: a view (views/<name>/) imports lib/ and components/ but never another
 * view, and lib/ and components/ never import a view. What two views share lives in lib/ (logic,
 * stores) or components/ (markup), so a view can be changed or removed without breaking another.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = dirname(new URL(import.meta.url).pathname);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|svelte)$/.test(entry.name) ? [path] : [];
  });
}

/** Every relative import (`from './x'`, `import './x'`, `import('./x')`) of a file, resolved against src/. */
export function importsOf(file: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    found.push(relative(root, resolve(dirname(file), match[1]!)).split(sep).join('/'));
  }
  return found;
}

/** The layer of a path under src/: 'views/<name>', 'lib', 'components', or its first folder. */
function layerOf(path: string): string {
  const [top, second] = path.split('/');
  return top === 'views' ? `views/${second}` : top!;
}

/** 'file imports target' for each import that crosses a boundary. */
export function violations(files: { path: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { path, text } of files) {
    const from = layerOf(relative(root, path).split(sep).join('/'));
    for (const target of importsOf(path, text)) {
      const to = layerOf(target);
      const crossesViews = from.startsWith('views/') && to.startsWith('views/') && from !== to;
      const reachesUp = (from === 'lib' || from === 'components') && to.startsWith('views/');
      if (crossesViews || reachesUp) found.push(`${relative(root, path)} imports ${target}`);
    }
  }
  return found;
}

describe('renderer boundaries', () => {
  it('no view imports another view, and lib/ and components/ import no view', () => {
    const files = sources(root).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    expect(files.length).toBeGreaterThan(50);
    expect(violations(files)).toEqual([]);
  });

  it('catches a view importing another view and lib/ importing a view', () => {
    expect(
      violations([
        { path: join(root, 'views/training/X.svelte'), text: "import A from '../model-design/A.svelte';" },
        { path: join(root, 'lib/y.ts'), text: "import { b } from '../views/evaluation/b';" },
        { path: join(root, 'views/training/Z.svelte'), text: "import { c } from '../../lib/c';\nimport D from './D.svelte';" },
      ]),
    ).toEqual(['views/training/X.svelte imports views/model-design/A.svelte', 'lib/y.ts imports views/evaluation/b']);
  });
});
