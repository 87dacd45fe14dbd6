/** How `gan-studio train` turns flags into a run config (no engine, no spawn). */
import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainConfigSchema } from '../api/train-config';
import { preset } from '../api/training';
import { buildConfig } from './train';
import { assertTrainable } from '../shared/model-design/review';

const emoji = { name: 'emoji', width: 32, height: 32, channels: 3 as const, count: 3752, classes: 0, labelled: 0 };

describe('gan-studio train flags', () => {
  it('trains a config with adaptive augmentation under a Wasserstein loss at fixed strength', async () => {
    const base = preset('small-colour');
    const file = join(await mkdtemp(join(tmpdir(), 'gan-train-config-')), 'ada.json');
    await writeFile(file, JSON.stringify({ ...base, augment: { flip: true, diffAugment: ['translation', 'color'], adaptive: true } }));
    for (const loss of ['wgan', 'wgan-gp']) {
      const config = trainConfigSchema.parse(await buildConfig({ preset: 'dcgan', config: file, loss }, emoji, undefined));
      expect(config.loss.kind).toBe(loss);
      expect(config.augment).toEqual({ flip: true, diffAugment: ['translation', 'color'], adaptive: false });
    }
    // Its own loss keeps adaptive strength.
    expect(trainConfigSchema.parse(await buildConfig({ preset: 'dcgan', config: file }, emoji, undefined)).augment.adaptive).toBe(true);
  });

  it('trains the small-colour preset as the DCGAN recipe with R1 γ 1, at the folder’s colour size (README, #20)', async () => {
    const config = trainConfigSchema.parse(await buildConfig({ preset: 'small-colour' }, emoji, undefined));
    const dcgan = trainConfigSchema.parse(await buildConfig({ preset: 'dcgan' }, emoji, undefined));
    expect(config).toEqual({ ...dcgan, loss: { ...dcgan.loss, r1: 1 } });
    expect(config.model).toMatchObject({ architecture: 'dcgan', resolution: 32, channels: 3 });
    expect(config.augment).toEqual({ flip: false, diffAugment: [], adaptive: false });
    // A Wasserstein loss on top of it drops R1, as --loss does for a config file's.
    expect(assertTrainable(await buildConfig({ preset: 'small-colour', loss: 'wgan-gp' }, emoji, undefined)).loss.r1).toBe(0);
  });

  it('sets learning-rate decay with --lr-decay, beside --lr, and refuses a share outside 0–1 by the field’s name', async () => {
    const config = assertTrainable(await buildConfig({ preset: 'dcgan', lr: '0.0004', 'lr-decay': '0.5' }, emoji, undefined));
    expect(config.optimizer).toMatchObject({ gLr: 4e-4, dLr: 4e-4, lrDecay: 0.5 });
    // Without it the preset's rates stay, undecayed; a config file written before the field reads as 0.
    expect(assertTrainable(await buildConfig({ preset: 'dcgan' }, emoji, undefined)).optimizer.lrDecay).toBe(0);
    const { lrDecay: _lrDecay, ...older } = preset('dcgan').optimizer;
    const file = join(await mkdtemp(join(tmpdir(), 'gan-train-config-')), 'old.json');
    await writeFile(file, JSON.stringify({ ...preset('dcgan'), optimizer: older }));
    expect(assertTrainable(await buildConfig({ preset: 'dcgan', config: file }, emoji, undefined)).optimizer.lrDecay).toBe(0);
    for (const bad of ['2', '-0.1', 'half', '']) {
      const error = await buildConfig({ preset: 'dcgan', 'lr-decay': bad }, emoji, undefined).then((c) => assertTrainable(c)).catch((e: { issues?: string[] }) => e);
      expect((error as { issues: string[] }).issues.join(' ')).toMatch(/^Learning-rate decay: /);
    }
  });

  it('sets R1 with --r1, drops a config file’s R1 for a Wasserstein loss, and refuses an R1 that cannot train by the field’s name', async () => {
    expect(assertTrainable(await buildConfig({ preset: 'dcgan', r1: '0.5' }, emoji, undefined)).loss.r1).toBe(0.5);
    expect(assertTrainable(await buildConfig({ preset: 'dcgan' }, emoji, undefined)).loss.r1).toBe(0);
    // A config file's γ goes with its loss: --loss wgan-gp trains without it; --r1 0 turns it off.
    const dir = await mkdtemp(join(tmpdir(), 'gan-train-config-'));
    const withR1 = join(dir, 'r1.json');
    await writeFile(withR1, JSON.stringify({ ...preset('small-colour'), loss: { ...preset('small-colour').loss, r1: 2 } }));
    expect(assertTrainable(await buildConfig({ preset: 'dcgan', config: withR1 }, emoji, undefined)).loss.r1).toBe(2);
    expect(assertTrainable(await buildConfig({ preset: 'dcgan', config: withR1, r1: '0' }, emoji, undefined)).loss.r1).toBe(0);
    const wgan = assertTrainable(await buildConfig({ preset: 'dcgan', config: withR1, loss: 'wgan-gp' }, emoji, undefined));
    expect(wgan.loss).toMatchObject({ kind: 'wgan-gp', r1: 0 });
    // A config file written before R1 reads as 0.
    const { r1: _r1, ...older } = preset('small-colour').loss;
    const file = join(dir, 'old.json');
    await writeFile(file, JSON.stringify({ ...preset('small-colour'), loss: older }));
    expect(assertTrainable(await buildConfig({ preset: 'dcgan', config: file }, emoji, undefined)).loss.r1).toBe(0);
    for (const [flags, why] of [
      [{ r1: '-1' }, /^R1 penalty γ: /],
      [{ r1: 'strong' }, /^R1 penalty γ: /],
      [{ r1: '1', loss: 'wgan' }, /^R1 penalty γ: R1 flattens D’s output .*set R1 to 0/],
    ] as const) {
      const error = await buildConfig({ preset: 'dcgan', ...flags }, emoji, undefined).then((c) => assertTrainable(c)).catch((e: { issues?: string[]; message?: string }) => e);
      const said = (error as { issues?: string[]; message?: string }).issues?.join(' ') ?? (error as Error).message;
      expect(said).toMatch(why);
    }
  });

  it('turns on in-training evaluation and early stopping with --eval-every and --patience, also over a config file that has no evaluation', async () => {
    const config = assertTrainable(await buildConfig({ preset: 'dcgan', 'eval-every': '500', patience: '4' }, emoji, undefined));
    expect(config.evaluation).toEqual({ every: 500, samples: 500, metric: 'kid', patience: 4 });
    expect(assertTrainable(await buildConfig({ preset: 'dcgan' }, emoji, undefined)).evaluation.patience).toBe(0);
    const { evaluation: _evaluation, ...older } = preset('dcgan');
    const file = join(await mkdtemp(join(tmpdir(), 'gan-train-config-')), 'old.json');
    await writeFile(file, JSON.stringify(older));
    expect(assertTrainable(await buildConfig({ preset: 'dcgan', config: file }, emoji, undefined)).evaluation).toEqual({ every: 0, samples: 500, metric: 'kid', patience: 0 });
    expect(assertTrainable(await buildConfig({ preset: 'dcgan', config: file, patience: '3' }, emoji, undefined)).evaluation.patience).toBe(3);
    for (const bad of ['-1', '2.5', 'many']) {
      const error = await buildConfig({ preset: 'dcgan', patience: bad }, emoji, undefined).then((c) => assertTrainable(c)).catch((e: { issues?: string[] }) => e);
      expect((error as { issues: string[] }).issues.join(' ')).toMatch(/^Stop after evaluations without improvement: /);
    }
    // Patience without evaluations is a warning (the run trains every step), not a refusal.
    expect(assertTrainable(await buildConfig({ preset: 'dcgan', patience: '3' }, emoji, undefined)).evaluation).toMatchObject({ every: 0, patience: 3 });
  });
});
