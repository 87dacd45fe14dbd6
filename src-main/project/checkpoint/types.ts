/** The plain-data shapes the checkpoint store reads and writes; no tfjs, no fs. */

export type ArrayDtype = 'float32' | 'int32';

export interface NamedArray {
  name: string;
  shape: number[];
  dtype: ArrayDtype;
  data: Float32Array | Int32Array;
}

export interface CheckpointState {
  step: number;
  /** Arbitrary JSON: config, rng state, metrics summary, app version… (validated by callers). */
  meta: Record<string, unknown>;
  /** Named tensors grouped by owner, e.g. { generator: [...], discriminator: [...], ema: [...], gOptimizer: [...], dOptimizer: [...] } */
  groups: Record<string, NamedArray[]>;
}

export interface CheckpointInfo {
  /** File name inside the store's directory (not a path). */
  file: string;
  step: number;
  bytes: number;
  savedAt: string;
  best: boolean;
  /** The file's SHA-256 body digest (its trailer), set when the file was read in full and verified. */
  sha256?: string;
}

export interface SkippedCheckpoint {
  file: string;
  reason: string;
}

export interface LoadedCheckpoint {
  state: CheckpointState;
  info: CheckpointInfo;
  /** Newer checkpoints that were passed over because they failed verification. */
  skipped: SkippedCheckpoint[];
}
