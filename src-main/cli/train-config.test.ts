/** How `gan-studio train` turns flags into a run config (no engine, no spawn). */
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preset } from '../api/training';
import { trainConfigSchema } from '../api/train-config';
import { buildConfig } from './train';

const emoji = { name: 'emoji', width: 32, height: 32, channels: 3 as const, count: 3752, classes: 0, labelled: 0 };

describe('gan-studio train flags', () => {
  it('trains a config with adaptive augmentation at fixed strength under a Wasserstein loss', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'gan-cli-config-'));
    try {
      const config = join(folder, 'config.json');
      const augment = { flip: true, diffAugment: ['translation', 'color'], adaptive: true };
      await writeFile(config, JSON.stringify({ ...preset('dcgan'), augment }));
      for (const loss of ['wgan', 'wgan-gp']) {
        const built = trainConfigSchema.parse(await buildConfig({ preset: 'dcgan', config, loss }, emoji, undefined));
        expect(built.loss.kind).toBe(loss);
        expect(built.augment).toEqual({ ...augment, adaptive: false });
      }
      // Its own loss keeps adaptive strength.
      expect(trainConfigSchema.parse(await buildConfig({ preset: 'dcgan', config }, emoji, undefined)).augment.adaptive).toBe(true);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('trains the small-colour preset as measured: G width 64, D width 16, evaluation every 500 steps', async () => {
    const config = trainConfigSchema.parse(await buildConfig({ preset: 'small-colour' }, emoji, undefined));
    expect(config.model).toMatchObject({ architecture: 'dcgan', resolution: 32, channels: 3, gWidth: 64, dWidth: 16 });
    expect(config.evaluation).toEqual({ every: 500, samples: 1000, metric: 'kid' });
    expect(config.augment).toEqual({ flip: false, diffAugment: [], adaptive: false });
  });
});
