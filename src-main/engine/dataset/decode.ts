/**
 * One file's bytes to one stored image: sharp does the decoding, orientation, colour conversion
 * and resizing. Runs inside the decode workers; kept free of worker plumbing so tests can call it.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import type { ImportOptions } from './options';
import type { SkipCode } from './types';
import { errCode } from './scan';
import { formatBytes } from '../../shared/bytes';

export type DecodeOutcome =
  | { ok: true; pixels: Uint8Array }
  | { ok: false; code: SkipCode; reason: string };

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const FIT = { crop: 'cover', pad: 'contain', stretch: 'fill' } as const;

export async function decodeImage(bytes: Uint8Array, options: ImportOptions): Promise<DecodeOutcome> {
  if (bytes.length === 0) return { ok: false, code: 'empty', reason: 'empty file (0 bytes)' };
  const input = {
    // 'error' rejects truncated and corrupt data; 'warning' would also reject the many real-world
    // PNGs whose only fault is a slightly wrong embedded sRGB profile.
    failOn: 'error',
    limitInputPixels: options.maxPixels,
    // First frame only for GIF/WebP animations and multi-page TIFFs.
    pages: 1,
  } as const;
  try {
    // Reading the header first turns decompression bombs into a clear message before any pixel
    // is decoded (sharp would refuse them too, with a vaguer one).
    const meta = await sharp(bytes, { ...input, limitInputPixels: false }).metadata();
    const [width, height] = [meta.width ?? 0, meta.pageHeight ?? meta.height ?? 0];
    if (width * height > options.maxPixels) {
      return { ok: false, code: 'too-many-pixels', reason: `too many pixels (${width}×${height}, limit ${formatCount(options.maxPixels)})` };
    }
    const shape = shapeVerdict(width, height, options);
    if (shape) return shape;
    let pipeline = sharp(bytes, input)
      .rotate() // EXIF orientation
      .flatten({ background: options.background })
      .resize({
        width: options.width,
        height: options.height,
        fit: FIT[options.fit],
        position: 'centre',
        background: options.background,
      });
    // Both conversions also bring CMYK, Lab and 16-bit input down to 8-bit sRGB/grey.
    pipeline = options.channels === 1 ? pipeline.greyscale() : pipeline.toColourspace('srgb');
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const expected = options.width * options.height * options.channels;
    if (info.channels !== options.channels || data.length !== expected) {
      return { ok: false, code: 'corrupt', reason: `decoder produced ${info.width}×${info.height}×${info.channels}` };
    }
    return { ok: true, pixels: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    return classifySharpError(err, bytes);
  }
}

/**
 * The version of the rules below (what is skipped and why). An import made under other rules is not
 * reused file by file: its verdicts might differ from today's. 2: too small, too long and thin, cut off.
 */
export const DECODE_RULES = 2;

/** Images need this many pixels on their shorter side: a 1×1 tracking pixel or a 4-px icon, scaled up, teaches a GAN nothing. */
export const MIN_IMAGE_SIDE = 8;
/**
 * How much longer and thinner than the dataset's own shape an image may be: beyond it, cropped less
 * than a tenth of it would remain, padded it would fill less than a tenth, stretched it would be
 * squeezed more than ten times.
 */
export const MAX_ASPECT = 10;

function shapeVerdict(width: number, height: number, options: ImportOptions): DecodeOutcome | null {
  if (Math.min(width, height) < MIN_IMAGE_SIDE) {
    return { ok: false, code: 'too-small', reason: `too small (${width}×${height}; images need at least ${MIN_IMAGE_SIDE} px on each side)` };
  }
  const off = width / height / (options.width / options.height);
  const factor = Math.max(off, 1 / off);
  if (factor <= MAX_ASPECT) return null;
  const target = `${options.width}×${options.height}`;
  const what = { crop: `cropped to ${target}, less than a tenth of it would remain`, pad: `padded to ${target}, it would fill less than a tenth of it`, stretch: `stretched to ${target}, it would be squeezed ${Math.round(factor)} times` }[options.fit];
  return { ok: false, code: 'extreme-aspect', reason: `${width}×${height} is too ${off > 1 ? 'wide' : 'tall'} for this dataset's shape: ${what}; crop it to the part you want to train on` };
}

/**
 * sharp reports everything as Error(message); sort the messages people meet into reasons. A file
 * that ends before its format's end marker is "truncated" whatever libvips said: its message for
 * one cut-off file depends on where the cut falls and on what else the thread decoded before.
 */
