/** `gan-studio metrics`: a run's logged metrics as a summary, CSV or TensorBoard event files. Read-only on the run's log. */
import { parseFlags } from './flags';
import { writableFolder } from './run-folder';
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { readRunHistory } from '../project/run-history';
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
    process.stdout.write(
      last
        ? `Run ${runIdOf(runDir)}: ${points.length} steps logged, last step ${last.step}: D loss ${fmt(last.dLoss)}, G loss ${fmt(last.gLoss)}, ` +
            `D(x) ${fmt(last.dReal)}, D(G(z)) ${fmt(last.dFake)}, ${last.imagesPerSecond.toFixed(0)} images/s.\n` +
            `--csv for every step, --tensorboard for TensorBoard.\n`
        : `Run ${runIdOf(runDir)} has logged no steps yet.\n`,
    );
  }
}
