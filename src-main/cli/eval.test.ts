/** `gan-studio eval` through the real CLI process on a real (tiny) run inside a project folder. */
import { runCli } from '../test-support/cli';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setUpBackends } from '../engine/backend/kernels/testing';
import { loadMnistDemo } from '../engine/dataset/mnist-demo';
import { memoryBatches } from '../engine/batches/memory-batches';
import { TrainingSession } from '../engine/training/session';
import { tinyConfig } from '../engine/training/testing-config';
import { DomainClassifier } from '../engine/evaluation/classifier';
import { evaluationDirOf, inceptionDirOf } from '../project/layout';
import { writeTinyGraphModel } from '../engine/evaluation/testing';
import { evaluationRecordSchema } from '../api/evaluation';

let runDir: string;

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
  const project = await mkdtemp(join(tmpdir(), 'gan-cli-eval-'));
  // A quickly trained classifier in the project's cache, so the CLI does not spend a minute on it.
  const classifier = await DomainClassifier.train(loadMnistDemo(), { epochs: 1, maxTrainImages: 2000 });
  await classifier.save(join(evaluationDirOf(project), 'classifier-demo-mnist.gsc'));
  classifier.dispose();
  const config = tinyConfig({ steps: 4, checkpointEvery: 2 });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const session = await TrainingSession.create(join(project, 'runs'), config, memoryBatches(loadMnistDemo(), config.model), {
    status: (s) => (s.state === 'completed' || s.state === 'failed') && done(),
    metrics: () => undefined,
    samples: () => undefined,
  });
  session.start();
  await finished;
  await session.dispose();
  runDir = session.runDir;
}, 180_000);

describe('gan-studio eval', () => {
  it('prints each metric beside its real-vs-real baseline and saves the record', async () => {
    const result = await runCli(['eval', '--run', runDir, '--checkpoint', 'ckpt-000000002.gsc', '--metric', 'kid,pr', '--samples', '200', '--bootstrap', '10', '--backend', 'wasm']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ckpt-000000002\.gsc \(step 2, EMA weights\)/);
    expect(result.stdout).toMatch(/^metric\s+value\s+spread\s+real vs real/m);
    for (const metric of ['kid', 'precision', 'recall']) expect(result.stdout).toMatch(new RegExp(`^${metric}\\s+-?\\d`, 'm'));
    const lines = (await readFile(join(runDir, 'evaluations.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    const record = evaluationRecordSchema.parse(JSON.parse(lines[0]!));
    expect(record.checkpoint.step).toBe(2);
    expect(record.values.map((v) => v.metric)).toEqual(['kid', 'precision', 'recall']);
  }, 120_000);

  it('prints JSON on request, and refuses an unknown metric', async () => {
    const json = await runCli(['eval', '--run', runDir, '--metric', 'fid', '--samples', '100', '--bootstrap', '0', '--json', '--backend', 'wasm']);
    expect(json.code, json.stderr).toBe(0);
    const record = evaluationRecordSchema.parse(JSON.parse(json.stdout));
    expect(record.checkpoint.step).toBe(4);
    expect(record.values[0]!.metric).toBe('fid');
    const bad = await runCli(['eval', '--run', runDir, '--metric', 'fid,sharpness', '--backend', 'wasm']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--metric: Invalid option: expected one of "kid"/);
  }, 120_000);

  it('--repeats n prints each metric’s median with its range over n draws, and refuses more than 10', async () => {
    const result = await runCli(['eval', '--run', runDir, '--metric', 'kid', '--samples', '60', '--repeats', '3', '--seed', '4', '--backend', 'wasm']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^kid\s+\S+\s+\S+–\S+ over 3 draws/m);
    expect(result.stdout).toMatch(/Medians over 3 draws \(seeds 4–6: other latents, other halves of the real images\)/);
    const record = evaluationRecordSchema.parse(JSON.parse((await readFile(join(runDir, 'evaluations.jsonl'), 'utf8')).trim().split('\n').at(-1)!));
    expect(record).toMatchObject({ seed: 4, repeats: 3 });
    expect(record.values[0]!.draws!.n).toBe(3);
    const tooMany = await runCli(['eval', '--run', runDir, '--repeats', '11', '--backend', 'wasm']);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toMatch(/--repeats: /);
  }, 120_000);

  it('imports a graph model from a folder with the input range it expects, and evaluates with it', async () => {
    const model = await writeTinyGraphModel(join(dirname(dirname(runDir)), 'tiny-graph-source'));
    const both = await runCli(['eval', '--run', runDir, '--inception-dir', model.dir, '--inception-url', 'https://example.com/model.json']);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/not both/);
    const badRange = await runCli(['eval', '--run', runDir, '--inception-dir', model.dir, '--inception-range=0,255']);
    expect(badRange.code).toBe(1);
    expect(badRange.stderr).toMatch(/--inception-range is 0,1 or -1,1/);
    const result = await runCli([
      'eval', '--run', runDir, '--inception-dir', model.dir, '--inception-range=-1,1', '--extractor', 'inception', '--metric', 'kid', '--samples', '60', '--bootstrap', '0', '--json', '--backend', 'wasm',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(evaluationRecordSchema.parse(JSON.parse(result.stdout)).extractor.kind).toBe('inception');
    const sidecars = (await readdir(inceptionDirOf(dirname(dirname(runDir))))).filter((name) => name.endsWith('.json') && name !== 'model.json');
    const sidecar = JSON.parse(await readFile(join(inceptionDirOf(dirname(dirname(runDir))), sidecars[0]!), 'utf8'));
    expect(sidecar.inputRange).toBe('-1,1');
  }, 120_000);
});
