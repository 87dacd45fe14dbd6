import { describe, expect, it } from 'vitest';
import { evaluationClasses } from './class-mix';
import { classSizesOf, memoryBatches } from '../batches/memory-batches';
import { loadMnistDemo } from '../dataset/mnist-demo';
import { tinyConfig } from '../training/testing-config';

const shares = (picks: Int32Array, k: number) => Array.from({ length: k }, (_, c) => picks.filter((p) => p === c).length / picks.length);

describe('evaluationClasses', () => {
  it('asks for each class in the data’s own proportions when the classes are uneven', () => {
    // The emoji by category: most images are people.
    const picks = evaluationClasses(3, 2000, [600, 100, 300])!;
    shares(picks, 3).forEach((share, c) => expect(share).toBeCloseTo([0.6, 0.1, 0.3][c]!, 2));
  });

  it('cycles through the classes without a mix, or with one that does not fit the model; null when unconditional', () => {
    expect(Array.from(evaluationClasses(3, 7)!)).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(Array.from(evaluationClasses(3, 4, [5, 5])!)).toEqual([0, 1, 2, 0]);
    expect(Array.from(evaluationClasses(2, 4, [0, 0])!)).toEqual([0, 1, 0, 1]);
    expect(evaluationClasses(0, 4, [1, 2])).toBeNull();
  });
});

describe('classSizesOf', () => {
  it('counts the images of each class for a model conditioned on the dataset’s classes only', () => {
    const labels = Int32Array.from([0, 2, 2, -1, 1, 2]);
    const cdcgan = tinyConfig({ model: { architecture: 'cdcgan', numClasses: 3 } }).model;
    expect(classSizesOf(labels, cdcgan)).toEqual([1, 1, 3]);
    expect(classSizesOf(labels, tinyConfig().model)).toBeUndefined();
    expect(classSizesOf(labels, { ...cdcgan, labels: 'clusters' })).toBeUndefined();
  });

  it('a conditional run’s batches carry the class mix the evaluation follows', () => {
    const digits = loadMnistDemo();
    const source = memoryBatches(digits, tinyConfig({ model: { architecture: 'cdcgan', numClasses: 10 } }).model);
    expect(source.classSizes).toHaveLength(10);
    expect(source.classSizes!.reduce((a, b) => a + b, 0)).toBe(digits.count);
    expect(memoryBatches(digits, tinyConfig().model).classSizes).toBeUndefined();
  });
});