export function classifySharpError(err: unknown, bytes?: Uint8Array): { ok: false; code: SkipCode; reason: string } {
  const message = err instanceof Error ? err.message : String(err);
  if (bytes && endsEarly(bytes)) {
    return { ok: false, code: 'corrupt', reason: `truncated image (the file ends before its image does: ${formatBytes(bytes.length)}; an interrupted copy or download?)` };
  }
  if (/unsupported image format/i.test(message)) {
    return { ok: false, code: 'unsupported', reason: 'not a recognised image format (content does not match the extension?)' };
  }
  if (/pixel limit/i.test(message)) return { ok: false, code: 'too-many-pixels', reason: 'too many pixels' };
  if (/is empty/i.test(message)) return { ok: false, code: 'empty', reason: 'empty file (0 bytes)' };
  if (/premature end|truncat|read error|unexpected end|not enough data|eof/i.test(message)) {
    return { ok: false, code: 'corrupt', reason: `truncated image (${firstLine(message)})` };
  }
  return { ok: false, code: 'corrupt', reason: `corrupt image (${firstLine(message)})` };
}

/** PNG, JPEG and GIF files end with a marker, a WebP's header gives its length: a file without its end was cut off. */
export function endsEarly(bytes: Uint8Array): boolean {
  const n = bytes.length;
  const at = (i: number, ...values: number[]) => values.every((v, k) => bytes[i + k] === v);
  if (n >= 8 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) {
    // The IEND chunk's type, then its CRC, close every PNG (trailing bytes after it are tolerated).
    return !Buffer.from(bytes.buffer, bytes.byteOffset, n).includes('IEND', 8, 'latin1');
  }
  if (n >= 3 && at(0, 0xff, 0xd8, 0xff)) return jpegEndsEarly(bytes);
  if (n >= 6 && at(0, 0x47, 0x49, 0x46, 0x38)) {
    // The trailer byte 0x3B, perhaps followed by padding zeros.
    let last = n - 1;
    while (last > 6 && bytes[last] === 0) last--;
    return bytes[last] !== 0x3b;
  }
  if (n >= 12 && at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) {
    return new DataView(bytes.buffer, bytes.byteOffset, n).getUint32(4, true) + 8 > n;
  }
  return false;
}

/**
 * A JPEG is cut off when its segments run past the end before the image data starts, or no end
 * marker (FF D9) follows the start of the image data. The header segments are stepped over by their
 * lengths: an EXIF thumbnail in APP1 carries an end marker of its own.
 */
function jpegEndsEarly(bytes: Uint8Array): boolean {
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return false; // not a segment: damaged rather than cut off
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xda) return !Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).includes(Buffer.from([0xff, 0xd9]), i);
    i += 2 + ((bytes[i + 2]! << 8) | bytes[i + 3]!);
  }
  return true;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim().slice(0, 200);
}

function formatCount(n: number): string {
  return n >= 1e6 ? `${+(n / 1e6).toFixed(1)} MP` : `${n} px`;
}

/** Files bigger than this are not read at all: every worker would hold one in memory at once. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

export type FileOutcome = DecodeOutcome & { hash: string | null };

/** Reads, hashes and decodes one file; never throws. */
export async function decodeFile(absPath: string, options: ImportOptions): Promise<FileOutcome> {
  let bytes: Buffer;
  try {
    const handle = await open(absPath, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_FILE_BYTES) {
        return { ok: false, code: 'too-large', reason: `file too large (${formatBytes(size)}, limit ${formatBytes(MAX_FILE_BYTES)})`, hash: null };
      }
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (err) {
    return { ok: false, code: 'unreadable', reason: `cannot be read (${errCode(err)})`, hash: null };
  }
  const hash = bytes.length > 0 ? hashBytes(bytes) : null;
  const outcome = await decodeImage(bytes, options);
  const missing = MISSING_DECODERS[extname(absPath).toLowerCase()];
  if (!outcome.ok && outcome.code === 'unsupported' && missing) {
    return { ok: false, code: 'unsupported', reason: `${missing} images cannot be decoded by this build (no decoder in libvips)`, hash };
  }
  return { ...outcome, hash };
}

/**
 * Formats the scanner lets through that sharp's prebuilt libvips may lack (BMP needs ImageMagick;
 * HEIC needs a patent-encumbered HEVC decoder), so the report names the real cause.
 */
const MISSING_DECODERS: Record<string, string> = { '.bmp': 'BMP', '.heic': 'HEIC', '.heif': 'HEIF' };
