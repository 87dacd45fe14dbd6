/**
 * The explorer's projection request: a real image (a row of the run's dataset, or a file the user
 * dropped) in, the latent that reproduces it out, with the best reconstruction streamed as it
 * improves. The optimisation itself is projection.ts; this file finds the target and the features.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import { StudioError } from '../../api/rpc';
import type { exploreEngineRequests } from '../protocol/explore';
import { evaluationDirOf, runIdOf } from '../../project/layout';
import { runDataset } from '../../project/run-file';
import { decodeImage } from '../dataset/decode';
import { parseImportOptions } from '../dataset/options';
import { classifierFor } from '../evaluation/classifier';
import { evalDataset, evalSourceOf } from '../evaluation/datasets';
import type { EngineContext } from '../capability';
import type { LabelledImages } from '../dataset/mnist-demo';
import type { LoadedGenerator } from '../sampling';
import { checkpointOf, grid, imageName, nearestByPixels, trainingImages } from './memorisation';
import { project } from './projection';

type ProjectInput = z.output<(typeof exploreEngineRequests)['explore.project']['input']>;

export async function projectImage(ctx: EngineContext, g: LoadedGenerator, input: ProjectInput, signal?: AbortSignal) {
  const started = performance.now();
  const runId = runIdOf(input.runDir);
  const shape = g.imageShape;
  const source = evalSourceOf(await runDataset(input.runDir), input.projectDir);
  const dataset = await evalDataset(source);

  let target: Float32Array;
  let name: string;
  /** For a dataset image: how far its nearest other training image is (computed after the projection). */
  let nearestOf: (() => Promise<number | null>) | null = null;
  if (input.source.kind === 'dataset') {
    const data = await dataset.load();
    const row = input.source.row;
    if (data.count === 0) throw new StudioError({ code: 'invalid-request', message: `${dataset.label} holds no images: import a folder of images first, or drop an image file on the panel.` });
    if (row >= data.count) {
      const count = data.count.toLocaleString('en-US');
      throw new StudioError({ code: 'invalid-request', message: `There is no training image ${(row + 1).toLocaleString('en-US')}: the dataset has ${count} (pick 1 to ${count}).` });
    }
    target = trainingImages(data, [row], shape);
    name = imageName(data, row);
    const image = target;
    nearestOf = () => nearestOther(data, row, image, shape, signal);
  } else {
    const [h, w, c] = shape;
    const decoded = await decodeImage(Buffer.from(input.source.base64, 'base64'), parseImportOptions({ width: w, height: h, channels: c as 1 | 3, fit: 'crop' }));
    if (!decoded.ok) {
      throw new StudioError({ code: 'invalid-request', message: `${input.source.name} could not be read as an image (${decoded.reason}): use a PNG, JPEG, WebP or GIF file.` });
    }
    target = Float32Array.from(decoded.pixels, (v) => v / 127.5 - 1);
    name = input.source.name;
  }

  const classifier =
    input.featureWeight > 0
      ? await classifierFor(source, {
          cacheDir: evaluationDirOf(input.projectDir),
          onProgress: (done, total) => ctx.emit('explore.progress', { runId, task: 'classifier-training', done, total }),
          ...(signal ? { signal } : {}),
        })
      : null;
  try {
    const pair = async (image: Float32Array) => {
      const tiles = new Float32Array(target.length * 2);
      tiles.set(target);
      tiles.set(image, target.length);
      return grid(tiles, 2, shape, 2);
    };
    // A cGAN searches its classes in the order the classifier finds them likely (when its classes are the generator's).
    const classOrder =
      classifier && g.numClasses > 0 && g.config.model.labels !== 'clusters' && classifier.task === 'labels' && classifier.classNames.length === g.numClasses
        ? tf.tidy(() => Array.from(tf.topk(classifier.logits(tf.tensor4d(target, [1, ...shape])), g.numClasses).indices.dataSync()))
        : undefined;
    const found = await project(g, target, classifier, {
      steps: input.steps,
      starts: input.starts,
      featureWeight: input.featureWeight,
      ...(classOrder ? { classOrder } : {}),
      ...(signal ? { signal } : {}),
      onProgress: async (p) => ctx.emit('explore.projection', { runId, done: p.done, total: p.total, error: p.error, image: await pair(p.image) }),
    });
    const nearestError = nearestOf ? await nearestOf() : null;
    return {
      checkpoint: checkpointOf(g),
      target: name,
      image: await pair(found.image),
      latent: Array.from(found.z),
      seed: found.seed,
      class: found.class,
      error: found.error,
      featureError: classifier ? found.featureError : null,
      nearestError,
      steps: input.steps,
      elapsedMs: performance.now() - started,
    };
  } finally {
    classifier?.dispose();
  }
}

/** RMS pixel distance (0–1 scale) from a dataset image to its nearest other one: what "close" means in this data; null for a one-image dataset. */
async function nearestOther(data: LabelledImages, row: number, target: Float32Array, shape: [number, number, number], signal?: AbortSignal): Promise<number | null> {
  return (await nearestByPixels(data, target, shape, 2, signal)).find((m) => m.row !== row)?.distance ?? null;
}
