/**
 * The messages between main's EngineHost and the engine process. Internal to the app (the renderer
 * never sees them); main validates every reply and event before forwarding it.
 */
import { z } from 'zod';
import type { Reply, RequestSpecs } from '../api/rpc';
import { backendReportSchema, datasetSummarySchema, generatorPreviewSchema, sampleGridSchema } from '../api/schemas';
import { trainConfigSchema } from '../api/train-config';
import {
  importOptionsSchema,
  importPreviewSchema,
  importProgressSchema,
  importReportSchema,
  projectDatasetSchema,
  thumbnailPageSchema,
  thumbnailQuerySchema,
} from '../api/dataset';
import {
  datasetRefSchema,
  liveParamsSchema,
  runHistorySchema,
  runStatusSchema,
  trainCoachEventSchema,
  trainControlSchema,
  trainMetricsEventSchema,
  trainSamplesEventSchema,
} from '../api/training';
import { exploreEngineRequests, exploreEvents } from '../api/explore';
import { exportEngineRequests, exportEvents } from '../api/export';
import { evaluationEngineRequests, evaluationEvents } from '../api/evaluation';
import { modelDesignEngineRequests, modelDesignEvents } from '../api/model-design';
import { datasetExportEngineRequests, datasetExportEvents } from '../api/stylegan-export';

export const engineRequests = {
  'backend.report': { input: z.object({}), output: backendReportSchema },
  'generator.preview': { input: generatorPreviewSchema, output: sampleGridSchema },
  'dataset.demo': { input: z.object({}), output: datasetSummarySchema },
  'train.start': {
    input: z.object({ runsDir: z.string().min(1), config: trainConfigSchema, dataset: datasetRefSchema }),
    output: runStatusSchema,
  },
  'train.open': {
    input: z.object({ runDir: z.string().min(1) }),
    output: z.object({ status: runStatusSchema, skipped: z.array(z.string()) }),
  },
  'train.control': { input: trainControlSchema, output: runStatusSchema },
  'train.update': { input: liveParamsSchema.partial(), output: runStatusSchema },
  'train.status': { input: z.object({}), output: runStatusSchema.nullable() },
  'train.history': { input: z.object({}), output: runHistorySchema.nullable() },
  'dataset.import': {
    input: z.object({ sourceDir: z.string().min(1), projectDir: z.string().min(1), options: importOptionsSchema }),
    output: importReportSchema,
  },
  'dataset.cancelImport': { input: z.object({}), output: z.object({ cancelled: z.boolean() }) },
  'dataset.project': { input: z.object({ projectDir: z.string().min(1), name: z.string() }), output: projectDatasetSchema },
  'dataset.thumbnails': { input: z.object({ ...thumbnailQuerySchema.shape, projectDir: z.string().min(1) }), output: thumbnailPageSchema },
  'dataset.preview': {
    // sourceDir null: the sources of the project's dataset.
    input: z.object({ sourceDir: z.string().min(1).nullable(), projectDir: z.string().min(1), options: importOptionsSchema }),
    output: importPreviewSchema,
  },
  ...exploreEngineRequests,
  ...exportEngineRequests,
  ...evaluationEngineRequests,
  ...modelDesignEngineRequests,
  ...datasetExportEngineRequests,
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
