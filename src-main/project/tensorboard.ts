/**
 * TensorBoard event files next to a run's metrics.jsonl, so `tensorboard --logdir <project>/runs`
 * shows every run's curves. The format is TensorFlow's: TFRecord framing (length, masked CRC-32C,
 * payload, masked CRC-32C) around `Event` protocol buffers holding scalar `Summary` values. Only the
 * three messages and five fields TensorBoard reads for scalars are encoded, by hand: a protobuf
 * library would be far larger than this file.
 */
import { appendFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepPoint } from '../api/training';
import { writeFileAtomic } from './atomic';

/** Files this app wrote end in `.gan-studio`; TensorBoard reads any file whose name has `tfevents`. */
export const TENSORBOARD_SUFFIX = '.gan-studio';
export const tensorboardFileName = (wallTimeSeconds: number) => `events.out.tfevents.${Math.floor(wallTimeSeconds)}${TENSORBOARD_SUFFIX}`;

/** The scalar tags a step point is shown under in TensorBoard. */
export const scalarTags: Record<Exclude<keyof StepPoint, 'step' | 'stepMs'>, string> = {
  dLoss: 'loss/D',
  gLoss: 'loss/G',
  dReal: 'D/real (mean D(x))',
  dFake: 'D/fake (mean D(G(z)))',
  wassersteinEstimate: 'loss/Wasserstein estimate',
  gradientPenalty: 'loss/gradient penalty',
  // R1's slope ‖∇ₓD(x)‖² at the real images, on the steps that apply it.
  r1Slope: 'loss/R1 slope',
  realSign: 'augment/overfitting r_t',
  augmentStrength: 'augment/probability p',
  gGradNorm: 'gradient norm/G',
  dGradNorm: 'gradient norm/D',
  imagesPerSecond: 'speed/images per second',
  epoch: 'progress/epoch',
};

// --- CRC-32C (Castagnoli), as TFRecord checksums its lengths and payloads ---
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const maskedCrc = (bytes: Uint8Array) => {
  const crc = crc32c(bytes);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
};

/** One TFRecord: uint64 length, masked CRC of the length, the payload, masked CRC of the payload. */
export function tfRecord(payload: Uint8Array): Buffer {
  const head = Buffer.alloc(12);
  head.writeBigUInt64LE(BigInt(payload.length), 0);
  head.writeUInt32LE(maskedCrc(head.subarray(0, 8)), 8);
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(maskedCrc(payload), 0);
  return Buffer.concat([head, payload, tail]);
}

// --- protocol buffer encoding of Event { wall_time = 1; step = 2; file_version = 3; summary = 5 } ---
function varint(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const lengthDelimited = (field: number, bytes: Uint8Array) => Buffer.concat([Buffer.from([(field << 3) | 2, ...varint(bytes.length)]), bytes]);

function eventHead(wallTime: number, step: number): Buffer {
  const wall = Buffer.alloc(9);
  wall[0] = (1 << 3) | 1; // wall_time: double
  wall.writeDoubleLE(wallTime, 1);
  return Buffer.concat([wall, Buffer.from([(2 << 3) | 0, ...varint(step)])]);
}

/** The first record of every event file: which format version follows. */
export function fileVersionEvent(wallTime: number): Buffer {
  return Buffer.concat([eventHead(wallTime, 0), lengthDelimited(3, Buffer.from('brain.Event:2'))]);
}

/** An Event holding a Summary of scalar values (Summary.Value { tag = 1; simple_value = 2 }). */
export function scalarsEvent(wallTime: number, step: number, scalars: readonly { tag: string; value: number }[]): Buffer {
  const values = scalars.map(({ tag, value }) => {
    const simple = Buffer.alloc(5);
    simple[0] = (2 << 3) | 5; // simple_value: float
    simple.writeFloatLE(value, 1);
    return lengthDelimited(1, Buffer.concat([lengthDelimited(1, Buffer.from(tag)), simple]));
  });
  return Buffer.concat([eventHead(wallTime, step), lengthDelimited(5, Buffer.concat(values))]);
}

/** The finite values of a step point under their TensorBoard tags. */
export function stepScalars(point: StepPoint): { tag: string; value: number }[] {
  return (Object.keys(scalarTags) as (keyof typeof scalarTags)[]).flatMap((key) => {
    const value = point[key];
    return value === null || !Number.isFinite(value) ? [] : [{ tag: scalarTags[key], value }];
  });
}

/**
 * Writes a run's whole history as one event file, replacing the ones this app wrote before (so a
 * second export does not draw every curve twice). Wall times run from `startedAt` by the logged
 * step times, since metrics.jsonl records durations, not clock times.
 */
export async function writeTensorBoardRun(runDir: string, points: readonly StepPoint[], startedAt: number): Promise<string> {
  for (const name of await readdir(runDir)) if (name.includes('tfevents') && name.endsWith(TENSORBOARD_SUFFIX)) await rm(join(runDir, name), { force: true });
  let wall = startedAt / 1000;
  const records = [tfRecord(fileVersionEvent(wall))];
  for (const point of points) {
    wall += point.stepMs / 1000;
    records.push(tfRecord(scalarsEvent(wall, point.step, stepScalars(point))));
  }
  const name = tensorboardFileName(startedAt / 1000);
  await writeFileAtomic(runDir, name, records);
  return join(runDir, name);
}

/** Appends a live run's steps to its own event file as they are logged (`gan-studio train --tensorboard`). */
export class TensorBoardLog {
  private pending: Buffer[] = [];
  private started = false;
  readonly path: string;

  constructor(runDir: string, private readonly now: () => number = Date.now) {
    this.path = join(runDir, tensorboardFileName(now() / 1000));
  }

  add(point: StepPoint): void {
    const wall = this.now() / 1000;
    if (!this.started) {
      this.pending.push(tfRecord(fileVersionEvent(wall)));
      this.started = true;
    }
    this.pending.push(tfRecord(scalarsEvent(wall, point.step, stepScalars(point))));
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = Buffer.concat(this.pending);
    this.pending = [];
    await appendFile(this.path, chunk);
  }
}
