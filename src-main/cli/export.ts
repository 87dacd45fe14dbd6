/**
 * `gan-studio export`: the Gallery view's exports from the terminal, with the same engine code,
 * folders, sidecars and guarantees (temp folder renamed when complete, never an overwrite).
 */
import { basename, dirname, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import {
  consecutiveWalks,
  exportKinds,
  exportRequestSchema,
  sidecarSchema,
  type ExportKind,
} from '../api/export';
import { backendPreferenceSchema } from '../api/schemas';
import { exportsDirOf, projectOfRun, runDirOf, runIdOf } from '../project/layout';
import { holdProjectLock } from '../project/lock';
import { runExport } from '../engine/export/run';
import { initRuntime } from '../engine/runtime';
import { resolveThreads } from '../engine/backend/threads';
import { GeneratorCache } from '../engine/sampling';
import { ProgressLine } from './progress';
import { formatBytes } from '../shared/bytes';
import { invalidOptions, optionalFlagNumber, parseFlags } from './flags';
import { runFolder, writableFolder } from './run-folder';
import { exportUsage } from './usage';

const options = {
  run: { type: 'string' },
  from: { type: 'string' },
  out: { type: 'string' },
  checkpoint: { type: 'string' },
  seed: { type: 'string' },
  n: { type: 'string' },
  class: { type: 'string' },
  psi: { type: 'string' },
  threshold: { type: 'string' },
  cols: { type: 'string' },
  padding: { type: 'string' },
  background: { type: 'string' },
  scale: { type: 'string' },
  captions: { type: 'string' },
  keyframes: { type: 'string' },
  frames: { type: 'string' },
  path: { type: 'string' },
  once: { type: 'boolean' },
  format: { type: 'string' },
  delay: { type: 'string' },
  'max-frames': { type: 'string' },
  backend: { type: 'string', default: 'auto' },
  threads: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseFlags<{ args: string[]; options: typeof options; allowPositionals: true }>>['values'];

export async function exportCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags({ args, options, allowPositionals: true });
  if (values.help) return void process.stdout.write(exportUsage);
  const threads = resolveThreads(values.threads);

  let request: Record<string, unknown>;
  let runDir: string;
  let expectSha256: string | undefined;
  if (values.from) {
    const sidecar = sidecarSchema.parse(JSON.parse(await readFile(resolve(values.from), 'utf8')));
    // The sidecar sits in <project>/exports/<name>/: the run is <project>/runs/<id>.
    runDir = await runFolder(values.run ?? runDirOf(dirname(dirname(dirname(resolve(values.from)))), sidecar.run.runId));
    request = { ...sidecar.request, onExisting: 'rename' };
    expectSha256 = sidecar.run.sha256 ?? undefined;
  } else {
    const kind = positionals[0] as ExportKind | undefined;
    if (!kind) throw new Error(`Which kind of export?\n\n${exportUsage}`);
    if (!exportKinds.includes(kind)) throw new Error(`Unknown kind of export “${kind}”: ${exportKinds.join(', ')}`);
    if (!values.run) throw new Error(`--run is required\n\n${exportUsage}`);
    runDir = await runFolder(values.run);
    request = requestFor(kind, runIdOf(runDir), values);
  }
  const out = values.out ? resolve(values.out) : null;
  if (out) await writableFolder(dirname(out), '--out');
  if (out) request = { ...request, name: basename(out), onExisting: 'fail' };
  const parsed = exportRequestSchema.safeParse(request);
  if (!parsed.success) throw invalidOptions(parsed.error, EXPORT_FLAGS);

  await holdProjectLock(projectOfRun(runDir), 'export');
  await initRuntime(backendPreferenceSchema.parse(values.backend), { threads });
  // Beside the original for --from; the project's exports/ otherwise.
  const exportsDir = out ? dirname(out) : values.from ? dirname(dirname(resolve(values.from))) : exportsDirOf(projectOfRun(runDir));
  let cancelled = false;
  process.once('SIGINT', () => (cancelled = true));
  let progress: ProgressLine | null = null;
  let phase = '';
  const result = await runExport(
    { request: parsed.data, exportsDir, runDir, ...(expectSha256 ? { expectSha256 } : {}) },
    {
      generators: new GeneratorCache(1),
      progress: (p, done, total) => {
        if (p === 'done') return;
        if (p !== phase || !progress) [phase, progress] = [p, new ProgressLine(Math.max(1, total))];
        progress.update(done, p);
      },
      cancelled: () => cancelled,
    },
  );
  if (result.status === 'cancelled') {
    process.stderr.write('\nCancelled: nothing was written.\n');
    process.exitCode = 130;
    return;
  }
  const { export: entry, elapsedMs } = result;
  const bytes = entry.sidecar.totalBytes;
  const size = formatBytes(bytes);
  // fileCount leaves out sidecar.json itself.
  (progress ?? new ProgressLine(1)).finish(`Exported ${entry.sidecar.fileCount + 1} files (${size}) in ${(elapsedMs / 1000).toFixed(1)} s to ${entry.dir}`);
}

/** Where each flag lands in an export request (requestFor), for messages that name the flag. */
const EXPORT_FLAGS = {
  'checkpoint.file': '--checkpoint',
  'source.checkpoint.file': '--checkpoint',
  'source.first': '--seed',
  'source.count': '--n',
  'source.class': '--class',
  'source.truncation.psi': '--psi',
  'source.truncation.threshold': '--threshold',
  'source.walks': '--seed/--n/--keyframes',
  'source.framesPerSegment': '--frames',
  'source.path': '--path',
  tilesPerFrame: '--n',
  'layout.cols': '--cols',
  'layout.padding': '--padding',
  'layout.background': '--background',
  'layout.scale': '--scale',
  'layout.captions': '--captions',
  'animation.format': '--format',
  'animation.delayMs': '--delay',
  maxFrames: '--max-frames',
  scale: '--scale',
  name: '--out',
};

/** The request the options describe, unchecked: exportRequestSchema says what is wrong with it. */
function requestFor(kind: ExportKind, runId: string, v: Values): Record<string, unknown> {
  const num = (value: string | undefined, fallback: number) => optionalFlagNumber(value) ?? fallback;
  const checkpoint = { runId, ...(v.checkpoint ? { file: v.checkpoint } : {}) };
  const shared = {
    checkpoint,
    class: optionalFlagNumber(v.class) ?? null,
    truncation: { psi: num(v.psi, 1), threshold: optionalFlagNumber(v.threshold) ?? null },
  };
  const layout = { cols: num(v.cols, 8), padding: num(v.padding, 2), background: v.background ?? '#000000', scale: num(v.scale, 1), captions: v.captions ?? 'none' };
  const animation = { format: v.format ?? 'gif', delayMs: num(v.delay, 80), loop: !v.once };
  const seeds = (count: number) => ({ from: 'seeds', first: num(v.seed, 0), count: num(v.n, count), ...shared });
  switch (kind) {
    case 'grid':
      return { kind, source: seeds(64), layout };
    case 'images':
      return { kind, source: seeds(1000) };
    case 'html':
      return { kind, source: seeds(64) };
    case 'model':
      return { kind, checkpoint };
    case 'timelapse':
      return { kind, runId, maxFrames: num(v['max-frames'], 120), scale: num(v.scale, 1), animation };
    case 'animation': {
      const tiles = num(v.n, 1);
      const walks = consecutiveWalks(num(v.seed, 0), tiles, num(v.keyframes, 4));
      const source = { from: 'walks', walks, framesPerSegment: num(v.frames, 12), closed: !v.once, path: v.path ?? 'slerp', ...shared };
      return { kind, source, tilesPerFrame: tiles, layout: { ...layout, cols: num(v.cols, Math.min(tiles, 8)) }, animation };
    }
  }
}
