/** How `gan-studio train` turns flags into a run config (no engine, no spawn). */
import { describe, expect, it } from 'vitest';
import { trainConfigSchema } from '../api/train-config';
import { buildConfig } from './train';

const emoji = { name: 'emoji', width: 32, height: 32, channels: 3 as const, count: 3752, classes: 0, labelled: 0 };

describe('gan-studio train flags', () => {
  it('trains the small-colour preset with a Wasserstein loss at fixed augmentation strength', async () => {
    for (const loss of ['wgan', 'wgan-gp']) {
      const config = trainConfigSchema.parse(await buildConfig({ preset: 'small-colour', loss }, emoji, undefined));
      expect(config.loss.kind).toBe(loss);
      expect(config.augment).toEqual({ flip: true, diffAugment: ['translation', 'color'], adaptive: false });
    }
    // Its own loss keeps adaptive strength.
    expect(trainConfigSchema.parse(await buildConfig({ preset: 'small-colour' }, emoji, undefined)).augment.adaptive).toBe(true);
  });
});
