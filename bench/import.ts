/**
 * Dataset import throughput and memory: images/s and peak RSS importing a folder at 64 px, then an
 * unchanged re-import (incremental: nothing decoded) and one epoch of training batches.
 *
 *   npx tsx bench/import.ts [folder] [--size 64] [--count 2000] [--workers N] [--keep]
 *
 * Without a folder it first writes --count test images (256×256, half PNG, half JPEG, ten class
 * folders) into a temp dir. Workers run from TypeScript source here (tsx), which adds about a
 * second of start-up to each import compared with a build.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { importDataset } from '../src-main/engine/dataset/import';
import { openDataset } from '../src-main/engine/dataset/shards';
import { mnistDigit } from '../src-main/engine/dataset/testing';
import type { ImportProgress } from '../src-main/engine/dataset/types';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const numArg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const SIZE = numArg('size', 64);
const COUNT = numArg('count', 2000);
const WORKERS = numArg('workers', availableParallelism());

const work = await mkdtemp(join(tmpdir(), 'gs-bench-import-'));
let source = positional[0];
if (!source) {
  source = join(work, 'images');
  const t0 = performance.now();
  await generate(source, COUNT);
  console.log(`generated ${COUNT} images (256×256) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${source}`);
}

const datasetDir = join(work, 'project', 'dataset');
let decodeStats: ImportProgress | null = null;
const onProgress = (p: ImportProgress) => {
  if (p.phase === 'decode') decodeStats = p;
};
console.log(`importing at ${SIZE}×${SIZE} RGB with ${WORKERS} workers (${availableParallelism()} cores)`);
const first = await importDataset(source, datasetDir, { width: SIZE, height: SIZE }, { onProgress, pool: { size: WORKERS } });
const decodeRate = (decodeStats as ImportProgress | null)?.imagesPerSecond ?? 0;
console.log(
  `full import:   ${first.imported} images, ${first.skipped.length} skipped, ${(first.elapsedMs / 1000).toFixed(2)} s total, ` +
    `${(first.decoded / (first.elapsedMs / 1000)).toFixed(0)} images/s overall, ${decodeRate.toFixed(0)} images/s in the decode phase`,
);
const again = await importDataset(source, datasetDir, { width: SIZE, height: SIZE }, { pool: { size: WORKERS } });
console.log(`re-import:     ${again.decoded} decoded, ${again.reused} reused, ${(again.elapsedMs / 1000).toFixed(2)} s`);

const ds = await openDataset(datasetDir);
const t0 = performance.now();
let n = 0;
for await (const batch of ds.batches(64, 1)) n += batch.labels.length;
const epochS = (performance.now() - t0) / 1000;
console.log(`epoch of batches(64): ${n} images in ${epochS.toFixed(2)} s (${(n / epochS).toFixed(0)} images/s)`);
// maxRSS covers the worker threads too: they share the process.
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

if (!flag('keep')) await rm(work, { recursive: true, force: true });
else console.log(`kept ${work}`);

/** 256×256 colour images: an MNIST digit scaled up, tinted per image, over a gradient. */
async function generate(dir: string, count: number): Promise<void> {
  const side = 256;
  const jobs: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const digit = i % 10;
    const folder = join(dir, `class-${digit}`);
    if (i < 10) await mkdir(folder, { recursive: true });
    const tint = [(i * 37) % 256, (i * 91) % 256, (i * 53) % 256];
    const glyph = await sharp(mnistDigit(digit, Math.floor(i / 10)), { raw: { width: 28, height: 28, channels: 1 } })
      .resize(side, side)
      .raw()
      .toBuffer();
    const px = Buffer.alloc(side * side * 3);
    for (let p = 0; p < side * side; p++) {
      const g = glyph[p]! / 255;
      const y = Math.floor(p / side);
      for (let c = 0; c < 3; c++) px[3 * p + c] = Math.round(g * 255 + (1 - g) * ((tint[c]! * y) / side));
    }
    const image = sharp(px, { raw: { width: side, height: side, channels: 3 } });
    const file = join(folder, `${String(i).padStart(5, '0')}.${i % 2 ? 'jpg' : 'png'}`);
    jobs.push(i % 2 ? image.jpeg({ quality: 90 }).toFile(file) : image.png().toFile(file));
    if (jobs.length >= 32) await Promise.all(jobs.splice(0));
  }
  await Promise.all(jobs);
}
