import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StepPoint } from '../api/training';
import { TensorBoardLog, crc32c, writeTensorBoardRun } from './tensorboard';

const point = (step: number, over: Partial<StepPoint> = {}): StepPoint => ({
  step, dLoss: 0.5, gLoss: 1.5, dReal: 0.75, dFake: 0.25, wassersteinEstimate: null, gradientPenalty: null, r1Slope: null, realSign: 0.5, augmentStrength: null,
  gGradNorm: 2, dGradNorm: 3, stepMs: 100, imagesPerSecond: 640, epoch: 0.5, ...over,
});

// An independent reader: TFRecord framing with its checksums, then the protobuf fields TensorBoard uses.
const unmask = (masked: number) => {
  const rot = (masked - 0xa282ead8) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
};
function records(file: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < file.length; ) {
    const length = Number(file.readBigUInt64LE(at));
    expect(unmask(file.readUInt32LE(at + 8))).toBe(crc32c(file.subarray(at, at + 8)));
    const data = file.subarray(at + 12, at + 12 + length);
    expect(unmask(file.readUInt32LE(at + 12 + length))).toBe(crc32c(data));
    out.push(data);
    at += 16 + length;
  }
  return out;
}
type Field = { field: number; value: number | bigint | Buffer };
function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = () => {
    let v = 0n, shift = 0n, byte;
    do { byte = buf[at++]!; v |= BigInt(byte & 0x7f) << shift; shift += 7n; } while (byte & 0x80);
    return v;
  };
  while (at < buf.length) {
    const key = Number(varint());
    const [field, wire] = [key >> 3, key & 7];
    if (wire === 0) out.push({ field, value: varint() });
    else if (wire === 1) { out.push({ field, value: buf.readDoubleLE(at) }); at += 8; }
    else if (wire === 5) { out.push({ field, value: buf.readFloatLE(at) }); at += 4; }
    else if (wire === 2) { const n = Number(varint()); out.push({ field, value: buf.subarray(at, at + n) }); at += n; }
    else throw new Error(`wire type ${wire}`);
  }
  return out;
}
function decodeEvent(data: Buffer) {
  const f = fields(data);
  const get = (n: number) => f.find((x) => x.field === n)?.value;
  const summary = get(5) as Buffer | undefined;
  const scalars = summary
    ? Object.fromEntries(fields(summary).map((v) => fields(v.value as Buffer)).map((vf) => [(vf.find((x) => x.field === 1)!.value as Buffer).toString(), vf.find((x) => x.field === 2)!.value as number]))
    : null;
  return { wallTime: get(1) as number, step: Number(get(2) ?? 0n), fileVersion: (get(3) as Buffer | undefined)?.toString(), scalars };
}

describe('TensorBoard event files', () => {
  it('computes CRC-32C (Castagnoli) as TFRecord does', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
  });

  it('writes a run as framed Events: the version first, then one scalar Summary per step', async () => {
    const run = await mkdtemp(join(tmpdir(), 'gan-tb-'));
    const started = Date.UTC(2026, 11, 2, 12);
    const path = await writeTensorBoardRun(run, [point(1), point(2, { dLoss: null, wassersteinEstimate: -0.5, stepMs: 250 })], started);
    expect(path).toMatch(/events\.out\.tfevents\.\d+\.gan-studio$/);
    const events = records(await readFile(path)).map(decodeEvent);
    expect(events[0]).toMatchObject({ fileVersion: 'brain.Event:2', wallTime: started / 1000 });
    expect(events[1]!.step).toBe(1);
    expect(events[1]!.wallTime).toBeCloseTo(started / 1000 + 0.1, 6);
    expect(events[1]!.scalars).toEqual({
      'loss/D': 0.5, 'loss/G': 1.5, 'D/real (mean D(x))': 0.75, 'D/fake (mean D(G(z)))': 0.25,
      'gradient norm/G': 2, 'gradient norm/D': 3, 'speed/images per second': 640, 'progress/epoch': 0.5, 'augment/overfitting r_t': 0.5,
    });
    expect(events[2]!.step).toBe(2);
    expect(events[2]!.scalars).not.toHaveProperty('loss/D');
    expect(events[2]!.scalars!['loss/Wasserstein estimate']).toBe(-0.5);
  });

  it('replaces its own earlier export instead of doubling every curve, and leaves other event files alone', async () => {
    const run = await mkdtemp(join(tmpdir(), 'gan-tb-'));
    await writeFile(join(run, 'events.out.tfevents.1.other-host'), 'someone else’s');
    await writeTensorBoardRun(run, [point(1)], 1_000_000);
    await writeTensorBoardRun(run, [point(1), point(2)], 2_000_000);
    const names = (await readdir(run)).sort();
    expect(names).toEqual(['events.out.tfevents.1.other-host', 'events.out.tfevents.2000.gan-studio']);
  });

  it('appends a live run’s steps as they come, readable after every flush', async () => {
    const run = await mkdtemp(join(tmpdir(), 'gan-tb-'));
    let now = 5_000_000;
    const log = new TensorBoardLog(run, () => (now += 1000));
    log.add(point(1));
    await log.flush();
    log.add(point(2));
    log.add(point(3));
    await log.flush();
    const events = records(await readFile(log.path)).map(decodeEvent);
    expect(events.map((e) => e.fileVersion ?? e.step)).toEqual(['brain.Event:2', 1, 2, 3]);
  });
});
