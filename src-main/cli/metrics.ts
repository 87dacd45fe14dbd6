/** `gan-studio metrics`: a run's logged metrics as a summary, CSV or TensorBoard event files. Read-only on the run's log. */
import { parseFlags } from './flags';
import { writableFolder } from './run-folder';
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { readRunHistory } from '../project/run-history';
import { readRunConfig } from '../project/run-config';
import type { LossConfig } from '../api/train-config';
import { runFiles, runIdOf } from '../project/layout';
import { writeFileAtomic } from '../project/atomic';
import { writeTensorBoardRun } from '../project/tensorboard';
import { metricsCsv } from '../shared/metrics-csv';
import { metricsUsage } from './usage';

export async function metrics(args: string[]): Promise<void> {
  const { values } = parseFlags({
    args,
    options: {
      run: { type: 'string' },
      csv: { type: 'boolean' },
      out: { type: 'string' },
      tensorboard: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(metricsUsage);
  if (!values.run) throw new Error(`--run is required\n\n${metricsUsage}`);
  // Only the log is read: a run whose config.json is damaged or from another version still shows its metrics.
  const runDir = resolve(values.run);
  const log = runFiles(runDir).metrics;
  const logged = await stat(log).catch(() => null);
  if (!logged) throw new Error(`${log} does not exist: is ${runDir} a run folder (runs/<id> in a project)?`);
  const { points } = await readRunHistory(runDir, { samples: false });

  if (values.csv) {
    const csv = metricsCsv(points);
    if (values.out) {
      const out = resolve(values.out);
      await writableFolder(dirname(out), '--out');
      await writeFileAtomic(dirname(out), basename(out), [Buffer.from(csv)]);
      process.stderr.write(`Wrote ${points.length} steps of run ${runIdOf(runDir)} to ${out}\n`);
    } else process.stdout.write(csv);
  }
  if (values.tensorboard) {
    // The log records step durations, not clock times: the curves start when the log was created.
    const started = (logged.birthtimeMs || logged.mtimeMs) - (logged.birthtimeMs ? 0 : points.reduce((sum, p) => sum + p.stepMs, 0));
    const file = await writeTensorBoardRun(runDir, points, started);
    process.stderr.write(`Wrote ${points.length} steps to ${file}\nView them with: tensorboard --logdir "${dirname(runDir)}"\n`);
  }
  if (!values.csv && !values.tensorboard) {
    const last = points.at(-1);
    const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(4));
    // The config only names what D(x) means; a damaged one leaves that unsaid.
    const kind = last ? ((await readRunConfig(runDir).catch(() => null))?.loss.kind ?? null) : null;
    process.stdout.write(
      last
        ? `Run ${runIdOf(runDir)}: ${points.length} steps logged, last step ${last.step}: D loss ${fmt(last.dLoss)}, G loss ${fmt(last.gLoss)}, ` +
            `D(x) ${fmt(last.dReal)} and D(G(z)) ${fmt(last.dFake)}${scoreMeaning(kind)}, ${last.imagesPerSecond.toFixed(0)} images/s.\n` +
            `--csv for every step, --tensorboard for TensorBoard.\n`
        : `Run ${runIdOf(runDir)} has logged no steps yet.\n`,
    );
  }
}

/** What the summary's D(x) and D(G(z)) are for a run's loss, as the Train view charts them. */
export function scoreMeaning(kind: LossConfig['kind'] | null): string {
  switch (kind) {
    case 'bce':
      return " (both D's probability that an image is real)";
    case 'lsgan':
      return " (both D's mean output: LSGAN's targets are 1 for real, 0 for fake; not probabilities)";
    case 'hinge':
    case 'wgan':
    case 'wgan-gp':
      return " (both the mean σ of D's score: a gauge for this loss, not probabilities)";
    default:
      return '';
  }
}
