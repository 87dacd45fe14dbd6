/**
 * Packs images into shard files in the order given, one shard buffered in memory at a time, and
 * keeps the per-pixel sum on the way for the dataset's mean image (mean.f32: float32 LE, HWC).
 */
import { writeFileAtomic } from '../../project/atomic';
import { MEAN_FILE } from './manifest';
import { encodeShardHeader, imagesPerShard, shardFileName } from './shard-format';

export interface ShardInfo {
  file: string;
  count: number;
}

export interface ShardWriterResult {
  shards: ShardInfo[];
  imagesPerShard: number;
  /** Per-pixel mean in 0..255, HWC. */
  mean: Float32Array;
}

export class ShardWriter {
  readonly imagesPerShard: number;
  readonly #dir: string;
  readonly #shape: { width: number; height: number; channels: number };
  readonly #imageBytes: number;
  readonly #sum: Float64Array;
  readonly #shards: ShardInfo[] = [];
  #remaining: number;
  #pixels: Uint8Array = new Uint8Array(0);
  #labels: Int32Array = new Int32Array(0);
  #filled = 0;

  /** `perShard` overrides the size-based default; tests use it to get many small shards. */
  constructor(dir: string, shape: { width: number; height: number; channels: number }, total: number, perShard?: number) {
    this.#dir = dir;
    this.#shape = { width: shape.width, height: shape.height, channels: shape.channels };
    this.#imageBytes = shape.width * shape.height * shape.channels;
    this.imagesPerShard = perShard ?? imagesPerShard(this.#imageBytes);
    this.#sum = new Float64Array(this.#imageBytes);
    this.#remaining = total;
  }

  async add(pixels: Uint8Array, label: number): Promise<void> {
    if (pixels.length !== this.#imageBytes) throw new Error(`image has ${pixels.length} bytes, expected ${this.#imageBytes}`);
    if (this.#remaining === 0) throw new Error('ShardWriter: more images than announced');
    if (this.#filled === this.#labels.length) {
      // Sized to what is left, so the last shard of a small dataset does not allocate 48 MB.
      const n = Math.min(this.imagesPerShard, this.#remaining);
      this.#pixels = new Uint8Array(n * this.#imageBytes);
      this.#labels = new Int32Array(n);
      this.#filled = 0;
    }
    this.#pixels.set(pixels, this.#filled * this.#imageBytes);
    this.#labels[this.#filled] = label;
    this.#filled++;
    this.#remaining--;
    const sum = this.#sum;
    for (let i = 0; i < pixels.length; i++) sum[i]! += pixels[i]!;
    if (this.#filled === this.#labels.length) await this.#flush();
  }

  async finish(): Promise<ShardWriterResult> {
    if (this.#remaining !== 0) throw new Error(`ShardWriter: ${this.#remaining} announced images never arrived`);
    const count = this.#shards.reduce((n, s) => n + s.count, 0);
    const mean = new Float32Array(this.#imageBytes);
    const bytes = Buffer.alloc(4 * mean.length);
    for (let i = 0; i < mean.length; i++) {
      mean[i] = count > 0 ? this.#sum[i]! / count : 0;
      bytes.writeFloatLE(mean[i]!, 4 * i);
    }
    await writeFileAtomic(this.#dir, MEAN_FILE, [bytes]);
    return { shards: this.#shards, imagesPerShard: this.imagesPerShard, mean };
  }

  async #flush(): Promise<void> {
    const count = this.#filled;
    const { header } = encodeShardHeader({ count, ...this.#shape });
    const labels = Buffer.alloc(4 * count);
    for (let i = 0; i < count; i++) labels.writeInt32LE(this.#labels[i]!, 4 * i);
    const file = shardFileName(this.#shards.length);
    await writeFileAtomic(this.#dir, file, [header, labels, this.#pixels]);
    this.#shards.push({ file, count });
  }
}
