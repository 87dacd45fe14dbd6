/**
 * The promise users care about most: kill -9 a training run at any moment, resume it, and the
 * loss curve continues as if nothing happened. Real processes, real files, the real CLI.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMetricsLog } from '../project/metrics-log';
import { tinyConfig } from '../engine/training/testing-config';
import { writeRunEnd } from '../project/run-end';

const cli = fileURLToPath(new URL('./index.ts', import.meta.url));

/** `gan-studio …` in a child; each [when, signal] sends its signal once the output first matches `when`, in turn. */
function runCli(args: string[], signals: [(stderr: string) => boolean, NodeJS.Signals][] = []): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const triggers = [...signals];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      while (triggers.length && triggers[0]![0](stderr)) child.kill(triggers.shift()![1]);
    });
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

async function losses(runDir: string): Promise<Map<number, [number, number]>> {
  const { lines } = await readMetricsLog(join(runDir, 'metrics.jsonl'));
  // A resumed run repeats the steps after its last checkpoint; the later line is the one that counts.
  return new Map(lines.filter((l) => l.type === 'step').map((l) => [l.step as number, [l.dLoss as number, l.gLoss as number]]));
}

describe('gan-studio train', () => {
  it('resumes after kill -9 and continues the same curve', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-cli-'));
    // Steps heavy enough (about 0.1 s each here) that the run cannot finish between the progress
    // line that triggers the kill and the kill itself, even on a loaded machine: with the tiny
    // default a whole run took 0.4 s and CI once saw it end before the signal landed.
    const config = tinyConfig({ batchSize: 64, model: { architecture: 'mlp', dNorm: 'none', gWidth: 64, dWidth: 64 }, steps: 40, checkpointEvery: 5, sampleEvery: 100, keepCheckpoints: 3 });
    const configFile = join(dir, 'config.json');
    await writeFile(configFile, JSON.stringify(config));
    const common = ['train', '--config', configFile, '--backend', 'cpu'];

    const reference = await runCli([...common, '--out', join(dir, 'reference')]);
    expect(reference.code, reference.stderr).toBe(0);
    const referenceRun = join(dir, 'reference', 'runs', (await readdir(join(dir, 'reference', 'runs')))[0]!);

    // Kill once a checkpoint exists and the run has moved past it.
    const killed = await runCli([...common, '--out', join(dir, 'crashed')], [[(text) => /\b(1[2-9]|2\d)\/40\b/.test(text), 'SIGKILL']]);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const crashedRun = join(dir, 'crashed', 'runs', (await readdir(join(dir, 'crashed', 'runs')))[0]!);

    const resumed = await runCli(['train', '--resume', crashedRun, '--backend', 'cpu']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming .* at step (5|10|15|20|25)\b/);

    const expected = await losses(referenceRun);
    const actual = await losses(crashedRun);
    expect([...actual.keys()].sort((a, b) => a - b)).toEqual([...expected.keys()].sort((a, b) => a - b));
    for (const [step, [d, g]] of expected) {
      expect(actual.get(step)![0], `D loss at step ${step}`).toBeCloseTo(d, 4);
      expect(actual.get(step)![1], `G loss at step ${step}`).toBeCloseTo(g, 4);
    }
    // Resuming a finished run says how to train longer, with its data.
    const again = await runCli(['train', '--resume', crashedRun, '--backend', 'cpu']);
    expect(again.stderr).toContain('It has trained all its 40 steps already. To train longer, start a new run with its settings and data:');
    expect(again.stderr).toContain(`--data mnist --config "${join(crashedRun, 'config.json')}" --steps <more>`);
  }, 240_000);

  it('stops with a checkpoint at the first Ctrl+C, saying so, and quits at once at the second, saying where --resume continues', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-cli-int-'));
    const config = tinyConfig({ batchSize: 64, model: { architecture: 'mlp', dNorm: 'none', gWidth: 64, dWidth: 64 }, steps: 400, checkpointEvery: 5, sampleEvery: 1000 });
    const configFile = join(dir, 'config.json');
    await writeFile(configFile, JSON.stringify(config));
    const common = ['train', '--config', configFile, '--backend', 'cpu'];
    const stepSeen = (text: string) => /\b(1[2-9]|2\d)\/400\b/.test(text);

    const once = await runCli([...common, '--project', join(dir, 'once')], [[stepSeen, 'SIGINT']]);
    expect(once.code, once.stderr).toBe(0);
    expect(once.stderr).toContain('Stopping after this step and saving a checkpoint… (Ctrl+C again quits at once, without it)');
    const stopped = /stopped at step (\d+)/.exec(once.stderr)?.[1];
    expect(stopped, once.stderr).toBeDefined();
    const onceRun = join(dir, 'once', 'runs', (await readdir(join(dir, 'once', 'runs')))[0]!);
    expect(await readdir(join(onceRun, 'checkpoints'))).toContain(`ckpt-${stopped!.padStart(9, '0')}.gsc`);

    // The second press while the first stop is under way: steps long enough (a wide MLP) that it is.
    // (40 steps: a progress line every 2 without a terminal.)
    const slow = tinyConfig({ batchSize: 64, model: { architecture: 'mlp', dNorm: 'none', gWidth: 512, dWidth: 512 }, steps: 40, checkpointEvery: 1, sampleEvery: 1000 });
    await writeFile(configFile, JSON.stringify(slow));
    const stopping = (text: string) => text.includes('Stopping after this step');
    const twice = await runCli([...common, '--project', join(dir, 'twice')], [[(text) => /\b([4-9]|1\d)\/40\b/.test(text), 'SIGINT'], [stopping, 'SIGINT']]);
    expect(twice.code, twice.stderr).toBe(130);
    expect(twice.stderr).toMatch(/Quit without a checkpoint: --resume .* continues from step \d+\./);
  }, 240_000);

  it('refuses flag mixes it would otherwise quietly ignore or change, saying what to do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-cli-flags-'));
    const out = ['--project', join(dir, 'project'), '--backend', 'cpu'];
    const twoProjects = await runCli(['train', '--project', join(dir, 'a'), '--out', join(dir, 'b')]);
    expect(twoProjects.code).toBe(1);
    expect(twoProjects.stderr).toMatch(/--out is the old name of --project: give one of them/);
    const resumed = await runCli(['train', '--resume', join(dir, 'project', 'runs', 'x'), '--steps', '5', '--data', 'mnist', '--clusters', '4']);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toMatch(/--resume continues a run with the settings it started with: --data, --steps, --clusters cannot go with it/);
    const notCount = await runCli(['train', '--clusters', 'abc', ...out]);
    expect(notCount.code).toBe(1);
    expect(notCount.stderr).toMatch(/--clusters takes a whole number from 2 to 100 \(got "abc"\)/);
    // A config file that asks for clusters on a plain DCGAN is refused, not trained as a plain DCGAN.
    const file = join(dir, 'clusters-on-dcgan.json');
    await writeFile(file, JSON.stringify(tinyConfig({ model: { architecture: 'dcgan', labels: 'clusters', numClasses: 0 } })));
    const plain = await runCli(['train', '--config', file, ...out]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/only the conditional DCGAN can be conditioned on clusters/);
    expect(await readdir(join(dir, 'project', 'runs')).catch(() => [])).toEqual([]);
  }, 120_000);

  it('a run that ended early is finished: --resume says so and how to train longer, and trains nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-cli-ended-'));
    const configFile = join(dir, 'config.json');
    await writeFile(configFile, JSON.stringify(tinyConfig({ steps: 6, checkpointEvery: 3, sampleEvery: 100 })));
    const first = await runCli(['train', '--config', configFile, '--backend', 'cpu', '--project', join(dir, 'project')]);
    expect(first.code, first.stderr).toBe(0);
    const runDir = join(dir, 'project', 'runs', (await readdir(join(dir, 'project', 'runs')))[0]!);
    // What early stopping leaves: a run configured for more steps, ended at its newest checkpoint.
    const config = JSON.parse(await readFile(join(runDir, 'config.json'), 'utf8')) as { steps: number };
    await writeFile(join(runDir, 'config.json'), JSON.stringify({ ...config, steps: 40 }));
    await writeRunEnd(runDir, { step: 6, message: 'Stopped early at step 6: KID has not improved in 2 evaluations in a row (early stopping).' });
    const stepLines = async () => (await readMetricsLog(join(runDir, 'metrics.jsonl'))).lines.filter((l) => l.type === 'step').length;
    const before = await stepLines();

    const resumed = await runCli(['train', '--resume', runDir, '--backend', 'cpu']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/has finished: Stopped early at step 6: KID has not improved/);
    expect(resumed.stderr).toMatch(/--config ".*config\.json" --patience 0/);
    expect(await stepLines()).toBe(before);
  }, 120_000);
});
