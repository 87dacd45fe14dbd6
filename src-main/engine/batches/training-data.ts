/**
 * What a training run samples from: the images in memory when they fit comfortably, else a shard
 * stream with bounded memory. Both are deterministic from the trainer's Rng and resume exactly.
 */
import type { ModelConfig } from '../../api/train-config';
import { openDataset, type DatasetReader } from '../dataset';
import type { BatchSource } from './types';
import { STREAM_ABOVE_BYTES, type DatasetShape } from '../../shared/model-design/review';
import { memoryBatches } from './memory-batches';
import type { LabelledImages } from '../dataset/mnist-demo';
import { imageBytesOf, loadIntoMemory } from '../dataset/project-dataset';
import { ShardStream, type ShardStreamOptions } from './shard-stream';
import { findClusters, withClusterLabels } from '../dataset/clusters';
import type { RunData } from '../../project/run-file';

export { STREAM_ABOVE_BYTES };

export interface StreamedImages {
  kind: 'stream';
  reader: DatasetReader;
}

export type TrainingData = LabelledImages | StreamedImages;

export async function openDatasetTrainingData(datasetDir: string, streamAboveBytes = STREAM_ABOVE_BYTES): Promise<TrainingData> {
  const reader = await openDataset(datasetDir);
  if (reader.count * imageBytesOf(reader) > streamAboveBytes) return { kind: 'stream', reader };
  try {
    return await loadIntoMemory(reader);
  } finally {
    await reader.close();
  }
}

export function isStreamed(data: TrainingData): data is StreamedImages {
  return 'kind' in data && data.kind === 'stream';
}

/**
 * A fresh source per run: a stream's position belongs to the run that reads it. A model conditioned
 * on clusters gets them found in the data, or assigned to a run's saved centres when it resumes.
 */
export function trainingBatches(data: TrainingData, model: ModelConfig, options: ShardStreamOptions = {}, saved?: { centres: number[][] }): BatchSource {
  if (isStreamed(data)) {
    if (model.labels === 'clusters') {
      throw new Error('Clusters are found in a dataset held in memory, and this one is over 1 GiB: train a plain DCGAN (no clusters: the Model view, or leave out --clusters), or import the images at a smaller size.');
    }
    return new ShardStream(data.reader, model, options).source();
  }
  if (model.labels !== 'clusters') return memoryBatches(data, model);
  const clusters = findClusters(data, model.numClasses, saved);
  const source = memoryBatches(withClusterLabels(data, clusters), model);
  source.clusters = { sizes: clusters.sizes, centres: clusters.centres };
  return source;
}

/** What the config review needs to know of the data, whether in memory or streamed. */
export function trainingDataShape(data: TrainingData, name: string): DatasetShape {
  const images = isStreamed(data) ? data.reader : data;
  const labelled = images.labels.reduce((n, label) => n + (label >= 0 ? 1 : 0), 0);
  return { name, width: images.width, height: images.height, channels: images.channels, count: images.count, classes: images.classNames.length, labelled };
}

/** What a run's run.json records of the images it trains on (to tell later whether they changed). */
export function runDataOf(data: TrainingData): RunData {
  const { width, height, channels, count, classes } = trainingDataShape(data, '');
  return { width, height, channels, count, classes };
}
