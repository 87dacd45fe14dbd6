/** Animated GIF / WebP from stacked raw frames, and the small preview each export keeps. */
import sharp from 'sharp';
import { mp4Unavailable, type AnimationOptions } from '../../api/export';
import { encodeMp4 } from './ffmpeg';
import { findFfmpeg } from '../../shared/ffmpeg';
import { encodePng } from '../image/png';
import type { RawImage } from '../image/grid';
import { ExportError } from './folder';

/** Stacked frames above this many bytes are refused with advice rather than exhausting memory. */
export const MAX_ANIMATION_BYTES = 1 << 29;
export const PREVIEW_SIZE = 192;

/**
 * `frames` holds `count` frames of width × frameHeight × channels, one under the other (libvips'
 * "pages"). GIF gets a 256-colour palette per frame (exact when a frame has no more colours); WebP is lossless, so its frames keep every pixel;
 * MP4 needs an ffmpeg on the machine (ffmpeg.ts).
 */
export async function encodeAnimation(frames: Uint8Array, width: number, frameHeight: number, channels: 1 | 3, count: number, options: AnimationOptions): Promise<Buffer> {
  if (options.format === 'mp4') {
    const ffmpeg = findFfmpeg();
    if (!ffmpeg) throw new ExportError(mp4Unavailable);
    return encodeMp4(ffmpeg, frames, width, frameHeight, channels, count, options.delayMs);
  }
  const raw = { width, height: frameHeight * count, channels, pageHeight: frameHeight };
  const pipeline = sharp(frames, { raw, limitInputPixels: false });
  const timing = { loop: options.loop ? 0 : 1, delay: new Array<number>(count).fill(options.delayMs) };
  if (options.format === 'webp') return pipeline.webp({ ...timing, lossless: true, effort: 4 }).toBuffer();
  // Frames of at most 256 colours (grey images always) keep every pixel: each frame's own palette
  // holds exactly its colours, undithered. Only richer frames are quantised (and dithered).
  const exact = framesFitPalette(frames, width * frameHeight, channels, count);
  return pipeline.gif(exact ? { ...timing, ...EXACT_GIF } : timing).toBuffer();
}

/** sharp's GIF settings under which a frame with ≤ 256 colours round-trips pixel for pixel. */
const EXACT_GIF = { colours: 256, dither: 0, reuse: false, interPaletteMaxError: 0, interFrameMaxError: 0 } as const;

/** Whether every frame has at most 256 distinct colours. */
export function framesFitPalette(frames: Uint8Array, pixelsPerFrame: number, channels: number, count: number): boolean {
  if (channels === 1) return true;
  for (let f = 0; f < count; f++) {
    const seen = new Set<number>();
    for (let p = f * pixelsPerFrame, end = p + pixelsPerFrame; p < end; p++) {
      const o = p * channels;
      seen.add((frames[o]! << 16) | (frames[o + 1]! << 8) | frames[o + 2]!);
      if (seen.size > 256) return false;
    }
  }
  return true;
}

export function checkAnimationSize(width: number, frameHeight: number, channels: number, count: number): void {
  if (width * frameHeight * channels * count > MAX_ANIMATION_BYTES) {
    throw new ExportError(`${count} frames of ${width}×${frameHeight} are too much for one animation: use fewer frames or tiles, or less zoom.`);
  }
}

/** A PNG of at most PREVIEW_SIZE px a side (never enlarged), for the exports list. */
export async function previewPng(image: RawImage | Buffer): Promise<Buffer> {
  const input = Buffer.isBuffer(image) ? sharp(image) : sharp(await encodePng(image));
  return input.resize(PREVIEW_SIZE, PREVIEW_SIZE, { fit: 'inside', withoutEnlargement: true, kernel: 'nearest' }).png().toBuffer();
}
