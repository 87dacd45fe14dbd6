/** The CLI's data exports as a user runs them: metrics (CSV, TensorBoard), the StyleGAN dataset zip, and help. */
import { runCli } from '../test-support/cli';
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { useTinyRunOnCpu } from '../test-support/tiny-run';
import { writeSyntheticDataset } from '../engine/dataset/testing';
import { readRunHistory } from '../project/run-history';
import { datasetDirOf, exportsDirOf, runFiles } from '../project/layout';
import { metricsCsv } from '../shared/metrics-csv';
import { scoreMeaning } from './metrics';

const tiny = useTinyRunOnCpu();

describe('gan-studio metrics', () => {
  it('prints every logged step as CSV and leaves the run’s log untouched', async () => {
    const before = await readFile(runFiles(tiny.run.runDir).metrics);
    const { code, stdout, stderr } = await runCli(['metrics', '--run', tiny.run.runDir, '--csv']);
    expect(code, stderr).toBe(0);
    const { points } = await readRunHistory(tiny.run.runDir, { samples: false });
    expect(points.length).toBe(4);
    expect(stdout).toBe(metricsCsv(points));
    expect((await readFile(runFiles(tiny.run.runDir).metrics)).equals(before)).toBe(true);
  }, 60_000);

  it('writes the CSV to --out and TensorBoard event files next to metrics.jsonl', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'gan-cli-metrics-')), 'run.csv');
    const { code, stderr } = await runCli(['metrics', '--run', tiny.run.runDir, '--csv', '--out', out, '--tensorboard']);
    expect(code, stderr).toBe(0);
    expect((await readFile(out, 'utf8')).split('\r\n')[0]).toMatch(/^step,dLoss,gLoss,/);
    const events = (await readdir(tiny.run.runDir)).filter((f) => f.startsWith('events.out.tfevents.'));
    expect(events).toHaveLength(1);
    expect((await stat(join(tiny.run.runDir, events[0]!))).size).toBeGreaterThan(4 * 100);
    expect(stderr).toContain('tensorboard --logdir');
  }, 60_000);

  it('summarises the last step and says what D(x) is for the run’s loss', async () => {
    const { code, stdout, stderr } = await runCli(['metrics', '--run', tiny.run.runDir]);
    expect(code, stderr).toBe(0);
    const kind = JSON.parse(await readFile(runFiles(tiny.run.runDir).config, 'utf8')).loss.kind;
    expect(stdout).toMatch(/4 steps logged, last step 4: D loss \d/);
    expect(stdout).toMatch(/D\(x\) \d\.\d{4} and D\(G\(z\)\) \d\.\d{4} \(both /);
    expect(stdout).toContain(scoreMeaning(kind));
    expect(scoreMeaning(kind)).not.toBe('');
    expect(scoreMeaning('lsgan')).toMatch(/not probabilities/);
    expect(scoreMeaning('bce')).toMatch(/probability that an image is real/);
  }, 60_000);

  it('says which file is missing for a folder that is not a run', async () => {
    const { code, stderr } = await runCli(['metrics', '--run', tmpdir()]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/metrics\.jsonl does not exist/);
  }, 60_000);
});

describe('gan-studio train --tensorboard', () => {
  it('writes the live run’s steps to an event file next to its metrics.jsonl', async () => {
    const project = await mkdtemp(join(tmpdir(), 'gan-cli-tb-'));
    const { code, stderr } = await runCli(['train', '--preset', 'dcgan', '--steps', '3', '--batch', '8', '--backend', 'cpu', '--project', project, '--tensorboard']);
    expect(code, stderr).toBe(0);
    const [runId] = await readdir(join(project, 'runs'));
    const runDir = join(project, 'runs', runId!);
    const [events] = (await readdir(runDir)).filter((f) => f.startsWith('events.out.tfevents.'));
    const bytes = await readFile(join(runDir, events!));
    expect(bytes.includes('brain.Event:2')).toBe(true);
    // One Event per logged step, each naming its scalars.
    expect(bytes.toString('latin1').split('loss/D').length - 1).toBe(3);
  }, 120_000);
});

describe('gan-studio export-dataset stylegan', () => {
  it('writes the dataset zip in dataset_tool’s layout, with labels', async () => {
    const project = await mkdtemp(join(tmpdir(), 'gan-cli-sg-'));
    await writeSyntheticDataset(datasetDirOf(project), 6, 4, true);
    const { code, stderr } = await runCli(['export-dataset', 'stylegan', '--project', project]);
    expect(code, stderr).toBe(0);
    const [zip] = await readdir(exportsDirOf(project));
    expect(zip).toMatch(/^stylegan-gan-cli-sg-\w+-\d{8}-\d{6}\.zip$/);
    const files = unzipSync(await readFile(join(exportsDirOf(project), zip!)));
    expect(Object.keys(files).sort()).toEqual(['00000/img00000000.png', '00000/img00000001.png', '00000/img00000002.png', '00000/img00000003.png', '00000/img00000004.png', '00000/img00000005.png', 'dataset.json']);
    const labels = JSON.parse(Buffer.from(files['dataset.json']!).toString()).labels as [string, number][];
    // In source path order (c0/000, c0/003, c1/001, …), as the Data view lists them.
    expect(labels.map(([, label]) => label)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(stderr).not.toContain('Note:');
  }, 60_000);

  it('says before writing that 28 px images are not what StyleGAN2-ADA takes', async () => {
    const project = await mkdtemp(join(tmpdir(), 'gan-cli-sg28-'));
    await writeSyntheticDataset(datasetDirOf(project), 3, 3, false, 28);
    const out = join(project, 'digits.zip');
    const { code, stderr } = await runCli(['export-dataset', 'stylegan', '--project', project, '--out', out]);
    expect(code, stderr).toBe(0);
    expect(stderr.indexOf('Note: StyleGAN2-ADA trains on square power-of-two images; these are 28×28.')).toBeGreaterThanOrEqual(0);
    expect(stderr.indexOf('Note:')).toBeLessThan(stderr.indexOf('Wrote 3 images'));
    expect((await stat(out)).size).toBeGreaterThan(0);
    const again = await runCli(['export-dataset', 'stylegan', '--project', project, '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
  }, 60_000);

  it('names the project and what to do when it has no dataset', async () => {
    const project = await mkdtemp(join(tmpdir(), 'gan-cli-sg-none-'));
    const { code, stderr } = await runCli(['export-dataset', 'stylegan', '--project', project]);
    expect(code).toBe(1);
    expect(stderr).toContain(project);
    expect(stderr).toContain('gan-studio import');
  }, 60_000);
});

describe('gan-studio help', () => {
  it('answers --help, <command> --help and --version', async () => {
    const top = await runCli(['--help']);
    expect(top.stdout).toContain('export-dataset');
    expect(top.stdout).toContain('metrics');
    const train = await runCli(['train', '--help']);
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/^Usage: gan-studio train/);
    const version = await runCli(['--version']);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  }, 60_000);
});
