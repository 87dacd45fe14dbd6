/**
 * The engine's generator rebuilt as a TensorFlow.js layers model, so it loads in any browser with
 * plain @tensorflow/tfjs (tf.loadLayersModel) and needs nothing of GAN Studio. Every op of
 * models/generator.ts has a stock Keras-style layer with the same maths:
 *
 *   engine (models/layers.ts)                 layers model
 *   matMul(x, W) [+ b]                        Dense (kernel [in, out], same layout)
 *   reshape to [base, base, C]                Reshape
 *   batchNorm(running mean/var, ε = 1e-5)     BatchNormalization (ε 1e-5, moving statistics)
 *   relu / relu(x) − 0.2·relu(−x)             ReLU / LeakyReLU(α 0.2)
 *   conv2dTranspose k4 s2 'same' → 2H×2W      Conv2DTranspose (kernel [k, k, out, in], same layout;
 *                                             'same' gives H·stride, so no cropping is needed)
 *   reshape-broadcast ×2 upsample, conv k3    UpSampling2D (nearest) + Conv2D ('same', stride 1)
 *   tanh                                      Activation tanh
 *
 * Only the last conv has a bias (the others are followed by batch norm), exactly as in the engine.
 * The conditional model's single input is [z, one-hot class] concatenated, as the engine feeds it.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Generator } from '../models/generator';
import { dcganPlan } from '../../shared/model-design/plan';

/** ε and momentum of the engine's batch norm (models/layers.ts makeBatchNorm). */
const BN = { epsilon: 1e-5, momentum: 0.9 } as const;

export interface ModelFiles {
  /** model.json (tfjs "layers-model" format), pointing at weights.bin. */
  modelJson: string;
  weights: Uint8Array;
  /** Number of weight values, for the report. */
  parameters: number;
}

export interface ModelMetadata {
  zDim: number;
  numClasses: number;
  [key: string]: unknown;
}

/**
 * Builds the layers model, copies the generator's weights into it (G's inference weights, the
 * running batch-norm statistics included) and serialises it. The model is disposed before return.
 */
export async function exportLayersModel(generator: Generator, metadata: ModelMetadata, weightsPath = 'weights.bin'): Promise<ModelFiles> {
  const model = buildLayersModel(generator);
  try {
    model.setUserDefinedMetadata({ ganStudio: metadata });
    let files: ModelFiles | null = null;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)));
        const json: tf.io.ModelJSON = {
          modelTopology: artifacts.modelTopology as object,
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs ?? [] }],
          ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
        };
        files = { modelJson: JSON.stringify(json), weights, parameters: weights.byteLength / 4 };
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
    if (!files) throw new Error('tfjs did not hand over the model artifacts');
    return files;
  } finally {
    model.dispose();
  }
}

/** The generator as a tf.LayersModel holding copies of its current weights. The caller disposes it. */
export function buildLayersModel(generator: Generator): tfl.LayersModel {
  const { spec, params } = generator;
  const value = (name: string) => params.get(name);
  const layers: tfl.layers.Layer[] = [];
  // Each stock layer gets its weights right after the model is built (they exist only then).
  const assignments: { layer: tfl.layers.Layer; weights: string[] }[] = [];
  const add = (layer: tfl.layers.Layer, weights: string[] = []) => {
    layers.push(layer);
    if (weights.length) assignments.push({ layer, weights });
  };
  const batchNorm = (name: string) =>
    add(tfl.layers.batchNormalization({ name: layerName(name), axis: -1, ...BN }), ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((w) => `${name}/${w}`));
  const inputShape = [spec.zDim];

  if (spec.architecture === 'mlp') {
    const names = [...params.variables.keys()].filter((n) => /^g\/fc\d+\/kernel$/.test(n)).map((n) => n.slice(0, -'/kernel'.length));
    names.forEach((name, i) => {
      const units = value(`${name}/kernel`).shape[1]!;
      add(tfl.layers.dense({ name: layerName(name), units, useBias: true, ...(i === 0 ? { inputShape } : {}) }), [`${name}/kernel`, `${name}/bias`]);
      add(tfl.layers.leakyReLU({ name: `${layerName(name)}_act`, alpha: 0.2 }));
    });
    const pixels = spec.resolution * spec.resolution * spec.channels;
    add(tfl.layers.dense({ name: 'out', units: pixels, useBias: true }), ['g/out/kernel', 'g/out/bias']);
    add(tfl.layers.activation({ name: 'out_tanh', activation: 'tanh' }));
    add(tfl.layers.reshape({ name: 'image', targetShape: [spec.resolution, spec.resolution, spec.channels] }));
  } else {
    const { base, upsamplings } = dcganPlan(spec.resolution);
    const first = value('g/project/kernel').shape[1]! / (base * base);
    add(tfl.layers.dense({ name: 'project', units: base * base * first, useBias: false, inputShape }), ['g/project/kernel']);
    add(tfl.layers.reshape({ name: 'project_reshape', targetShape: [base, base, first] }));
    batchNorm('g/project_bn');
    add(tfl.layers.reLU({ name: 'project_relu' }));
    for (let i = 0; i < upsamplings; i++) {
      const name = `g/up${i}`;
      const last = i === upsamplings - 1;
      const kernel = value(`${name}/kernel`);
      const weights = last ? [`${name}/kernel`, `${name}/bias`] : [`${name}/kernel`];
      if (spec.upsample === 'transposed') {
        const filters = kernel.shape[2]!; // [k, k, out, in]
        add(tfl.layers.conv2dTranspose({ name: layerName(name), filters, kernelSize: kernel.shape[0]!, strides: 2, padding: 'same', useBias: last }), weights);
      } else {
        const filters = kernel.shape[3]!; // [k, k, in, out]
        add(tfl.layers.upSampling2d({ name: `${layerName(name)}_upsample`, size: [2, 2], interpolation: 'nearest' }));
        add(tfl.layers.conv2d({ name: layerName(name), filters, kernelSize: kernel.shape[0]!, strides: 1, padding: 'same', useBias: last }), weights);
      }
      if (last) {
        add(tfl.layers.activation({ name: 'image', activation: 'tanh' }));
      } else {
        batchNorm(`${name}_bn`);
        add(tfl.layers.reLU({ name: `${layerName(name)}_relu` }));
      }
    }
  }

  const model = tfl.sequential({ name: 'gan_studio_generator', layers });
  for (const { layer, weights } of assignments) {
    const expected = layer.getWeights().map((w) => w.shape);
    const values = weights.map(value);
    values.forEach((v, k) => {
      if (!tf.util.arraysEqual(v.shape, expected[k] ?? [])) {
        model.dispose();
        throw new Error(`Layer ${layer.name}: weight ${weights[k]} has shape [${v.shape}], the layer expects [${expected[k]}]`);
      }
    });
    layer.setWeights(values);
  }
  return model;
}

/** Engine names like 'g/up0_bn' become layer names like 'up0_bn' ('/' is the layers scope separator). */
function layerName(engineName: string): string {
  return engineName.replace(/^g\//, '').replace(/\//g, '_');
}
