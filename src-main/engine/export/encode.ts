/** Animated GIF / WebP from stacked raw frames, and the small preview each export keeps. */
import sharp from 'sharp';
import { mp4Unavailable, type AnimationOptions } from '../../api/export';
import { encodeMp4, findFfmpeg } from './ffmpeg';
import { encodePng } from '../image/png';
import type { RawImage } from '../image/grid';
import { ExportError } from './folder';

/** Stacked frames above this many bytes are refused with advice rather than exhausting memory. */
export const MAX_ANIMATION_BYTES = 1 << 29;
export const PREVIEW_SIZE = 192;

/**
 * `frames` holds `count` frames of width × frameHeight × channels, one under the other (libvips'
 * "pages"). GIF gets a 256-colour palette per frame; WebP is lossless, so its frames keep every pixel;
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
  return options.format === 'gif' ? pipeline.gif(timing).toBuffer() : pipeline.webp({ ...timing, lossless: true, effort: 4 }).toBuffer();
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
