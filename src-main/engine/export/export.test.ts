import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import sharp from 'sharp';
import { createWriteStream, type WriteStream } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { checkpointOfSource, expandSource, exportRequestSchema, sampleSourceSchema, sidecarSchema, type ExportProgress, type ExportRequestInput } from '../../api/export';
import { ensureGradientsRegistered } from '../ops/gradients';
import { toBytes } from '../image/grid';
import { GeneratorCache, latentsForSeeds, renderSampleSpec, type LoadedGenerator } from '../sampling';
import { trainTinyRun, type TinyRun } from '../sampling/testing';
import { runExport, type RunExportOptions } from './run';
import { ExploreStore } from '../../project/explore-store';
import { encodeMp4 } from './ffmpeg';
import { findFfmpeg } from '../../shared/ffmpeg';

let run: TinyRun;
const generators = new GeneratorCache();
const ref = () => ({ runId: run.runId });
/** `count` images from seeds first, first + 1, … (as the Gallery asks for them). */
const seeds = (first: number, count: number, cls: number | null = null) => ({ from: 'seeds' as const, first, count, class: cls, checkpoint: ref() });
/** Walks through keyframe seeds, one tile each per frame. */
const walks = (keyframes: number[][], framesPerSegment: number, closed: boolean, path: 'slerp' | 'linear') =>
  ({ from: 'walks' as const, walks: keyframes, framesPerSegment, closed, path, checkpoint: ref() });

beforeAll(async () => {
  await ensureGradientsRegistered();
  await tf.setBackend('cpu');
  run = await trainTinyRun();
}, 60_000);

async function exportTo(input: ExportRequestInput, options: Partial<RunExportOptions> = {}, exportsDir?: string) {
  const dir = exportsDir ?? (await mkdtemp(join(tmpdir(), 'gan-exports-')));
  const result = await runExport({ request: exportRequestSchema.parse(input), exportsDir: dir, runDir: run.runDir }, { generators, ...options });
  return { dir, result };
}

function completed(result: Awaited<ReturnType<typeof exportTo>>['result']) {
  if (result.status !== 'completed') throw new Error('export did not complete');
  return result.export;
}

/** The engine's own bytes for seeds, the way every export renders them (one batch). */
async function engineBytes(seeds: number[]): Promise<Uint8Array> {
  return generators.use(run.runDir, undefined, async (g: LoadedGenerator) => toBytes(await g.generate(latentsForSeeds(seeds, g.zDim))));
}

