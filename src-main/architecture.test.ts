/**
 * The layers' import rules (README "How it is built"), checked on the sources and on the built main
 * bundle. Each rule names the file and the import that breaks it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p: string) => relative(repo, p).split(sep).join('/');

interface SourceImport {
  file: string; // repo-relative
  spec: string;
  /** Repo-relative target without extension for relative imports; null for packages. */
  target: string | null;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'test-support') out.push(...sourceFiles(p));
    }
    else if (/\.(ts|svelte)$/.test(e.name) && !/\.test\.ts$/.test(e.name) && !/^testing[\w-]*\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

function importsOf(file: string): SourceImport[] {
  let text = readFileSync(file, 'utf8');
  if (file.endsWith('.svelte')) text = [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
  return ts.preProcessFile(text, true, true).importedFiles.map(({ fileName: spec }) => ({
    file: rel(file),
    spec,
    target: spec.startsWith('.') ? rel(resolve(dirname(file), spec)).replace(/\.(ts|js|svelte)$/, '').replace(/\/index$/, '') : null,
  }));
}

const mainImports = sourceFiles(join(repo, 'src-main')).flatMap(importsOf);
const rendererImports = sourceFiles(join(repo, 'src-renderer/src')).flatMap(importsOf);
const under = (path: string, ...folders: string[]) => folders.some((f) => path === f || path.startsWith(`${f}/`));
const show = (list: SourceImport[]) => list.map((i) => `${i.file} imports '${i.spec}'`);

describe('source dependency rules', () => {
  it('finds the imports it checks', () => {
    expect(mainImports.length).toBeGreaterThan(500);
    expect(mainImports.some((i) => i.file === 'src-main/engine/training/trainer.ts' && i.spec === '@tensorflow/tfjs-core')).toBe(true);
  });

  it('main (services, app, server) and the pure layers import the engine only through its protocol', () => {
    const bad = mainImports.filter(
      (i) => under(i.file, 'src-main/services', 'src-main/app', 'src-main/server', 'src-main/api', 'src-main/project', 'src-main/shared') && i.target !== null && under(i.target, 'src-main/engine') && !under(i.target, 'src-main/engine/protocol'),
    );
    expect(show(bad)).toEqual([]);
  });

  it('no tensor or image library outside the engine and the CLI', () => {
    const heavy = /^(@tensorflow\/|sharp$|ml-matrix$)/;
    const bad = [...mainImports, ...rendererImports].filter((i) => heavy.test(i.spec) && !under(i.file, 'src-main/engine', 'src-main/cli'));
    expect(show(bad)).toEqual([]);
  });

  it('api, project and shared depend on nothing above them; the protocol only on api', () => {
    const bad = mainImports.filter(
      (i) =>
        (under(i.file, 'src-main/api', 'src-main/project', 'src-main/shared') &&
          i.target !== null &&
          under(i.target, 'src-main/services', 'src-main/app', 'src-main/server', 'src-main/cli', 'src-main/engine')) ||
        (under(i.file, 'src-main/engine/protocol') && i.target !== null && !under(i.target, 'src-main/api', 'src-main/engine/protocol')),
    );
    expect(show(bad)).toEqual([]);
  });

  it('the engine never reaches into main, the CLI or Electron', () => {
    const bad = mainImports.filter((i) => under(i.file, 'src-main/engine') && (i.spec === 'electron' || (i.target !== null && under(i.target, 'src-main/services', 'src-main/app', 'src-main/server', 'src-main/cli'))));
    expect(show(bad)).toEqual([]);
  });

  it('the CLI never loads the Electron app', () => {
    const bad = mainImports.filter((i) => under(i.file, 'src-main/cli') && i.target !== null && under(i.target, 'src-main/app'));
    expect(show(bad)).toEqual([]);
  });

  it('only app/ imports electron', () => {
    const bad = [...mainImports, ...rendererImports].filter((i) => i.spec === 'electron' && !under(i.file, 'src-main/app'));
    expect(show(bad)).toEqual([]);
  });

  it('the renderer imports from src-main only the contract (api/) and shared pure code', () => {
    const bad = rendererImports.filter((i) => i.target !== null && under(i.target, 'src-main') && !under(i.target, 'src-main/api', 'src-main/shared'));
    expect(show(bad)).toEqual([]);
  });

  it("no folder of the engine imports one that imports it back (directly or round a loop)", () => {
    const folderOf = (path: string) => path.split('/').slice(0, 3).join('/');
    const edges = new Map<string, Map<string, string>>();
    for (const i of mainImports) {
      if (!under(i.file, 'src-main/engine') || i.target === null || !under(i.target, 'src-main/engine')) continue;
      const [a, b] = [folderOf(i.file), folderOf(i.target)];
      if (a === b || !i.file.slice('src-main/engine/'.length).includes('/') || !i.target.slice('src-main/engine/'.length).includes('/')) continue;
      if (!edges.has(a)) edges.set(a, new Map());
      if (!edges.get(a)!.has(b)) edges.get(a)!.set(b, `${i.file} → ${i.spec}`);
    }
    const loops: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (node: string, path: string[]) => {
      state.set(node, 'open');
      for (const [next, why] of edges.get(node) ?? []) {
        if (state.get(next) === 'open') loops.push([...path, why, `… back to ${next}`].join('\n  '));
        else if (!state.has(next)) visit(next, [...path, why]);
      }
      state.set(node, 'done');
    };
    for (const node of edges.keys()) if (!state.has(node)) visit(node, []);
    expect(loops).toEqual([]);
  });
});

describe('the built main bundle', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'gan-bundle-'));
    const cli = join(repo, 'node_modules/electron-vite/bin/electron-vite.js');
    const built = spawnSync(process.execPath, [cli, 'build', '--outDir', out, '--logLevel', 'error'], { cwd: repo, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`electron-vite build failed:\n${built.stderr}${built.stdout}`);
  }, 180_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  /** Every package an entry loads through static imports, following its own chunks. */
  function packagesLoadedBy(entry: string): Set<string> {
    const packages = new Set<string>();
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\s*(?:[^'"]*?\sfrom\s*)?["']([^"']+)["']/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
        else packages.add(spec);
      }
    };
    walk(entry);
    return packages;
  }

  it('main (app/index.js) loads neither TensorFlow.js nor sharp', () => {
    const main = [...packagesLoadedBy(join(out, 'main/index.js'))];
    expect(main).toContain('electron');
    expect(main.filter((p) => /^@tensorflow\/|^sharp$|^ml-matrix$/.test(p))).toEqual([]);
  });

  it('the CLI (cli.js) loads them only once a command needs them, so --help and --version are instant', () => {
    const cli = [...packagesLoadedBy(join(out, 'main/cli.js'))];
    expect(cli.filter((p) => /^@tensorflow\/|^sharp$|^ml-matrix$/.test(p))).toEqual([]);
  });

  it('the walker does see the engine load them (so the check above can fail)', () => {
    const engine = [...packagesLoadedBy(join(out, 'main/engine.js'))];
    expect(engine).toContain('@tensorflow/tfjs-core');
    expect(engine).toContain('sharp');
  });

  it('the sandboxed preload is one self-contained CommonJS file', () => {
    expect(existsSync(join(out, 'preload/preload.cjs'))).toBe(true);
    const requires = [...readFileSync(join(out, 'preload/preload.cjs'), 'utf8').matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(requires.filter((r) => r !== 'electron')).toEqual([]);
  });
});
