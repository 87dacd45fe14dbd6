/**
 * The byte layout of one checkpoint file (.gsc), independent of the file system.
 *
 *   0   8 bytes  magic "GANSCKPT"
 *   8   u32 LE   format version (1)
 *   12  u32 LE   header length H
 *   16  H bytes  UTF-8 JSON header: { step, savedAt, meta, dataBytes, groups: { [group]: [{ name, shape, dtype, offset, byteLength }] } }
 *       zero padding up to a multiple of 64
 *   D   dataBytes  raw little-endian tensor bytes; each array starts at D + offset, offsets 64-byte aligned
 *   end-32  SHA-256 of every byte before it
 *
 * The file size is implied by the header, so a cut-off file is caught by a size check before
 * hashing, and the digest catches everything else (bit flips, a header that still parses).
 */
import { createHash } from 'node:crypto';
import type { ArrayDtype, CheckpointState, NamedArray } from './types';

export const MAGIC = Buffer.from('GANSCKPT', 'latin1');
export const FORMAT_VERSION = 1;
export const PREFIX_BYTES = 16;
export const ALIGN = 64;
export const DIGEST_BYTES = 32;
/** Far above any real header; stops a corrupt length field from triggering a huge allocation. */
const MAX_HEADER_BYTES = 256 * 1024 * 1024;

export interface ArrayEntry {
  name: string;
  shape: number[];
  dtype: ArrayDtype;
  offset: number;
  byteLength: number;
}

export interface Header {
  step: number;
  savedAt: string;
  meta: Record<string, unknown>;
  dataBytes: number;
  groups: Record<string, ArrayEntry[]>;
}

/** A file that is not a valid checkpoint; `message` is the reason, phrased for a person. */
export class CheckpointFormatError extends Error {
  override name = 'CheckpointFormatError';
}

// Typed arrays use the host's byte order; the file is always little-endian.
const HOST_IS_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const alignUp = (n: number) => Math.ceil(n / ALIGN) * ALIGN;
const elementCount = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function leBytes(data: Float32Array | Int32Array): Buffer {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return HOST_IS_LE ? view : Buffer.from(view).swap32();
}

function checkArray(group: string, a: NamedArray): void {
  const where = `array "${a.name}" in group "${group}"`;
  if (typeof a.name !== 'string') throw new Error(`Checkpoint ${where}: name must be a string`);
  if (!Array.isArray(a.shape) || !a.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`Checkpoint ${where}: shape must be non-negative integers, got ${JSON.stringify(a.shape)}`);
  }
  const ctor = a.dtype === 'float32' ? Float32Array : a.dtype === 'int32' ? Int32Array : null;
  if (!ctor) throw new Error(`Checkpoint ${where}: unsupported dtype ${String(a.dtype)}`);
  if (!(a.data instanceof ctor)) throw new Error(`Checkpoint ${where}: dtype ${a.dtype} needs a ${ctor.name}`);
  if (a.data.length !== elementCount(a.shape)) {
    throw new Error(`Checkpoint ${where}: shape [${a.shape.join(', ')}] needs ${elementCount(a.shape)} values, got ${a.data.length}`);
  }
}

/**
 * The file's bytes as a list of chunks (views over the arrays, not copies), digest included.
 * The arrays must not change until the chunks are written, or the digest will not match.
 */
export function encodeCheckpoint(state: CheckpointState, savedAt: string): Buffer[] {
  if (!Number.isSafeInteger(state.step) || state.step < 0) throw new Error(`Checkpoint step must be a non-negative integer, got ${state.step}`);
  const groups: Record<string, ArrayEntry[]> = {};
  const bodies: Buffer[] = [];
  let dataBytes = 0;
  for (const [group, arrays] of Object.entries(state.groups)) {
    const names = new Set<string>();
    groups[group] = arrays.map((a) => {
      checkArray(group, a);
      if (names.has(a.name)) throw new Error(`Checkpoint group "${group}" has two arrays named "${a.name}"`);
      names.add(a.name);
      const entry = { name: a.name, shape: [...a.shape], dtype: a.dtype, offset: dataBytes, byteLength: a.data.byteLength };
      const padded = alignUp(a.data.byteLength);
      bodies.push(leBytes(a.data));
      if (padded > a.data.byteLength) bodies.push(Buffer.alloc(padded - a.data.byteLength));
      dataBytes += padded;
      return entry;
    });
  }
  let json: string;
  try {
    json = JSON.stringify({ step: state.step, savedAt, meta: state.meta, dataBytes, groups } satisfies Header);
  } catch (e) {
    throw new Error(`Checkpoint meta is not JSON-serialisable: ${(e as Error).message}`);
  }
  const header = Buffer.from(json, 'utf8');
  const prefix = Buffer.alloc(PREFIX_BYTES);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(FORMAT_VERSION, 8);
  prefix.writeUInt32LE(header.length, 12);
  const headerPad = Buffer.alloc(alignUp(PREFIX_BYTES + header.length) - PREFIX_BYTES - header.length);
  const chunks = [prefix, header, headerPad, ...bodies];
  const hash = createHash('sha256');
  for (const c of chunks) hash.update(c);
  chunks.push(hash.digest());
  return chunks;
}

