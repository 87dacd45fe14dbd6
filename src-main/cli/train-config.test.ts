/** How `gan-studio train` turns flags into a run config (no engine, no spawn). */
import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainConfigSchema } from '../api/train-config';
import { preset } from '../api/training';
import { buildConfig } from './train';

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

  it('trains the small-colour preset as the DCGAN recipe at the folder’s colour size (README, #20)', async () => {
    const config = trainConfigSchema.parse(await buildConfig({ preset: 'small-colour' }, emoji, undefined));
    const dcgan = trainConfigSchema.parse(await buildConfig({ preset: 'dcgan' }, emoji, undefined));
    expect(config).toEqual(dcgan);
    expect(config.model).toMatchObject({ architecture: 'dcgan', resolution: 32, channels: 3 });
    expect(config.augment).toEqual({ flip: false, diffAugment: [], adaptive: false });
  });
});
