/**
 * The shard file: everything a reader needs to use one shard on its own.
 *
 *   offset 0   'GSDS'            magic
 *          4   u32 version       1
 *          8   u32 count         images in this shard
 *         12   u32 width
 *         16   u32 height
 *         20   u32 channels      1 or 3
 *         24   u32 pixelsOffset  32 + 4 × count
 *         28   u32 reserved      0
 *         32   i32 × count       labels (class index, -1 = none)
 *   pixelsOffset  u8 × count × height × width × channels   images, row-major HWC
 * All integers little-endian.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

export const SHARD_MAGIC = 'GSDS';
export const SHARD_VERSION = 1;
export const SHARD_HEADER_BYTES = 32;
/** Cap on images per shard; the byte cap below usually binds first at larger sizes. */
export const MAX_IMAGES_PER_SHARD = 4096;
export const MAX_SHARD_BYTES = 64 * 1024 * 1024;

export interface ShardHeader {
  count: number;
  width: number;
  height: number;
  channels: number;
  pixelsOffset: number;
}

export function imagesPerShard(imageBytes: number): number {
  return Math.max(1, Math.min(MAX_IMAGES_PER_SHARD, Math.floor(MAX_SHARD_BYTES / imageBytes)));
}

export function shardFileName(index: number): string {
  return `shard-${String(index).padStart(3, '0')}.bin`;
}

export function encodeShardHeader(h: Omit<ShardHeader, 'pixelsOffset'>): { header: Buffer; pixelsOffset: number } {
  const header = Buffer.alloc(SHARD_HEADER_BYTES);
  const pixelsOffset = SHARD_HEADER_BYTES + 4 * h.count;
  header.write(SHARD_MAGIC, 0, 'ascii');
  header.writeUInt32LE(SHARD_VERSION, 4);
  header.writeUInt32LE(h.count, 8);
  header.writeUInt32LE(h.width, 12);
  header.writeUInt32LE(h.height, 16);
  header.writeUInt32LE(h.channels, 20);
  header.writeUInt32LE(pixelsOffset, 24);
  return { header, pixelsOffset };
}

export function decodeShardHeader(bytes: Uint8Array, where: string): ShardHeader {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < SHARD_HEADER_BYTES || b.toString('ascii', 0, 4) !== SHARD_MAGIC) {
    throw new Error(`${where} is not a dataset shard`);
  }
  const version = b.readUInt32LE(4);
  if (version !== SHARD_VERSION) throw new Error(`${where} has shard version ${version}; this build reads ${SHARD_VERSION}`);
  return {
    count: b.readUInt32LE(8),
    width: b.readUInt32LE(12),
    height: b.readUInt32LE(16),
    channels: b.readUInt32LE(20),
    pixelsOffset: b.readUInt32LE(24),
  };
}

/**
 * The header checked against the file it heads: a damaged or hand-made header (say, 2^31 images)
 * would otherwise surface as "Invalid typed array length" or a read past the end.
 */
export function checkedShardHeader(bytes: Uint8Array, path: string, fileBytes: number): ShardHeader {
  const h = decodeShardHeader(bytes, path);
  const plausible =
    h.count >= 1 &&
    h.count <= MAX_IMAGES_PER_SHARD &&
    h.pixelsOffset === SHARD_HEADER_BYTES + 4 * h.count &&
    [h.width, h.height].every((d) => d >= 1 && d <= 4096) &&
    (h.channels === 1 || h.channels === 3) &&
    SHARD_HEADER_BYTES + bodyBytes(h) === fileBytes;
  if (!plausible) {
    throw new Error(
      `${path} is damaged: its header claims ${h.count} images of ${h.width}×${h.height}×${h.channels} in ${SHARD_HEADER_BYTES + bodyBytes(h)} bytes, ` +
        `but the file has ${fileBytes}. The dataset is damaged: import the images again (Dataset → Import, or gan-studio import).`,
    );
  }
  return h;
}

export interface ShardData {
  header: ShardHeader;
  labels: Int32Array;
  pixels: Uint8Array;
}

/** Reads a whole shard; the labels and pixels share one buffer. */
export async function readShard(path: string): Promise<ShardData> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(SHARD_HEADER_BYTES);
    await readFully(fh, head, 0);
    const header = checkedShardHeader(head, path, (await fh.stat()).size);
    const body = new Uint8Array(bodyBytes(header));
    await readFully(fh, body, SHARD_HEADER_BYTES);
    return splitBody(header, body);
  } finally {
    await fh.close();
  }
}

/**
 * readShard for callers that cannot wait: training draws batches synchronously, and streaming it
 * reads the next shard here when the prefetched one is not ready yet.
 */
export function readShardSync(path: string): ShardData {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(SHARD_HEADER_BYTES);
    readFullySync(fd, head, 0);
    const header = checkedShardHeader(head, path, fstatSync(fd).size);
    const body = new Uint8Array(bodyBytes(header));
    readFullySync(fd, body, SHARD_HEADER_BYTES);
    return splitBody(header, body);
  } finally {
    closeSync(fd);
  }
}

const bodyBytes = (h: ShardHeader) => h.pixelsOffset - SHARD_HEADER_BYTES + h.count * h.width * h.height * h.channels;

function splitBody(header: ShardHeader, body: Uint8Array): ShardData {
  // Through a DataView rather than an Int32Array view so big-endian hosts read the same numbers.
  const labels = new Int32Array(header.count);
  const view = new DataView(body.buffer, body.byteOffset, 4 * header.count);
  for (let i = 0; i < header.count; i++) labels[i] = view.getInt32(4 * i, true);
  const pixels = body.subarray(header.pixelsOffset - SHARD_HEADER_BYTES);
  return { header, labels, pixels };
}

/** readFully on a file descriptor, synchronously. */
export function readFullySync(fd: number, target: Uint8Array, position: number): void {
  let done = 0;
  while (done < target.length) {
    const bytesRead = readSync(fd, target, done, target.length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
}

/** pread until `target` is full; a short file is an error, not a partly filled image. */
export async function readFully(fh: FileHandle, target: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await fh.read(target, done, target.length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
}
