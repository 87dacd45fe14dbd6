import { describe, expect, it } from 'vitest';
import { preset } from '../../../../src-main/api/training';
import type { ModelConfig } from '../../../../src-main/api/train-config';
import { discriminatorPlan, generatorPlan, type NetworkPlan } from '../../../../src-main/shared/model-design/plan';
import { fieldHints } from './options';

/** Each hidden layer's width (channels or units) over the setting, in layer-table order. */
function ratios(plan: NetworkPlan, width: number): number[] {
  return plan.rows
    .filter((r) => /^[gd]\/(project|up\d+|down\d+|fc\d+)$/.test(r.name))
    .map((r) => r.output[r.output.length - 1]! / width);
}

const dcgan64: ModelConfig = { ...preset('dcgan').model, resolution: 64, channels: 3, gWidth: 32, dWidth: 32 };
const mlp: ModelConfig = { ...preset('mlp').model, gWidth: 32, dWidth: 32 };

describe('the width hints say what the layer table shows', () => {
  it('G width: the DCGAN starts at 2ⁿ× and halves to 2× before the image; the MLP grows 1×, 2×, 4×', () => {
    // Hidden layers only: the last upsampling outputs the image's channels.
    expect(ratios(generatorPlan(dcgan64), 32).slice(0, -1)).toEqual([16, 8, 4, 2]);
    expect(ratios(generatorPlan(mlp), 32)).toEqual([1, 2, 4]);
    const hint = fieldHints['model.gWidth']!;
    expect(hint).toContain('16× at 64 px');
    expect(hint).toContain('down to 2× before the image');
    expect(hint).toContain('1×, 2× and 4×');
    // It once called G width the channels of G's last hidden layer, which has twice as many.
    expect(hint).not.toMatch(/last hidden layer/);
  });

  it('D width: the DCGAN critic starts at 1× and doubles; the MLP shrinks 4×, 2×, 1×', () => {
    expect(ratios(discriminatorPlan(dcgan64), 32)).toEqual([1, 2, 4, 8]);
    expect(ratios(discriminatorPlan(mlp), 32)).toEqual([4, 2, 1]);
    const hint = fieldHints['model.dWidth']!;
    expect(hint).toContain('first conv has this many channels and each later one doubles it');
    expect(hint).toContain('4×, 2× and 1×');
  });
});
