/**
 * Training on a dataset larger than memory: each epoch reads the shards in a shuffled order, front
 * to back, through a shuffle buffer (as tf.data's shuffle does), so memory holds the buffer plus
 * at most two shards (the one being read and the next, prefetched) whatever the dataset's size.
 * Import wrote the images in a random order, so every shard is already a random sample; the
 * shuffled shard order and the buffer then mix them afresh every epoch.
 *
 * The order of an epoch follows from one seed, drawn from the trainer's Rng when the epoch starts.
 * The stream's position is that seed plus the count of images it has handed out, which the trainer
 * saves in its checkpoints (BatchSource.position): restoring replays the epoch's order on indices
 * alone (no pixels, microseconds per image) and rereads just the images then in the buffer.
 */
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConfig } from '../../api/train-config';
import type { DatasetReader } from '../dataset';
import { readFullySync, readShard, readShardSync, type ShardData } from '../dataset/shard-format';
import { shuffled } from '../dataset/shards';
import { Rng } from '../rng';
import type { BatchSource } from './types';
import { checkClasses, classSizesOf, toBatch } from './memory-batches';

/** Default shuffle buffer: about one shard's worth of images. */
export const SHUFFLE_BUFFER_BYTES = 64 * 2 ** 20;

interface SlotSink {
  /** Slot `slot` is handed out now (read it before it is refilled). */
  emit(slot: number, index: number): void;
  /** Stream image `index` enters slot `slot`. */
  load(slot: number, index: number): void;
  /** The content of slot `from` moves to slot `to` (the buffer shrinking at the end of an epoch). */
  move(from: number, to: number): void;
}

/** One epoch's order on storage indices, from its seed alone. */
export class EpochOrder {
  readonly shardOrder: Uint32Array;
  readonly slots: Int32Array;
  filled = 0;
  emitted = 0;
  readonly total: number;
  private shardCursor = 0;
  private within = 0;
  private readonly rng: Rng;

  constructor(
    private readonly shardCounts: readonly number[],
    private readonly imagesPerShard: number,
    capacity: number,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    this.shardOrder = shuffled(shardCounts.length, this.rng);
    this.total = shardCounts.reduce((a, b) => a + b, 0);
    this.slots = new Int32Array(Math.max(1, Math.min(capacity, this.total)));
  }

  get done(): boolean {
    return this.emitted >= this.total;
  }

  /** The shard after the one being read, to prefetch, or -1. */
  upcomingShard(): number {
    return this.shardOrder[this.shardCursor + 1] ?? -1;
  }

  /** Hands out one image; `sink` null replays the order without touching pixels. */
  advance(sink: SlotSink | null): void {
    while (this.filled < this.slots.length) {
      const index = this.pull();
      if (index < 0) break;
      const slot = this.filled++;
      this.slots[slot] = index;
      sink?.load(slot, index);
    }
    const slot = this.rng.int(this.filled);
    sink?.emit(slot, this.slots[slot]!);
    const incoming = this.pull();
    if (incoming >= 0) {
      this.slots[slot] = incoming;
      sink?.load(slot, incoming);
    } else {
      this.filled--;
      if (slot !== this.filled) {
        this.slots[slot] = this.slots[this.filled]!;
        sink?.move(this.filled, slot);
      }
    }
    this.emitted++;
  }

  private pull(): number {
    while (this.shardCursor < this.shardOrder.length && this.within >= this.shardCounts[this.shardOrder[this.shardCursor]!]!) {
      this.shardCursor++;
      this.within = 0;
    }
    if (this.shardCursor >= this.shardOrder.length) return -1;
    return this.shardOrder[this.shardCursor]! * this.imagesPerShard + this.within++;
  }
}

/** The shard being read and the next one, read ahead asynchronously while training runs. */
class ShardWindow {
  private current: { shard: number; data: ShardData } | null = null;
  private ahead: { shard: number; data: ShardData | null } | null = null;

  constructor(private readonly paths: readonly string[]) {}

  get(shard: number): ShardData {
    if (this.current?.shard === shard) return this.current.data;
    // Falls back to a blocking read when the prefetch has not landed (or failed: the read says why).
    const data = this.ahead?.shard === shard && this.ahead.data ? this.ahead.data : readShardSync(this.paths[shard]!);
    this.current = { shard, data };
    if (this.ahead?.shard === shard) this.ahead = null;
    return data;
  }

  prefetch(shard: number): void {
    if (shard < 0 || this.ahead?.shard === shard || this.current?.shard === shard) return;
    const entry: { shard: number; data: ShardData | null } = { shard, data: null };
    this.ahead = entry;
    readShard(this.paths[shard]!).then(
      (data) => (entry.data = data),
      () => undefined,
    );
  }

  residentShards(): number {
    return (this.current ? 1 : 0) + (this.ahead?.data ? 1 : 0);
  }
}