/** Checks magic and version; returns the header length. */
export function parsePrefix(prefix: Buffer): number {
  if (prefix.length < PREFIX_BYTES) throw new CheckpointFormatError(`truncated: only ${prefix.length} bytes, not even the ${PREFIX_BYTES}-byte prefix`);
  if (!prefix.subarray(0, MAGIC.length).equals(MAGIC)) throw new CheckpointFormatError('not a GAN Studio checkpoint (bad magic bytes)');
  const version = prefix.readUInt32LE(8);
  if (version !== FORMAT_VERSION) {
    throw new CheckpointFormatError(`unsupported format version ${version} (this version of GAN Studio reads version ${FORMAT_VERSION})`);
  }
  const headerLength = prefix.readUInt32LE(12);
  if (headerLength > MAX_HEADER_BYTES) throw new CheckpointFormatError(`corrupt: header length ${headerLength} is implausible`);
  return headerLength;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Parses and structurally validates the JSON header, so later reads can trust its numbers. */
export function parseHeader(bytes: Buffer): Header {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new CheckpointFormatError('corrupt: header is not valid JSON');
  }
  const bad = (what: string) => new CheckpointFormatError(`corrupt: header ${what}`);
  if (!isRecord(raw)) throw bad('is not an object');
  const { step, savedAt, meta, dataBytes, groups } = raw;
  if (!isCount(step)) throw bad('has no valid step');
  if (typeof savedAt !== 'string') throw bad('has no savedAt');
  if (!isRecord(meta)) throw bad('meta is not an object');
  if (!isCount(dataBytes)) throw bad('has no valid dataBytes');
  if (!isRecord(groups)) throw bad('groups is not an object');
  const out: Record<string, ArrayEntry[]> = {};
  for (const [group, list] of Object.entries(groups)) {
    if (!Array.isArray(list)) throw bad(`group "${group}" is not a list`);
    out[group] = list.map((e: unknown): ArrayEntry => {
      if (!isRecord(e) || typeof e.name !== 'string') throw bad(`group "${group}" has an entry without a name`);
      const { name, shape, dtype, offset, byteLength } = e;
      if (!Array.isArray(shape) || !shape.every(isCount)) throw bad(`array "${name}" has an invalid shape`);
      if (dtype !== 'float32' && dtype !== 'int32') throw bad(`array "${name}" has unsupported dtype ${String(dtype)}`);
      if (!isCount(offset) || offset % ALIGN !== 0 || !isCount(byteLength)) throw bad(`array "${name}" has an invalid offset or length`);
      if (byteLength !== elementCount(shape) * 4) throw bad(`array "${name}" length does not match its shape`);
      if (offset + byteLength > dataBytes) throw bad(`array "${name}" lies outside the data section`);
      return { name, shape, dtype, offset, byteLength };
    });
  }
  return { step, savedAt, meta, dataBytes, groups: out };
}

/** Where the data section starts and how long the whole file must be. */
export function layout(headerLength: number, header: Header): { dataStart: number; fileBytes: number } {
  const dataStart = alignUp(PREFIX_BYTES + headerLength);
  return { dataStart, fileBytes: dataStart + header.dataBytes + DIGEST_BYTES };
}

export function checkSize(actual: number, expected: number): void {
  if (actual < expected) throw new CheckpointFormatError(`truncated: file is ${actual} bytes, its header describes ${expected}`);
  if (actual > expected) throw new CheckpointFormatError(`corrupt: file is ${actual} bytes, its header describes only ${expected}`);
}

/** Fully verifies a whole file (size and digest) and returns its contents as fresh arrays. */
export function decodeCheckpoint(file: Buffer): { header: Header; state: CheckpointState } {
  const headerLength = parsePrefix(file);
  if (PREFIX_BYTES + headerLength > file.length) {
    throw new CheckpointFormatError(`truncated: file is ${file.length} bytes, shorter than its ${headerLength}-byte header`);
  }
  const header = parseHeader(file.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength));
  const { dataStart, fileBytes } = layout(headerLength, header);
  checkSize(file.length, fileBytes);
  const body = fileBytes - DIGEST_BYTES;
  const digest = createHash('sha256').update(file.subarray(0, body)).digest();
  if (!digest.equals(file.subarray(body))) throw new CheckpointFormatError('corrupt: checksum mismatch (the file was damaged or only partly written)');

  const groups: Record<string, NamedArray[]> = {};
  for (const [group, entries] of Object.entries(header.groups)) {
    groups[group] = entries.map(({ name, shape, dtype, offset, byteLength }) => {
      // A copy per array, so arrays do not pin the whole file's buffer or alias each other.
      const bytes = new Uint8Array(byteLength);
      bytes.set(file.subarray(dataStart + offset, dataStart + offset + byteLength));
      if (!HOST_IS_LE) Buffer.from(bytes.buffer).swap32();
      const data = dtype === 'float32' ? new Float32Array(bytes.buffer) : new Int32Array(bytes.buffer);
      return { name, shape, dtype, data };
    });
  }
  return { header, state: { step: header.step, meta: header.meta, groups } };
}
