import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { findClusters, picksByShare, withClusterLabels } from './clusters';
import { loadMnistDemo, type LabelledImages } from './mnist-demo';
import { trainingBatches } from '../batches/training-data';
import { tinyConfig } from '../training/testing-config';
import { Rng } from '../rng';

/** The first n digits as a fresh dataset object (no cache shared with other tests). */
function digits(n: number): LabelledImages {
  const all = loadMnistDemo();
  return { ...all, count: n, images: all.images.slice(0, n * 28 * 28), labels: all.labels.slice(0, n) };
}

/** Share of images whose cluster's most common digit is their own. */
function purity(labels: Int32Array, truth: Int32Array, k: number): number {
  const table = Array.from({ length: k }, () => new Array<number>(10).fill(0));
  labels.forEach((c, i) => table[c]![truth[i]!]!++);
  return table.reduce((sum, row) => sum + Math.max(...row), 0) / labels.length;
}

describe('findClusters', () => {
  it('groups digits by shape far better than chance, and finds the same clusters every time', () => {
    const data = digits(2000);
    const clusters = findClusters(data, 20);
    expect(clusters.sizes.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(clusters.sizes.every((s) => s > 0)).toBe(true);
    // Random groups of 20 would be ~0.15 pure; k-means on coarse pixels finds ~0.7.
    expect(purity(clusters.labels, data.labels, 20)).toBeGreaterThan(0.55);
    const again = findClusters(digits(2000), 20); // another object: computed afresh
    expect(again).not.toBe(clusters);
    expect(Array.from(again.labels)).toEqual(Array.from(clusters.labels));
  });

  it('fits a big dataset’s centres on a subset and still places every image, copies with their originals', () => {
    const all = loadMnistDemo();
    const n = 12_000; // over the 10,000 k-means fits on: 6,000 of them (every second image) set the centres
    const images = new Uint8Array(n * 784);
    images.set(all.images);
    images.set(all.images.subarray(0, 2000 * 784), 10_000 * 784);
    const data: LabelledImages = { ...all, count: n, images, labels: new Int32Array(n) };
    const { labels, sizes } = findClusters(data, 10);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
    for (let i = 0; i < 2000; i++) expect(labels[10_000 + i]).toBe(labels[i]);
    expect(purity(labels.subarray(0, 10_000), all.labels, 10)).toBeGreaterThan(0.45);
  }, 60_000);

  it('clusters colour images, and refuses fewer images than clusters with what to do', () => {
    const n = 40;
    const images = new Uint8Array(n * 8 * 8 * 3);
    // Half red, half blue squares: two clusters split exactly by colour.
    for (let i = 0; i < n; i++) for (let p = 0; p < 64; p++) images[(i * 64 + p) * 3 + (i % 2 ? 2 : 0)] = 200 + (p % 7);
    const data: LabelledImages = { images, labels: new Int32Array(n).fill(-1), count: n, width: 8, height: 8, channels: 3, classNames: [] };
    const { labels } = findClusters(data, 2);
    for (let i = 2; i < n; i++) expect(labels[i]).toBe(labels[i % 2]);
    expect(labels[0]).not.toBe(labels[1]);
    expect(() => findClusters({ ...data, count: 3 }, 5)).toThrow(/3 images.*5 clusters.*Model view/);
    // Two distinct images cannot fill three clusters: an empty one would be a class D never sees.
    const twoKinds = { ...data, images: data.images.map((v, i) => (Math.floor(i / 3) % 64 === 0 ? v : v - (v % 7))) };
    expect(() => findClusters(twoKinds, 3)).toThrow(/only 2 distinct groups of images for 3 clusters.*use 2 clusters or fewer/);
  });
});

describe('training on clusters', () => {
  it('draws batches labelled with the cluster numbers, and carries the cluster sizes', () => {
    const data = digits(600);
    const model = tinyConfig({ model: { architecture: 'cdcgan', numClasses: 12, labels: 'clusters' } }).model;
    const source = trainingBatches(data, model);
    const clusters = findClusters(data, 12);
    expect(source.clusters).toEqual({ sizes: clusters.sizes, centres: clusters.centres });
    const relabelled = withClusterLabels(data, clusters);
    expect(relabelled.classNames).toEqual(Array.from({ length: 12 }, (_, i) => `Cluster ${i + 1}`));
    expect(relabelled.labels).toBe(clusters.labels);
    const batch = source(8, new Rng(1));
    expect(batch.labels!.shape).toEqual([8, 12]);
    expect(tf.sum(batch.labels!).dataSync()[0]).toBe(8);
    tf.dispose([batch.images, batch.labels!]);
  });
});

describe('a run’s saved clusters', () => {
  it('places the images by the saved centres, so a changed dataset keeps the run’s numbering', () => {
    const data = digits(800);
    const found = findClusters(data, 8);
    // Assigning the same images to the saved centres gives the same clusters…
    expect(Array.from(findClusters(digits(800), 8, { centres: found.centres }).labels)).toEqual(Array.from(found.labels));
    // …and a dataset with more images keeps cluster c as the group it was, where k-means afresh may renumber.
    const grown = findClusters(digits(1000), 8, { centres: found.centres });
    expect(Array.from(grown.labels.subarray(0, 800))).toEqual(Array.from(found.labels));
    const source = trainingBatches(digits(800), tinyConfig({ model: { architecture: 'cdcgan', numClasses: 8, labels: 'clusters' } }).model, {}, { centres: found.centres });
    expect(source.clusters!.sizes).toEqual(found.sizes);
    expect(() => findClusters(digits(800), 9, { centres: found.centres })).toThrow(/saved clusters \(8 centres of 196 values\) do not fit.*clusters\.json/);
  });

  it('refuses saved centres that a changed dataset leaves a cluster of empty, with what to do', () => {
    const found = findClusters(digits(800), 8);
    // The images of cluster 1 only: the other clusters' centres get none.
    const all = digits(800);
    const keep = Array.from(found.labels.keys()).filter((i) => found.labels[i] === 0);
    const only: LabelledImages = { ...all, count: keep.length, images: Uint8Array.from(keep.flatMap((i) => Array.from(all.images.subarray(i * 784, (i + 1) * 784)))), labels: Int32Array.from(keep, (i) => all.labels[i]!) };
    expect(() => findClusters(only, 8, { centres: found.centres })).toThrow(/None of the dataset's images falls in the run's cluster \d of 8.*Re-import.*clusters\.json/);
  });
});

describe('picksByShare', () => {
  it('spreads n picks over the clusters in proportion to their sizes', () => {
    const picks = picksByShare([10, 30, 60], 1000);
    const count = (from: number, to: number) => {
      const counts = [0, 0, 0];
      for (const p of picks.subarray(from, to)) counts[p]!++;
      return counts;
    };
    const near = (counts: number[], expected: number[], slack: number) => counts.forEach((c, k) => expect(Math.abs(c - expected[k]!)).toBeLessThanOrEqual(slack));
    near(count(0, 1000), [100, 300, 600], 2);
    // Every tenth (an Inception Score split) holds the same mix, not a run of one cluster.
    for (let s = 0; s < 10; s++) near(count(s * 100, s * 100 + 100), [10, 30, 60], 2);
  });
});