async function greyPixels(file: string | Buffer) {
  const { data, info } = await sharp(file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('grid export', () => {
  it('puts a known latent’s image at its known offset, zoomed, on the background', async () => {
    const { result } = await exportTo({ kind: 'grid', source: seeds(10, 6), layout: { cols: 4, padding: 3, background: '#202020', scale: 2 } });
    const entry = completed(result);
    const grid = await greyPixels(join(entry.dir, 'grid.png'));
    // 4 columns of 56 px + 5 gaps of 3; 2 rows.
    expect([grid.width, grid.height]).toEqual([4 * 56 + 5 * 3, 2 * 56 + 3 * 3]);
    const expected = await engineBytes([10, 11, 12, 13, 14, 15]);
    for (const i of [0, 2, 5]) {
      const left = 3 + (i % 4) * 59;
      const top = 3 + Math.floor(i / 4) * 59;
      for (let y = 0; y < 56; y++) {
        for (let x = 0; x < 56; x++) {
          const want = expected[i * 784 + Math.floor(y / 2) * 28 + Math.floor(x / 2)]!;
          if (grid.data[(top + y) * grid.width + left + x] !== want) throw new Error(`tile ${i} differs at ${x},${y}`);
        }
      }
    }
    expect(grid.data[0]).toBe(0x20);
    expect(grid.data[60 * grid.width + 57]).toBe(0x20); // In the gap between tiles 0 and 1.
    // The empty slots of the last row are background too.
    expect(grid.data[(3 + 59 + 10) * grid.width + 3 + 3 * 59 + 10]).toBe(0x20);
    expect(entry.sidecar).toMatchObject({ kind: 'grid', run: { runId: run.runId, step: 4, checkpoint: 'ckpt-000000004.gsc' }, image: { width: 28, height: 28, channels: 1 } });
  });

  it('draws captions under the tiles without touching them', async () => {
    const { result } = await exportTo({
      kind: 'grid',
      source: seeds(40, 2),
      layout: { cols: 2, padding: 4, background: '#ffffff', scale: 3, captions: 'seed' },
    });
    const grid = await greyPixels(join(completed(result).dir, 'grid.png'));
    const expected = await engineBytes([40, 41]);
    const left = 4 + 84 + 4;
    for (let y = 0; y < 84; y++) for (let x = 0; x < 84; x++) expect(grid.data[(4 + y) * grid.width + left + x]).toBe(expected[784 + Math.floor(y / 3) * 28 + Math.floor(x / 3)]);
    expect(grid.height).toBeGreaterThan(84 + 8);
    const band = Array.from({ length: grid.height - 84 - 8 }, (_, y) => grid.data.subarray((4 + 84 + y) * grid.width + 4, (4 + 84 + y) * grid.width + 4 + 84));
    const ink = band.reduce((n, row) => n + row.filter((v) => v < 128).length, 0);
    expect(ink).toBeGreaterThan(20); // "seed 40" in dark ink on white.
  });

  it('re-exports from its sidecar byte for byte, and refuses changed weights', async () => {
    const { dir, result } = await exportTo({ kind: 'grid', name: 'poster', source: seeds(0, 64), layout: { cols: 8 } });
    const first = completed(result);
    const sidecar = sidecarSchema.parse(JSON.parse(await readFile(join(first.dir, 'sidecar.json'), 'utf8')));
    expect(sidecar.request.kind === 'grid' && checkpointOfSource(sidecar.request.source).file).toBe('ckpt-000000004.gsc');
    expect(sidecar.files.map((f) => f.name)).toEqual(['grid.png', 'preview.png']);
    const again = completed((await exportTo(sidecar.request, {}, dir)).result);
    expect(again.name).toBe('poster-2');
    expect(again.sidecar.digest).toBe(sidecar.digest);
    expect(await readFile(join(again.dir, 'grid.png'))).toEqual(await readFile(join(first.dir, 'grid.png')));
    await expect(
      runExport({ request: sidecar.request, exportsDir: dir, runDir: run.runDir, expectSha256: '0'.repeat(64) }, { generators }),
    ).rejects.toThrow(/not the one this export was made from/);
    expect((await readdir(dir)).sort()).toEqual(['poster', 'poster-2']);
  });

  it('refuses classes on an unconditional model and unknown directions, writing nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-exports-'));
    await expect(exportTo({ kind: 'grid', source: seeds(0, 2, 3), layout: { cols: 2 } }, {}, dir)).rejects.toThrow(/unconditional/);
    const source = { ...seeds(0, 2), directions: [{ id: 'smile', amount: 2 }] };
    await expect(exportTo({ kind: 'grid', source, layout: { cols: 2 } }, {}, dir)).rejects.toThrow(/Direction "smile" is not saved/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('animation export', () => {
  for (const format of ['gif', 'webp'] as const) {
    it(`writes a looping ${format} with one page per frame`, async () => {
      const source = walks([[1, 2, 3]], 4, true, 'slerp');
      const spec = expandSource(sampleSourceSchema.parse(source));
      expect(spec.images).toHaveLength(12);
      const { result } = await exportTo({ kind: 'animation', source, layout: { cols: 1, padding: 2, scale: 2 }, animation: { format, delayMs: 60 } });
      const file = join(completed(result).dir, `animation.${format}`);
      const meta = await sharp(file, { animated: true }).metadata();
      expect(meta).toMatchObject({ format, pages: 12, pageHeight: 60, width: 60, height: 720, loop: 0 });
      expect(meta.delay).toEqual(new Array(12).fill(60));
      if (format === 'webp') {
        // Lossless: frame 4 is exactly the image at t = 4/12 on the walk 1 → 2 → 3 → 1.
        const { data } = await sharp(file, { animated: true }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
        const recipe = spec.images[4]!;
        const frame4 = await generators.use(run.runDir, undefined, async (g) => {
          const { images } = await renderSampleSpec(g, { images: [recipe], truncation: { psi: 1, threshold: null }, directions: [] });
          return toBytes(images);
        });
        for (let y = 0; y < 56; y++) for (let x = 0; x < 56; x++) expect(data[(4 * 60 + 2 + y) * 60 + 2 + x]).toBe(frame4[Math.floor(y / 2) * 28 + Math.floor(x / 2)]);
      }
    });
  }

  it('refuses MP4 without an ffmpeg, saying how to get one, and writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-exports-'));
    const saved = process.env.GAN_STUDIO_FFMPEG;
    process.env.GAN_STUDIO_FFMPEG = join(dir, 'no-ffmpeg-here');
    try {
      const request: ExportRequestInput = { kind: 'animation', source: walks([[1, 2]], 2, true, 'slerp'), layout: { cols: 1 }, animation: { format: 'mp4' } };
      await expect(exportTo(request, {}, dir)).rejects.toThrow(/MP4 needs an ffmpeg binary/);
    } finally {
      if (saved === undefined) delete process.env.GAN_STUDIO_FFMPEG;
      else process.env.GAN_STUDIO_FFMPEG = saved;
    }
    expect(await readdir(dir)).toEqual([]);
  });

  // MP4 is encoded by an ffmpeg on the machine; without one (as on CI) this is skipped.
  it.skipIf(findFfmpeg() === null)('writes an H.264 MP4 with one frame per step when an ffmpeg is found', async () => {
    const { result } = await exportTo({ kind: 'animation', source: walks([[1, 2, 3]], 4, true, 'slerp'), layout: { cols: 1, padding: 1, scale: 1 }, animation: { format: 'mp4', delayMs: 40 } });
    const file = join(completed(result).dir, 'animation.mp4');
    const bytes = await readFile(file);
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const ffprobe = join(dirname(findFfmpeg()!), process.platform === 'win32' ? 'ffprobe.exe' : 'ffprobe');
    const probe = spawnSync(ffprobe, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,nb_read_frames,width,height,r_frame_rate', '-of', 'json', file], { encoding: 'utf8' });
    if (probe.status === 0) {
      // 30 × 30 (28 + 2 × 1 padding) is even already; 12 frames at 25 fps.
      expect(JSON.parse(probe.stdout).streams[0]).toMatchObject({ codec_name: 'h264', width: 30, height: 30, nb_read_frames: '12', r_frame_rate: '25/1' });
      // Odd sizes are padded to even ones (H.264 in yuv420p needs them).
      const odd = join(dirname(file), 'odd.mp4');
      await writeFile(odd, await encodeMp4(findFfmpeg()!, new Uint8Array(29 * 31 * 3).fill(128), 29, 31, 1, 3, 100));
      const oddProbe = spawnSync(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'json', odd], { encoding: 'utf8' });
      expect(JSON.parse(oddProbe.stdout).streams[0]).toEqual({ width: 30, height: 32 });
    }
  });

  it('plays once when asked, and animates the run’s sample grids as a timelapse', async () => {
    const source = walks([[5, 6]], 3, false, 'linear');
    const once = completed((await exportTo({ kind: 'animation', source, layout: { cols: 1 }, animation: { format: 'gif', loop: false } })).result);
    expect(await sharp(join(once.dir, 'animation.gif')).metadata()).toMatchObject({ pages: 4, loop: 1 });

    const lapse = completed((await exportTo({ kind: 'timelapse', runId: run.runId, animation: { format: 'gif' }, caption: true })).result);
    const grids = (await readdir(join(run.runDir, 'samples'))).length;
    expect(grids).toBeGreaterThanOrEqual(2);
    expect(await sharp(join(lapse.dir, 'timelapse.gif')).metadata()).toMatchObject({ pages: grids });
    expect(lapse.sidecar.request).toMatchObject({ kind: 'timelapse', upToStep: 4 });
  });
});

describe('image set and HTML gallery', () => {
  it('streams N PNGs with progress and an index, in chunks', async () => {
    const events: ExportProgress['phase'][] = [];
    const done: number[] = [];
    const { result } = await exportTo({ kind: 'images', source: seeds(100, 300) }, { progress: (phase, d) => (events.push(phase), done.push(d)) });
    const entry = completed(result);
    const files = await readdir(join(entry.dir, 'images'));
    expect(files).toHaveLength(300);
    expect(files[0]).toBe('00000.png');
    const csv = (await readFile(join(entry.dir, 'images.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('file,seeds,t,path,class,class_name');
    expect(csv[258]).toBe('00257.png,357,0,slerp,,');
    const image = await greyPixels(join(entry.dir, 'images', '00257.png'));
    const expected = await generators.use(run.runDir, undefined, async (g) => toBytes(await g.generate(latentsForSeeds(Array.from({ length: 44 }, (_, i) => 356 + i), g.zDim))));
    // Same chunk alignment as the export (images 256… are one batch there): exact.
    expect(image.data.subarray(0, 784)).toEqual(Buffer.from(expected.subarray(784, 1568)));
    expect(events).toContain('render');
    expect(done.at(-1)).toBe(1);
    expect(entry.sidecar.fileCount).toBe(302); // 300 images, images.csv, preview.png
  });

  it('cancels between chunks and leaves nothing behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-exports-'));
    let cancel = false;
    const { result } = await exportTo(
      { kind: 'images', source: seeds(0, 1000) },
      { progress: (_phase, d) => (cancel = d > 0), cancelled: () => cancel },
      dir,
    );
    expect(result.status).toBe('cancelled');
    expect(await readdir(dir)).toEqual([]);
  });

  it('a full disk midway leaves no export and says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-exports-'));
    let files = 0;
    // The 21st file meets a full disk.
    const openStream: RunExportOptions['openStream'] = (path) =>
      ++files <= 20
        ? createWriteStream(path, { flags: 'wx' })
        : (new Writable({ write: (_chunk, _enc, callback) => callback(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })) }) as WriteStream);
    await expect(exportTo({ kind: 'images', source: seeds(0, 50) }, { openStream }, dir)).rejects.toThrow(/disk is full/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes one self-contained HTML page', async () => {
    const { result } = await exportTo({ kind: 'html', source: seeds(7, 5), title: 'Digits <best>' });
    const html = await readFile(join(completed(result).dir, 'index.html'), 'utf8');
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(5);
    expect(html).toContain('<title>Digits &#60;best&#62;</title>');
    expect(html).toContain('seed 9');
    expect(html).not.toMatch(/(src|href)="https?:/);
    const first = /<img src="data:image\/png;base64,([^"]+)"/.exec(html)![1]!;
    const image = await greyPixels(Buffer.from(first, 'base64'));
    expect(image.data).toEqual(Buffer.from((await engineBytes([7, 8, 9, 10, 11])).subarray(0, 784)));
  });
});

