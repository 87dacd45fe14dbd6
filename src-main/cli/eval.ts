/**
 * `gan-studio eval`: evaluates a checkpoint of a run from the terminal with the same engine code as
 * the Evaluate view, prints each metric beside its real-vs-real baseline, and appends the result
 * to the run's evaluations.jsonl (where the app lists it too).
 */
import { basename, resolve } from 'node:path';
import { projectOfRun } from '../project/layout';
import { holdProjectLock } from '../project/lock';
import { backendPreferenceSchema } from '../api/schemas';
import { evaluationSettingsSchema, type EvaluationRecord } from '../api/evaluation';
import { initRuntime } from '../engine/runtime';
import { backendLine } from '../shared/backend-line';
import { resolveThreads } from '../engine/backend/threads';
import { GeneratorCache } from '../engine/sampling';
import { evaluateCheckpoint } from '../engine/evaluation/evaluate';
import { inceptionDirOf } from '../project/layout';
import { cacheGraphModel } from '../engine/evaluation/graph-model';
import { ProgressLine } from './progress';
import { flagNumber, invalidOptions, parseFlags } from './flags';
import { runFolder } from './run-folder';
import { evalUsage } from './usage';

export async function evaluate(args: string[]): Promise<void> {
  const { values } = parseFlags({
    args,
    options: {
      run: { type: 'string' },
      checkpoint: { type: 'string' },
      metric: { type: 'string', default: 'kid,pr' },
      samples: { type: 'string', default: '1000' },
      extractor: { type: 'string', default: 'classifier' },
      bootstrap: { type: 'string', default: '100' },
      seed: { type: 'string', default: '0' },
      repeats: { type: 'string', default: '1' },
      'inception-url': { type: 'string' },
      'inception-sha256': { type: 'string' },
      'inception-dir': { type: 'string' },
      'inception-range': { type: 'string', default: '0,1' },
      json: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'auto' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(evalUsage);
  if (!values.run) throw new Error(`--run is required\n\n${evalUsage}`);
  const settings = evaluationSettingsSchema.safeParse({
    metrics: values.metric.split(',').map((m) => m.trim()).filter(Boolean),
    samples: flagNumber(values.samples),
    extractor: values.extractor,
    bootstrap: flagNumber(values.bootstrap),
    seed: flagNumber(values.seed),
    repeats: flagNumber(values.repeats),
  });
  if (!settings.success) {
    throw invalidOptions(settings.error, { metrics: '--metric', samples: '--samples', extractor: '--extractor', bootstrap: '--bootstrap', seed: '--seed', repeats: '--repeats' });
  }
  const threads = resolveThreads(values.threads);
  const runDir = await runFolder(values.run);
  const projectDir = projectOfRun(runDir);
  await holdProjectLock(projectDir, 'eval');
  const backend = await initRuntime(backendPreferenceSchema.parse(values.backend), { threads });
  process.stderr.write(`Backend: ${backendLine(backend)}\n`);

  const inputRange = values['inception-range'];
  if (inputRange !== '0,1' && inputRange !== '-1,1') throw new Error(`--inception-range is 0,1 or -1,1, not "${inputRange}"`);
  if (values['inception-url'] && values['inception-dir']) throw new Error('Give --inception-url or --inception-dir, not both');
  const from = values['inception-url'] ? { url: values['inception-url'] } : values['inception-dir'] ? { dir: resolve(values['inception-dir']) } : null;
  if (from) {
    process.stderr.write(`Importing ${'url' in from ? from.url : from.dir} into ${inceptionDirOf(projectDir)}…\n`);
    await cacheGraphModel(from, inceptionDirOf(projectDir), { inputRange, ...(values['inception-sha256'] ? { expectedSha256: values['inception-sha256'] } : {}) });
  }

  let phase = '';
  let progress: ProgressLine | null = null;
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  try {
    const record = await evaluateCheckpoint(
      { ...settings.data, projectDir, runDir, file: values.checkpoint },
      {
        generators: new GeneratorCache(),
        backend: backend.active,
        signal: abort.signal,
        onProgress: (next, done, total, message) => {
          if (next !== phase) {
            progress?.finish('done');
            phase = next;
            progress = total > 0 ? new ProgressLine(total) : null;
            if (!progress && next !== 'done') process.stderr.write(`${message}…\n`);
          }
          progress?.update(done, message);
        },
      },
    );
    process.stdout.write(values.json ? `${JSON.stringify(record, null, 2)}\n` : formatRecord(record));
  } catch (err) {
    if (abort.signal.aborted) throw new Error('Evaluation cancelled.');
    throw err;
  } finally {
    process.off('SIGINT', interrupt);
  }
}

export function formatRecord(record: EvaluationRecord): string {
  const rows = record.values.map((v) => {
    const spread = v.draws
      ? `${fmt(v.draws.low)}–${fmt(v.draws.high)} over ${v.draws.n} draws`
      : v.ci
        ? `[${fmt(v.ci.low)}, ${fmt(v.ci.high)}]`
        : v.std !== null
          ? `± ${fmt(v.std)}`
          : '';
    const baseline = v.baseline === null ? '—' : `${fmt(v.baseline)}${v.baselineStd !== null ? ` ± ${fmt(v.baselineStd)}` : ''}`;
    return [v.metric, fmt(v.value), spread, baseline, `${v.better} is better`];
  });
  const table = [['metric', 'value', 'spread', 'real vs real', ''], ...rows];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const lines = table.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  return [
    `${record.runId} ${basename(record.checkpoint.file)} (step ${record.checkpoint.step}${record.checkpoint.ema ? ', EMA weights' : ''})`,
    `${record.samples} samples vs ${record.referenceSamples} real; baseline: ${record.baselineSamples} held-out real images; ${record.extractor.label}`,
    '',
    ...lines,
    ...record.notes.map((note) => `Note: ${note}`),
    ...record.values.flatMap((v) => (v.caveat ? [`Note on ${v.metric}: ${v.caveat}`] : [])),
    '',
    record.repeats > 1
      ? `Medians over ${record.repeats} draws (seeds ${record.seed}–${record.seed + record.repeats - 1}: other latents, other halves of the real images), with their range. Saved to evaluations.jsonl (${(record.elapsedMs / 1000).toFixed(1)} s).`
      : `Spread: 95% bootstrap interval [low, high] or ± standard deviation (KID subsets, IS splits). Saved to evaluations.jsonl (${(record.elapsedMs / 1000).toFixed(1)} s).`,
    '',
  ].join('\n');
}

function fmt(value: number): string {
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e5) ? value.toExponential(3) : Number(value.toPrecision(4)).toString();
}
