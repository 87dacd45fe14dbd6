/** Messages between the host of a data-parallel group (./replicas.ts) and its replicas (./replica-worker.ts). */
import { z } from 'zod';
import { backendPreferenceSchema } from '../../api/schemas';
import { trainConfigSchema } from '../../api/train-config';
import type { StepMetrics } from '../training/trainer';

export const replicaWorkerDataSchema = z.object({
  collective: z.object({ buffer: z.instanceof(SharedArrayBuffer), size: z.number().int().min(1) }),
  rank: z.number().int().min(0),
  backend: backendPreferenceSchema,
});
export type ReplicaWorkerData = z.infer<typeof replicaWorkerDataSchema>;

export const replicaCallSchema = z.discriminatedUnion('kind', [
  /** A new run on every replica (the previous one, if any, is disposed). */
  z.object({ kind: z.literal('start'), config: trainConfigSchema }),
  z.object({ kind: z.literal('steps'), count: z.number().int().min(1) }),
  z.object({ kind: z.literal('weights') }),
]);
export type ReplicaCall = z.infer<typeof replicaCallSchema>;

export type ReplicaReply =
  | { kind: 'started'; backend: string }
  | { kind: 'steps'; metrics: StepMetrics[] }
  | { kind: 'weights'; weights: Record<string, number[]>; tensors: number }
  | { kind: 'error'; message: string };
