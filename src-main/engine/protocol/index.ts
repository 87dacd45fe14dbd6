/**
 * The messages between main's EngineHost and the engine process. Internal to the app (the renderer
 * never sees them); main validates every reply and event before forwarding it.
 */
import { z } from 'zod';
import type { Reply, RequestSpecs } from '../../api/rpc';
import { backendReportSchema } from '../../api/schemas';
import { importProgressSchema } from '../../api/dataset';
import { runStatusSchema, trainCoachEventSchema, trainMetricsEventSchema, trainSamplesEventSchema } from '../../api/training';
import { trainingEngineRequests } from './training';
import { datasetEngineRequests } from './dataset';
import { exploreEvents } from '../../api/explore';
import { exploreEngineRequests } from './explore';
import { exportEvents } from '../../api/export';
import { exportEngineRequests } from './export';
import { evaluationEvents } from '../../api/evaluation';
import { evaluationEngineRequests } from './evaluation';
import { modelDesignEvents } from '../../api/model-design';
import { modelDesignEngineRequests } from './model-design';
import { datasetExportEvents } from '../../api/stylegan-export';
import { datasetExportEngineRequests } from './stylegan-export';
import { learnEvents } from '../../api/learn';
import { learnEngineRequests } from './learn';

export const engineRequests = {
  'backend.report': { input: z.object({}), output: backendReportSchema },
  ...trainingEngineRequests,
  ...datasetEngineRequests,
  ...exploreEngineRequests,
  ...exportEngineRequests,
  ...evaluationEngineRequests,
  ...modelDesignEngineRequests,
  ...datasetExportEngineRequests,
  ...learnEngineRequests,
} satisfies RequestSpecs;
export type EngineRequests = typeof engineRequests;
export type EngineMethod = keyof EngineRequests & string;

export const engineEvents = {
  'train.status': runStatusSchema,
  'train.metrics': trainMetricsEventSchema,
  'train.samples': trainSamplesEventSchema,
  'dataset.progress': importProgressSchema,
  'train.coach': trainCoachEventSchema,
  ...exploreEvents,
  ...exportEvents,
  ...evaluationEvents,
  ...modelDesignEvents,
  ...datasetExportEvents,
  ...learnEvents,
} satisfies Record<string, z.ZodType>;
export type EngineEvents = typeof engineEvents;
export type EngineEventName = keyof EngineEvents & string;

export type HostToEngine = { kind: 'request'; id: number; method: string; input: unknown } | { kind: 'shutdown' };

export type EngineToHost =
  | { kind: 'ready'; backend: z.infer<typeof backendReportSchema> }
  | { kind: 'fatal'; message: string }
  | { kind: 'reply'; id: number; reply: Reply<unknown> }
  | { kind: 'event'; event: string; payload: unknown };

export const engineToHostSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready'), backend: backendReportSchema }),
  z.object({ kind: z.literal('fatal'), message: z.string() }),
  z.object({ kind: z.literal('reply'), id: z.number().int(), reply: z.union([
    z.object({ ok: z.literal(true), value: z.unknown() }),
    z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.string()).optional() }) }),
  ]) }),
  z.object({ kind: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);

export const hostToEngineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('request'), id: z.number().int(), method: z.string(), input: z.unknown() }),
  z.object({ kind: z.literal('shutdown') }),
]);

/** Exit codes the engine chooses itself, so the host can tell why it went. */
export const engineExitCodes = {
  /** The WebAssembly runtime aborted (out of memory): the host restarts the engine at once. */
  wasmAbort: 70,
} as const;

/** How engine-side controllers send an event to the host (the channel validates it against the protocol). */
export type EmitEvent = (event: string, payload: unknown) => void;