export interface ShardStreamOptions {
  /** Shuffle buffer size in images (default: SHUFFLE_BUFFER_BYTES worth). */
  bufferImages?: number;
}

export class ShardStream {
  private epochSeed = -1;
  private order: EpochOrder | null = null;
  private readonly slab: Uint8Array;
  private readonly capacity: number;
  private readonly window: ShardWindow;
  private readonly imageBytes: number;
  private readonly shardCounts: number[];

  constructor(
    private readonly reader: DatasetReader,
    private readonly model: ModelConfig,
    options: ShardStreamOptions = {},
  ) {
    if (reader.count === 0) throw new Error('The dataset has no images to train on.');
    checkClasses(reader, model);
    this.imageBytes = reader.width * reader.height * reader.channels;
    this.capacity = Math.min(reader.count, options.bufferImages ?? Math.max(1, Math.floor(SHUFFLE_BUFFER_BYTES / this.imageBytes)));
    this.slab = new Uint8Array(this.capacity * this.imageBytes);
    this.shardCounts = reader.manifest.shards.map((s) => s.count);
    this.window = new ShardWindow(reader.manifest.shards.map((s) => join(reader.dir, s.file)));
  }

  /** The trainer's BatchSource over this stream. */
  source(): BatchSource {
    const classSizes = classSizesOf(this.reader.labels, this.model);
    return Object.assign(
      (n: number, rng: Rng) => this.draw(n, rng),
      {
        position: { save: () => this.save(), restore: (saved: readonly number[]) => this.restore(saved) },
        size: this.reader.count,
      },
      classSizes ? { classSizes } : {},
    );
  }

  /** Bytes of image data held now: the shuffle buffer and the resident shards. */
  residentBytes(): number {
    const perShard = this.reader.manifest.imagesPerShard * this.imageBytes;
    return this.slab.length + this.window.residentShards() * perShard;
  }

  draw(n: number, rng: Rng): ReturnType<BatchSource> {
    const bytes = new Uint8Array(n * this.imageBytes);
    const classes = new Int32Array(n);
    let filling = 0;
    const sink: SlotSink = {
      emit: (slot, index) => {
        bytes.set(this.slab.subarray(slot * this.imageBytes, (slot + 1) * this.imageBytes), filling * this.imageBytes);
        classes[filling] = this.reader.labels[index]!;
      },
      load: (slot, index) => this.slab.set(this.pixelsOf(index), slot * this.imageBytes),
      move: (from, to) => this.slab.copyWithin(to * this.imageBytes, from * this.imageBytes, (from + 1) * this.imageBytes),
    };
    for (; filling < n; filling++) {
      if (!this.order || this.order.done) this.startEpoch(rng.seed());
      this.order!.advance(sink);
    }
    // Once per batch, after it: a prefetch started mid-batch (while the buffer fills at an epoch's
    // start) would be read again synchronously before it lands.
    this.window.prefetch(this.order?.upcomingShard() ?? -1);
    return toBatch(bytes, classes, this.reader, this.model);
  }

  save(): number[] {
    return [1, this.epochSeed, this.order?.emitted ?? 0];
  }

  restore(saved: readonly number[]): void {
    const [version, seed, emitted] = saved;
    if (version !== 1 || seed === undefined || emitted === undefined) throw new Error(`Unknown data stream position ${JSON.stringify(saved)}`);
    if (seed < 0) {
      this.epochSeed = -1;
      this.order = null;
      return;
    }
    this.startEpoch(seed);
    const order = this.order!;
    for (let i = 0; i < emitted; i++) order.advance(null);
    this.rereadSlots(order);
  }

  private startEpoch(seed: number): void {
    this.epochSeed = seed;
    this.order = new EpochOrder(this.shardCounts, this.reader.manifest.imagesPerShard, this.capacity, seed);
  }

  private pixelsOf(index: number): Uint8Array {
    const shard = Math.floor(index / this.reader.manifest.imagesPerShard);
    const within = index - shard * this.reader.manifest.imagesPerShard;
    const data = this.window.get(shard);
    return data.pixels.subarray(within * this.imageBytes, (within + 1) * this.imageBytes);
  }

  /** After a replay: the buffered images, one pread each (a buffer's worth, not the epoch's). */
  private rereadSlots(order: EpochOrder): void {
    const handles = new Map<string, number>();
    try {
      for (let slot = 0; slot < order.filled; slot++) {
        const { path, offset } = this.reader.locate(order.slots[slot]!);
        let fd = handles.get(path);
        if (fd === undefined) handles.set(path, (fd = openSync(path, 'r')));
        readFullySync(fd, this.slab.subarray(slot * this.imageBytes, (slot + 1) * this.imageBytes), offset);
      }
    } finally {
      for (const fd of handles.values()) closeSync(fd);
    }
  }
}
