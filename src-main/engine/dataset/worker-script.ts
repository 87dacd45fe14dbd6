/**
 * Starting a worker_threads worker from the same code whether it runs as TypeScript source
 * (vitest, tsx) or as a build.
 *
 * Lookup, relative to the calling module's `import.meta.url`:
 *   1. an explicit entry, when the host knows better (e.g. a packaged app's unpacked folder);
 *   2. `<name>.js` beside the caller, or one folder up: a tsc build emits it beside the caller; an
 *      electron-vite build does when `<name>` is its own rollup input (out/main/<name>.js) and the
 *      caller lands in out/main/engine.js, or in out/main/chunks/*.js when code is shared;
 *   3. `<name>.ts` beside the caller, started through ts-worker-bootstrap.mjs, which registers tsx
 *      inside the worker (Node 20 ignores `--import tsx` in a Worker's execArgv).
 * Paths are built from variables on purpose: bundlers rewrite `new URL('literal', import.meta.url)`
 * into asset imports, which would copy the .ts source into the build instead.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const BOOTSTRAP = './ts-worker-bootstrap.mjs';

export interface WorkerEntry {
  url: URL;
  /** true: a .ts source, which needs the tsx bootstrap. */
  typescript: boolean;
}

export function resolveWorkerEntry(callerUrl: string, name: string, explicit?: string | URL): WorkerEntry {
  if (explicit !== undefined) {
    const url = explicit instanceof URL ? explicit : explicit.startsWith('file:') ? new URL(explicit) : pathToFileURL(explicit);
    return { url, typescript: url.pathname.endsWith('.ts') };
  }
  const candidates = [`./${name}.js`, `../${name}.js`, `./${name}.mjs`];
  for (const rel of candidates) {
    const url = new URL(rel, callerUrl);
    if (exists(url)) return { url, typescript: false };
  }
  const source = new URL(`./${name}.ts`, callerUrl);
  if (exists(source)) return { url: source, typescript: true };
  throw new Error(
    `Worker script "${name}" not found next to ${callerUrl} (looked for ${candidates.join(', ')} and ./${name}.ts). ` +
      `A bundled build must emit it as its own entry.`,
  );
}

export function spawnWorker(entry: WorkerEntry, options: WorkerOptions = {}): Worker {
  if (!entry.typescript) return new Worker(entry.url, options);
  const bootstrap = new URL(BOOTSTRAP, import.meta.url);
  return new Worker(bootstrap, { ...options, argv: [...(options.argv ?? []), entry.url.href] });
}

function exists(url: URL): boolean {
  return url.protocol === 'file:' && existsSync(fileURLToPath(url));
}
