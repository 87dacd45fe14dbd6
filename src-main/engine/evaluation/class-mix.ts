/**
 * Which class (or cluster) each of an evaluation's n samples asks a conditional generator for. With
 * the data's own mix (images per cluster, or per dataset class) the samples come in the proportions
 * of the real images they are compared with; KID, FID and precision/recall compare distributions,
 * so an even mix on uneven data (the emoji by category: 60 % people) would count the difference
 * against the generator. Without a mix the classes take turns. Null for an unconditional model.
 */
import type { ModelConfig } from '../../api/train-config';
import { requireRunClusters } from '../../project/run-clusters';
import { classSizesOf } from '../batches/memory-batches';
import { picksByShare } from '../dataset/clusters';

export function evaluationClasses(numClasses: number, n: number, sizes?: readonly number[]): Int32Array | null {
  if (numClasses <= 0) return null;
  if (sizes && sizes.length === numClasses && sizes.some((s) => s > 0)) return picksByShare(sizes, n);
  return Int32Array.from({ length: n }, (_, i) => i % numClasses);
}

/**
 * A run's class mix: images per cluster as the run saved them, or per dataset class (`labels`
 * reads every image's class, −1 for none); undefined for an unconditional model.
 */
export async function runClassMix(runDir: string, model: ModelConfig, labels: () => Promise<Int32Array>): Promise<readonly number[] | undefined> {
  if (model.numClasses <= 0) return undefined;
  if (model.labels === 'clusters') return (await requireRunClusters(runDir, model.numClasses)).sizes;
  return classSizesOf(await labels(), model);
}
