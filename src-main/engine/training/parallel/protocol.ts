/** Messages between the host of a data-parallel group (./replicas.ts) and its replicas (./replica-worker.ts). */
import { z } from 'zod';
import { backendPreferenceSchema } from '../../../api/schemas';
import { trainConfigSchema } from '../../../api/train-config';
import { liveParamsSchema } from '../../../api/training';
import type { StepMetrics } from '../trainer';

export const replicaWorkerDataSchema = z.object({
  collective: z.object({ buffer: z.instanceof(SharedArrayBuffer), size: z.number().int().min(1) }),
  rank: z.number().int().min(1),
  backend: backendPreferenceSchema,
  /** How long it waits for the others at an exchange before giving up (the group's). */
  timeoutMs: z.number().int().positive(),
});
export type ReplicaWorkerData = z.infer<typeof replicaWorkerDataSchema>;

/** A dataset in memory (its image bytes on shared memory, so N replicas hold one copy). */
const labelledImagesSchema = z.object({
  images: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'a Uint8Array'),
  labels: z.custom<Int32Array>((v) => v instanceof Int32Array, 'an Int32Array'),
  count: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  channels: z.union([z.literal(1), z.literal(3)]),
  classNames: z.array(z.string()),
});

/** What the replicas draw batches from: the images in memory, or the dataset folder they stream. */
export const replicaDataSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('memory'), images: labelledImagesSchema }),
  z.object({ kind: z.literal('stream'), datasetDir: z.string().min(1) }),
]);
export type ReplicaData = z.infer<typeof replicaDataSchema>;

/** A trainer's state as plain arrays (TrainerState without tensors), to restore on every replica. */
const namedArraySchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(['float32', 'int32']),
  data: z.custom<Float32Array | Int32Array>((v) => v instanceof Float32Array || v instanceof Int32Array, 'a Float32Array or Int32Array'),
});
export const replicaStateSchema = z.object({
  step: z.number().int().nonnegative(),
  rngState: z.number(),
  realImages: z.number().optional(),
  live: liveParamsSchema,
  adaptive: z.unknown().optional(),
  groups: z.record(z.string(), z.array(namedArraySchema)),
});
export type ReplicaState = z.infer<typeof replicaStateSchema>;

export const replicaCallSchema = z.discriminatedUnion('kind', [
  /** A new run on every replica (the previous one, if any, is disposed), at the config's initial weights. */
  z.object({
    kind: z.literal('start'),
    config: trainConfigSchema,
    data: replicaDataSchema,
    /** Cluster centres of a model conditioned on clusters (the lead found them). */
    clusters: z.array(z.array(z.number())).nullable(),
  }),
  z.object({ kind: z.literal('steps'), count: z.number().int().min(1) }),
  z.object({ kind: z.literal('live'), params: liveParamsSchema }),
  /** Where the lead's batch source stands (a shard stream read from before the first step). */
  z.object({ kind: z.literal('position'), position: z.array(z.number().int()) }),
  z.object({ kind: z.literal('import'), state: replicaStateSchema }),
  z.object({ kind: z.literal('weights') }),
  /** The run ended: free its trainer and data until the next start. */
  z.object({ kind: z.literal('release') }),
]);
export type ReplicaCall = z.infer<typeof replicaCallSchema>;

export type ReplicaReply =
  | { kind: 'started'; backend: string }
  | { kind: 'done' }
  | { kind: 'steps'; metrics: StepMetrics[] }
  | { kind: 'weights'; weights: Record<string, number[]>; tensors: number }
  | { kind: 'error'; message: string };
