import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { trainConfigSchema } from '../../api/train-config';
import { preset } from '../../api/training';
import { ADA_INTERVAL, ADA_SPEED_IMAGES, ADA_TARGET, AdaptiveStrength, decisionBoundary, realSign } from './adaptive';
import { parseTrainerMeta } from '../training/checkpoint-meta';

/** A config that augments at adaptive strength (no preset does since the small-colour preset dropped it: README, #20). */
function adaptiveConfig() {
  const base = preset('dcgan');
  return trainConfigSchema.parse({ ...base, augment: { flip: true, diffAugment: ['translation', 'color'], adaptive: true } });
}

describe('adaptive augmentation strength (ADA)', () => {
  it('starts at 0, moves only every ADA_INTERVAL steps, by the images seen over the speed', () => {
    const ada = new AdaptiveStrength();
    expect(ada.probability).toBe(0);
    for (let i = 0; i < ADA_INTERVAL - 1; i++) ada.observe(0.9, 64);
    expect(ada.probability).toBe(0);
    ada.observe(0.9, 64);
    expect(ada.probability).toBeCloseTo((ADA_INTERVAL * 64) / ADA_SPEED_IMAGES, 12);
  });

  it('follows the mean of r_t over the interval, not the last value, and clamps to [0, 1]', () => {
    const ada = new AdaptiveStrength();
    // Mean 0.65 > target although the last step is below it: p rises.
    for (const r of [1, 1, 0.6, 0]) ada.observe(r, 10_000);
    expect(ada.probability).toBeCloseTo(0.4, 12);
    for (const r of [0.2, 0.2, 0.2, 0.2]) ada.observe(r, 10_000);
    expect(ada.probability).toBeCloseTo(0, 12);
    for (const r of [0, 0, 0, 0]) ada.observe(r, 10_000);
    expect(ada.probability).toBe(0);
    for (let i = 0; i < 40; i++) ada.observe(1, 10_000);
    expect(ada.probability).toBe(1);
    expect(ADA_TARGET).toBe(0.6);
  });

  it('skips a diverged step and restores exactly what it saved', () => {
    const ada = new AdaptiveStrength();
    ada.observe(Number.NaN, 64);
    for (const r of [1, 1]) ada.observe(r, 64);
    const saved = ada.save();
    expect(saved).toEqual({ probability: 0, sum: 2, steps: 2, images: 128 });
    const other = new AdaptiveStrength();
    other.restore(saved);
    for (const a of [ada, other]) for (const r of [1, 1]) a.observe(r, 64);
    expect(other.probability).toBe(ada.probability);
    expect(ada.probability).toBeGreaterThan(0);
    expect(() => other.restore({ probability: 2, sum: 0, steps: 0, images: 0 })).toThrow(/not valid/);
  });

  it('reads the sign where each loss puts it; a Wasserstein critic has none', () => {
    expect(decisionBoundary('bce')).toBe(0);
    expect(decisionBoundary('hinge')).toBe(0);
    expect(decisionBoundary('lsgan')).toBe(0.5);
    expect(decisionBoundary('wgan')).toBeNull();
    expect(decisionBoundary('wgan-gp')).toBeNull();
  });

  it('computes r_t from raw outputs against each loss\'s boundary', async () => {
    const logits = tf.tensor2d([[2], [0.3], [0.7], [-1]]);
    const rt = async (kind: Parameters<typeof realSign>[1]) => {
      const t = realSign(logits, kind);
      const v = (await t.data())[0];
      t.dispose();
      return v;
    };
    // bce and hinge: three of four above 0, one below: (3 − 1) / 4.
    expect(await rt('bce')).toBeCloseTo(0.5, 6);
    expect(await rt('hinge')).toBeCloseTo(0.5, 6);
    // lsgan: 2 and 0.7 above 0.5, 0.3 and −1 below.
    expect(await rt('lsgan')).toBeCloseTo(0, 6);
    logits.dispose();
  });

  it('a checkpoint\'s controller state is checked before anything is restored', () => {
    const config = adaptiveConfig();
    const meta = { rngState: 5, realImages: 64, live: { gLr: 2e-4, dLr: 2e-4, nCritic: 1, labelSmoothing: 0 }, config: {} };
    const ok = { probability: 0.25, sum: 1.5, steps: 2, images: 128 };
    expect(parseTrainerMeta({ ...meta, adaptive: ok }, config).adaptive).toEqual(ok);
    expect(parseTrainerMeta(meta, config).adaptive).toBeUndefined();
    for (const bad of [{ ...ok, probability: 1.5 }, { ...ok, steps: 1.5 }, { ...ok, sum: 3 }, { ...ok, images: -1 }]) {
      expect(() => parseTrainerMeta({ ...meta, adaptive: bad }, config)).toThrow(/training state is not valid \(adaptive/);
    }
    expect(() => parseTrainerMeta({ ...meta, rngState: -1 }, config)).toThrow(/rngState/);
    expect(() => parseTrainerMeta({ ...meta, live: { ...meta.live, gLr: 0 } }, config)).toThrow(/live\.gLr/);
  });

  it('reads checkpoints from other builds: unknown keys dropped, missing live edits from the config', () => {
    const config = adaptiveConfig();
    const ok = { probability: 0.25, sum: 1.5, steps: ADA_INTERVAL + 1, images: 128 };
    const parsed = parseTrainerMeta({ rngState: 5, live: { gLr: 1e-4, later: true }, adaptive: { ...ok, later: 1 } }, config);
    expect(parsed.adaptive).toEqual(ok);
    expect(parsed.live).toEqual({ gLr: 1e-4, dLr: config.optimizer.dLr, nCritic: config.nCritic, labelSmoothing: config.loss.labelSmoothing });
    // No live edits stored at all: the config's.
    expect(parseTrainerMeta({ rngState: 5 }, config).live).toEqual({ gLr: config.optimizer.gLr, dLr: config.optimizer.dLr, nCritic: config.nCritic, labelSmoothing: config.loss.labelSmoothing });
  });

  it('is refused without a policy to adapt and with a Wasserstein loss, with the reason', () => {
    const base = preset('dcgan');
    const parse = (augment: object, loss: object = {}) =>
      trainConfigSchema.safeParse({ ...base, model: { ...base.model, dNorm: 'none' }, augment: { ...base.augment, ...augment }, loss: { ...base.loss, ...loss } });
    expect(parse({ diffAugment: ['translation'], adaptive: true }).success).toBe(true);
    const none = parse({ adaptive: true });
    expect(none.success || none.error.issues[0]!.message).toMatch(/needs at least one DiffAugment policy/);
    const wgan = parse({ diffAugment: ['color'], adaptive: true }, { kind: 'wgan-gp' });
    expect(wgan.success || wgan.error.issues[0]!.message).toMatch(/Wasserstein critic/);
    // Configs written before the field existed read as fixed strength.
    const old = trainConfigSchema.parse({ ...base, augment: { flip: true, diffAugment: ['color'] } });
    expect(old.augment.adaptive).toBe(false);
  });
});
