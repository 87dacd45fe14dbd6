import { describe, expect, it } from 'vitest';
import { discriminatorFlops, generatorFlops, trainStepFlops } from './cost';
import { tinyConfig } from '../train/test-config';

describe('FLOP counts', () => {
  it('counts a 28-px DCGAN generator layer by layer', () => {
    const model = tinyConfig({ model: { zDim: 8, gWidth: 4 } }).model;
    // dense 8→7·7·16, convT 7×7×16→14×14×8 (k4), convT 14×14×8→28×28×1 (k4)
    expect(generatorFlops(model)).toBe(2 * 8 * 49 * 16 + 2 * 16 * 16 * 8 * 49 + 2 * 16 * 8 * 1 * 196);
  });

  it('counts a 28-px DCGAN critic, including conditional input planes', () => {
    const model = tinyConfig({ model: { architecture: 'cdcgan', numClasses: 10, dWidth: 4 } }).model;
    // conv 28×28×11→14×14×4, conv 14×14×4→7×7×8, dense 7·7·8→1
    expect(discriminatorFlops(model)).toBe(2 * 16 * 11 * 4 * 196 + 2 * 16 * 4 * 8 * 49 + 2 * 49 * 8);
  });

  it('scales a training step with batch, n_critic and the gradient penalty', () => {
    const bce = tinyConfig({ batchSize: 4 });
    expect(trainStepFlops({ ...bce, batchSize: 8 })).toBe(2 * trainStepFlops(bce));
    expect(trainStepFlops(bce, 5)).toBeGreaterThan(trainStepFlops(bce, 1));
    const gp = tinyConfig({ loss: { kind: 'wgan-gp' }, model: { dNorm: 'none' } });
    expect(trainStepFlops(gp, 1)).toBeGreaterThan(trainStepFlops({ ...gp, loss: { ...gp.loss, kind: 'wgan' } }, 1));
  });
});
