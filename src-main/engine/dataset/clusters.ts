/**
 * Self-conditioning (Liu et al. 2020, "Diverse Image Generation via Self-Conditioned GANs"): k-means
 * groups a dataset's images into k clusters, and a conditional GAN trains on the cluster numbers as
 * if they were labels. An unconditional generator has to stretch one connected latent space over
 * separate kinds of image and draws hybrids between them; conditioned on clusters it does not.
 *
 * The clustering is deterministic (fixed seed, k-means++), and a run saves the centres and sizes it
 * started with (project/run-clusters.ts), so resuming and evaluating it use the same clusters even
 * after the dataset changes. It runs on a
 * coarse copy of each image (at most ~400 values: 14×14 grey or 12×12 colour) because the
 * clusters are about overall shape and colour, and that keeps it to seconds for 10,000 images.
 */
import { kmeans } from 'ml-kmeans';
import type { LabelledImages } from './mnist-demo';
import { clusterNames } from '../../api/train-config';

export interface Clusters {
  /** Cluster of each image, 0…k−1: the nearest centre. */
  labels: Int32Array;
  /** Images per cluster. */
  sizes: number[];
  /** Each cluster's centre in the coarse space (what a run saves, to find the same clusters again). */
  centres: number[][];
}

/** The side of the coarse copy k-means sees. */
function coarseSide(channels: number): number {
  return channels === 1 ? 14 : 12;
}

/** Writes image n's area-averaged coarse copy (values in [0, 1]) into `row`. */
function coarseInto(data: LabelledImages, n: number, side: number, row: number[] | Float64Array): void {
  const { width, height, channels, images } = data;
  const base = n * width * height * channels;
  for (let cy = 0; cy < side; cy++) {
    const y0 = Math.floor((cy * height) / side);
    const y1 = Math.max(y0 + 1, Math.floor(((cy + 1) * height) / side));
    for (let cx = 0; cx < side; cx++) {
      const x0 = Math.floor((cx * width) / side);
      const x1 = Math.max(x0 + 1, Math.floor(((cx + 1) * width) / side));
      const area = (y1 - y0) * (x1 - x0) * 255;
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += images[base + (y * width + x) * channels + c]!;
        row[(cy * side + cx) * channels + c] = sum / area;
      }
    }
  }
}

function sideOf(data: LabelledImages): number {
  return Math.min(coarseSide(data.channels), data.width, data.height);
}

/** Coarse copies of the images k-means fits on (an evenly strided subset of a big dataset). */
function fittingRows(data: LabelledImages): number[][] {
  const side = sideOf(data);
  const stride = Math.ceil(data.count / FIT_AT_MOST);
  const rows: number[][] = [];
  for (let n = 0; n < data.count; n += stride) {
    const row = new Array<number>(side * side * data.channels).fill(0);
    coarseInto(data, n, side, row);
    rows.push(row);
  }
  return rows;
}

/** Images k-means fits its centres on; the rest are assigned to the nearest centre. */
const FIT_AT_MOST = 10_000;

function nearest(row: Float64Array, centres: number[][]): number {
  let best = 0;
  let bestDistance = Infinity;
  centres.forEach((centre, c) => {
    let d = 0;
    for (let j = 0; j < row.length; j++) d += (row[j]! - centre[j]!) ** 2;
    if (d < bestDistance) [best, bestDistance] = [c, d];
  });
  return best;
}

const cache = new WeakMap<LabelledImages, Map<number, Clusters>>();

/**
 * k clusters of the dataset's images (cached per dataset object and k), or, given a run's saved
 * centres, each image assigned to the nearest of them.
 */
export function findClusters(data: LabelledImages, k: number, saved?: { centres: number[][] }): Clusters {
  if (saved) {
    const clusters = assign(data, saved.centres, k);
    const empty = clusters.sizes.findIndex((size) => size === 0);
    if (empty >= 0) {
      // G would be asked for a cluster D never sees a real image of.
      throw new Error(`None of the dataset's images falls in the run's cluster ${empty + 1} of ${k}: the dataset changed since the run started. Re-import the images the run trained on, or delete the run's clusters.json to find new clusters (their numbering may change).`);
    }
    return clusters;
  }
  if (data.count < k) {
    throw new Error(`Clustering needs at least as many images as clusters: this dataset has ${data.count} images and the model asks for ${k} clusters. Lower the cluster count (the Model view, or --clusters).`);
  }
  let byK = cache.get(data);
  if (!byK) cache.set(data, (byK = new Map()));
  const known = byK.get(k);
  if (known) return known;
  // Centres from an evenly strided subset of a big dataset (seconds, not minutes, in the engine
  // process), then every image goes to its nearest centre.
  const fitted = kmeans(fittingRows(data), k, { seed: 1, initialization: 'kmeans++', maxIterations: 40 });
  const clusters = assign(data, fitted.centroids, k);
  const found = clusters.sizes.filter((s) => s > 0).length;
  if (found < k) {
    // An empty cluster would be a class G is asked for but D never sees real images of.
    throw new Error(`k-means found only ${found} distinct groups of images for ${k} clusters (many images are alike): use ${found} clusters or fewer (the Model view, or --clusters).`);
  }
  byK.set(k, clusters);
  return clusters;
}

/** Every image to its nearest centre, one coarse copy at a time (a big dataset's copies would not fit). */
function assign(data: LabelledImages, centres: number[][], k: number): Clusters {
  const side = sideOf(data);
  const row = new Float64Array(side * side * data.channels);
  if (centres.length !== k || centres.some((c) => c.length !== row.length)) {
    throw new Error(`The run's saved clusters (${centres.length} centres of ${centres[0]?.length ?? 0} values) do not fit this dataset and ${k} clusters: the dataset's images changed size or colour since the run started. Delete the run's clusters.json to find new clusters (their numbering may change).`);
  }
  const labels = new Int32Array(data.count);
  for (let n = 0; n < data.count; n++) {
    coarseInto(data, n, side, row);
    labels[n] = nearest(row, centres);
  }
  const sizes = new Array<number>(k).fill(0);
  for (const label of labels) sizes[label]!++;
  return { labels, sizes, centres };
}

/** The dataset with its labels replaced by the cluster numbers. */
export function withClusterLabels(data: LabelledImages, clusters: Clusters): LabelledImages {
  return { ...data, labels: clusters.labels, classNames: clusterNames(clusters.sizes.length) };
}

/**
 * n class picks in proportion to the clusters' sizes, so the conditional generator samples the
 * data's own mix instead of one cluster in k each (which over-draws small clusters). Deterministic
 * and interleaved: pick i is where the golden-ratio sequence (i + ½)·φ mod 1 falls in the clusters'
 * cumulative shares, so every stretch of picks (the Inception Score's splits, a gallery page) holds
 * the same mix, not one cluster after another.
 */
export function picksByShare(sizes: readonly number[], n: number): Int32Array {
  const total = sizes.reduce((a, b) => a + b, 0);
  const bounds: number[] = [];
  let covered = 0;
  for (const size of sizes) bounds.push((covered += size / total));
  const picks = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const at = ((i + 0.5) * 0.6180339887498949) % 1;
    let cluster = 0;
    while (cluster < sizes.length - 1 && at >= bounds[cluster]!) cluster++;
    picks[i] = cluster;
  }
  return picks;
}
