/**
 * The run's training timelapse: its fixed-noise sample grids (runs/<id>/samples/step-N.png) as one
 * animation, thinned evenly to at most maxFrames (first and newest kept), each stamped "step N".
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ExportRequest } from '../../api/export';
import type { RawImage } from '../image/grid';
import { asRaw, background, geometry, paintTiles, type TileSource } from './canvas';
import { checkAnimationSize, encodeAnimation } from './encode';
import { ExportError } from './folder';
import type { ExportJob } from './job';
import { thinEvenly } from '../../shared/thin';
import { runFiles } from '../../project/layout';

const SAMPLE_RE = /^step-(\d+)\.png$/;

export interface SampleFile {
  file: string;
  step: number;
}

/** The run's sample grids, oldest first. */
export async function listSamples(runDir: string): Promise<SampleFile[]> {
  const names = await readdir(runFiles(runDir).samples).catch(() => [] as string[]);
  return names
    .flatMap((file) => {
      const m = SAMPLE_RE.exec(file);
      return m ? [{ file, step: Number(m[1]) }] : [];
    })
    .sort((a, b) => a.step - b.step);
}

type TimelapseRequest = Extract<ExportRequest, { kind: 'timelapse' }>;

export async function exportTimelapse(runDir: string, request: TimelapseRequest, job: ExportJob): Promise<{ preview: RawImage; request: TimelapseRequest }> {
  const all = (await listSamples(runDir)).filter((s) => request.upToStep === undefined || s.step <= request.upToStep);
  if (all.length < 2) throw new ExportError(`Run ${request.runId} has ${all.length === 0 ? 'no sample grids' : 'only one sample grid'} yet: a timelapse needs at least two (train longer, or sample more often).`);
  const picked = thinEvenly(all, request.maxFrames);

  let tile: TileSource | null = null;
  const grids: Uint8Array[] = [];
  const damaged: string[] = [];
  for (const [i, { file }] of picked.entries()) {
    job.progress('load', i, picked.length);
    await job.tick();
    // Decoded as RGB: the grids are grey or colour, and one channel count keeps the frames uniform.
    let decoded;
    try {
      decoded = await sharp(await readFile(join(runFiles(runDir).samples, file)))
        .removeAlpha()
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
    } catch {
      damaged.push(file); // A 0-byte or torn grid (killed mid-write) is left out of the animation.
      continue;
    }
    const { data, info } = decoded;
    if (tile && (info.width !== tile.width || info.height !== tile.height)) {
      throw new ExportError(`Sample grid ${file} is ${info.width}×${info.height}, the earlier ones ${tile.width}×${tile.height}: cannot animate them together.`);
    }
    tile = { width: info.width, height: info.height, channels: 3 };
    grids.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  const frames = picked.filter((p) => !damaged.includes(p.file));
  if (frames.length < 2) {
    throw new ExportError(`Run ${request.runId} has too few readable sample grids for a timelapse (damaged: ${damaged.join(', ') || 'none'}): train longer, or delete the damaged files.`);
  }
  if (damaged.length) job.note(`Skipped damaged sample grids: ${damaged.map((f) => join(runFiles(runDir).samples, f)).join(', ')}.`);
  const source = tile!;
  const captions = request.caption ? frames.map(({ step }) => `step ${step.toLocaleString('en-US')}`) : null;
  const layout = { cols: 1, padding: 0, background: '#000000', scale: request.scale };
  const g = geometry(1, source, layout, captions);
  checkAnimationSize(g.width, g.height, g.channels, frames.length);
  const frameBytes = g.width * g.height * g.channels;
  const stacked = new Uint8Array(frameBytes * frames.length);
  for (let f = 0; f < frames.length; f++) {
    job.progress('render', f, frames.length);
    await job.tick();
    const frame = stacked.subarray(f * frameBytes, (f + 1) * frameBytes);
    frame.set(await background(g, layout.background, captions ? [captions[f]!] : null));
    paintTiles(frame, g, grids[f]!, source, 0, 1);
  }
  job.progress('encode', 0, 1);
  await job.tick();
  const encoded = await encodeAnimation(stacked, g.width, g.height, g.channels, frames.length, request.animation);
  await job.folder.write(`timelapse.${request.animation.format}`, [encoded]);
  const steps = frames.map((p) => p.step);
  job.note(`${frames.length} of the run's ${all.length} sample grids, steps ${steps[0]}–${steps.at(-1)}.`);
  return { preview: asRaw(stacked.slice((frames.length - 1) * frameBytes), g), request: { ...request, upToStep: steps.at(-1)! } };
}
