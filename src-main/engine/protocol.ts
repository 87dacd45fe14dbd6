/**
 * The messages between main's EngineHost and the engine process. Internal to the app (the renderer
 * never sees them); main validates every reply and event before forwarding it.
 */
import { z } from 'zod';
import type { Reply, RequestSpecs } from '../api/rpc';
import { backendReportSchema, datasetSummarySchema, generatorPreviewSchema, sampleGridSchema } from '../api/schemas';

export const engineRequests = {
  'backend.report': { input: z.object({}), output: backendReportSchema },
  'generator.preview': { input: generatorPreviewSchema, output: sampleGridSchema },
  'dataset.demo': { input: z.object({}), output: datasetSummarySchema },
} satisfies RequestSpecs;
export type EngineRequests = typeof engineRequests;
export type EngineMethod = keyof EngineRequests & string;

export const engineEvents = {} satisfies Record<string, z.ZodType>;

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
