/**
 * The shape of the engine's networks without building them: which resolutions a DCGAN can make and
 * the layer table (output shape, parameters, FLOPs) of G and D for a model config. Pure TypeScript
 * with no tfjs import, so the renderer's Model view and main can size a model before any tensor
 * exists; generator.ts and discriminator.ts build exactly these layers (a test holds them to it).
 */
import type { ModelConfig } from '../../api/train-config';

/** Spatial size the DCGAN projects z to, and how many ×2 upsamplings reach the resolution. */
export function dcganPlan(resolution: number): { base: number; upsamplings: number } {
  for (const base of [4, 7]) {
    let size = base;
    let n = 0;
    while (size < resolution) {
      size *= 2;
      n++;
    }
    if (size === resolution && n > 0) return { base, upsamplings: n };
  }
  throw new Error(`DCGAN cannot produce ${resolution} px (needs 4·2^k or 7·2^k)`);
}

/** Whether the DCGAN's ×2 upsamplings from a 4×4 or 7×7 start reach exactly this size. */
export function dcganCanProduce(resolution: number): boolean {
  try {
    dcganPlan(resolution);
    return true;
  } catch {
    return false;
  }
}

export interface LayerRow {
  /** The engine's parameter prefix (g/project, d/down1…), or '' for the input row. */
  name: string;
  /** What the layer does, in words. */
  op: string;
  /** Output shape of one image (H, W, C or units). */
  output: number[];
  /** Trainable parameters. */
  params: number;
  /** Forward FLOPs per image (multiply-add = 2); norms and activations count as free. */
  flops: number;
}

export interface NetworkPlan {
  rows: LayerRow[];
  params: number;
  flops: number;
  /** Elements of every layer's output for one image: what a forward pass keeps for its backward. */
  activations: number;
}

const LEAKY = 'LeakyReLU 0.2';

function plan(rows: LayerRow[]): NetworkPlan {
  return {
    rows,
    params: rows.reduce((n, r) => n + r.params, 0),
    flops: rows.reduce((n, r) => n + r.flops, 0),
    activations: rows.reduce((n, r) => n + (r.name ? r.output.reduce((a, b) => a * b, 1) : 0), 0),
  };
}

function dense(name: string, inUnits: number, outUnits: number, bias: boolean, then: string, output: number[] = [outUnits]): LayerRow {
  return {
    name,
    op: `Dense ${inUnits.toLocaleString('en-US')} → ${outUnits.toLocaleString('en-US')}${bias ? '' : ', no bias'}${then ? ` · ${then}` : ''}`,
    output,
    params: inUnits * outUnits + (bias ? outUnits : 0),
    flops: 2 * inUnits * outUnits,
  };
}

function batchNorm(name: string, output: number[], then: string): LayerRow {
  return { name, op: `Batch norm · ${then}`, output, params: 2 * output[output.length - 1]!, flops: 0 };
}

/** G(z): the MLP or the DCGAN generator; the conditional model appends the class one-hot to z. */
export function generatorPlan(model: ModelConfig): NetworkPlan {
  const z = model.zDim + model.numClasses;
  const { resolution: r, channels: c } = model;
  const input: LayerRow = {
    name: '',
    op: model.numClasses ? `z (${model.zDim}) ⊕ class one-hot (${model.numClasses})` : `z (${model.zDim})`,
    output: [z],
    params: 0,
    flops: 0,
  };
  if (model.architecture === 'mlp') {
    const h = model.gWidth;
    return plan([
      input,
      dense('g/fc0', z, h, true, LEAKY),
      dense('g/fc1', h, 2 * h, true, LEAKY),
      dense('g/fc2', 2 * h, 4 * h, true, LEAKY),
      dense('g/out', 4 * h, r * r * c, true, 'tanh, reshaped', [r, r, c]),
    ]);
  }
  const { base, upsamplings } = dcganPlan(r);
  const channelsAt = (block: number) => model.gWidth * 2 ** (upsamplings - 1 - block);
  const first = channelsAt(0) * 2;
  const rows = [
    input,
    dense('g/project', z, base * base * first, false, `reshaped to ${base}×${base}×${first}`, [base, base, first]),
    batchNorm('g/project_bn', [base, base, first], 'ReLU'),
  ];
  let size = base;
  let cin = first;
  for (let i = 0; i < upsamplings; i++) {
    const last = i === upsamplings - 1;
    const cout = last ? c : channelsAt(i);
    const output = [size * 2, size * 2, cout];
    const transposed = model.upsample === 'transposed';
    const k = transposed ? 4 : 3;
    rows.push({
      name: `g/up${i}`,
      op: `${transposed ? 'Transposed conv 4×4 stride 2' : 'Upsample ×2 + conv 3×3'}, ${cin} → ${cout}${last ? ' + bias · tanh' : ''}`,
      output,
      params: k * k * cin * cout + (last ? cout : 0),
      // A transposed conv meets every input pixel with k²·cout weights; upsample+conv runs at 2× size.
      flops: transposed ? 2 * k * k * cin * cout * size * size : 2 * k * k * cin * cout * (2 * size) ** 2,
    });
    if (!last) rows.push(batchNorm(`g/up${i}_bn`, output, 'ReLU'));
    size *= 2;
    cin = cout;
  }
  return plan(rows);
}

/** D(x): the MLP (with dropout) or the DCGAN critic; the conditional one sees class planes. */
export function discriminatorPlan(model: ModelConfig): NetworkPlan {
  const { resolution: r, channels: c } = model;
  const pixels = r * r * c;
  if (model.architecture === 'mlp') {
    const h = model.dWidth;
    return plan([
      { name: '', op: `Image ${r}×${r}×${c}, flattened`, output: [pixels], params: 0, flops: 0 },
      dense('d/fc0', pixels, 4 * h, true, `${LEAKY} · dropout 0.3`),
      dense('d/fc1', 4 * h, 2 * h, true, `${LEAKY} · dropout 0.3`),
      dense('d/fc2', 2 * h, h, true, `${LEAKY} · dropout 0.3`),
      dense('d/out', h, 1, true, 'logit'),
    ]);
  }
  const { base, upsamplings: downsamplings } = dcganPlan(r);
  const classes = model.architecture === 'cdcgan' ? model.numClasses : 0;
  const rows: LayerRow[] = [
    { name: '', op: classes ? `Image ${r}×${r}×${c} ⊕ ${classes} class planes` : `Image ${r}×${r}×${c}`, output: [r, r, c + classes], params: 0, flops: 0 },
  ];
  let size = r;
  let cin = c + classes;
  for (let i = 0; i < downsamplings; i++) {
    const cout = model.dWidth * 2 ** i;
    // The first block never normalises (DCGAN); batch norm replaces the bias, the others keep it.
    const norm = i === 0 ? 'none' : model.dNorm;
    size /= 2;
    const output = [size, size, cout];
    const spectral = model.dNorm === 'spectral' ? 'spectral-normalised ' : '';
    rows.push({
      name: `d/down${i}`,
      op: `${spectral}Conv 4×4 stride 2, ${cin} → ${cout}${norm === 'batch' ? '' : ' + bias'}${norm === 'batch' ? '' : ` · ${LEAKY}`}`,
      output,
      params: 16 * cin * cout + (norm === 'batch' ? 0 : cout),
      flops: 2 * 16 * cin * cout * size * size,
    });
    if (norm === 'batch') rows.push(batchNorm(`d/down${i}_bn`, output, LEAKY));
    cin = cout;
  }
  const features = base * base * cin;
  rows.push(dense('d/out', features, 1, true, 'logit'));
  return plan(rows);
}