describe('memory', () => {
  it('leaves no tensors behind', async () => {
    await exportTo({ kind: 'grid', source: seeds(0, 4), layout: { cols: 2 } });
    const before = tf.memory().numTensors;
    await exportTo({ kind: 'grid', source: seeds(0, 70), layout: { cols: 10 } });
    await exportTo({ kind: 'animation', source: walks([[1, 2]], 3, true, 'slerp'), layout: { cols: 1 }, animation: {} });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('saved directions', () => {
  it('moves images along a direction the explorer saved, and ships it with the model', async () => {
    // A project folder around a copy of the run, as the app has it: <project>/runs/<id>, <project>/explore/<id>.json.
    const project = await mkdtemp(join(tmpdir(), 'gan-export-project-'));
    const runDir = join(project, 'runs', run.runId);
    await cp(run.runDir, runDir, { recursive: true });
    const vector = Array.from({ length: 8 }, (_, i) => (i === 3 ? 1 : 0));
    await new ExploreStore(project, run.runId).update((data) => ({
      ...data,
      directions: [
        { id: 'stroke', name: 'Stroke width', method: 'sefa', zDim: 8, checkpoint: { file: 'ckpt-000000004.gsc', step: 4 }, created: new Date().toISOString(), detail: 'test', orthogonalTo: [], vector },
      ],
    }));
    const exportsDir = join(project, 'exports');
    // The explorer's form: a SampleSpec as is.
    const spec = { version: 1, checkpoint: ref(), directions: [{ id: 'stroke', amount: 2.5 }], images: [{ seeds: [3] }, { seeds: [4] }] };
    const result = await runExport({ request: exportRequestSchema.parse({ kind: 'grid', source: { from: 'spec', spec }, layout: { cols: 2, padding: 0 } }), exportsDir, runDir }, { generators });
    const grid = await greyPixels(join(completed(result).dir, 'grid.png'));
    const expected = await generators.use(runDir, undefined, async (g) => {
      const z = latentsForSeeds([3, 4], g.zDim);
      z[3]! += 2.5;
      z[8 + 3]! += 2.5;
      return toBytes(await g.generate(z));
    });
    for (let y = 0; y < 28; y++) expect(grid.data.subarray(y * 56 + 28, y * 56 + 56)).toEqual(Buffer.from(expected.subarray(784 + y * 28, 784 + y * 28 + 28)));

    const model = await runExport({ request: exportRequestSchema.parse({ kind: 'model', checkpoint: ref() }), exportsDir, runDir }, { generators });
    const shipped = JSON.parse(await readFile(join(completed(model).dir, 'directions.json'), 'utf8'));
    expect(shipped).toEqual({ zDim: 8, directions: [{ id: 'stroke', name: 'Stroke width', method: 'sefa', step: 4, detail: 'test', vector }] });
  });
});
