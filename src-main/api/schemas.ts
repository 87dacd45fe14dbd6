/** Payload schemas shared by the renderer, main and the engine. Types are inferred from them. */
import { z } from 'zod';

export const backendNames = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export const backendNameSchema = z.enum(backendNames);
export type BackendName = z.infer<typeof backendNameSchema>;
export const backendPreferenceSchema = z.enum(['auto', ...backendNames]);
export type BackendPreference = z.infer<typeof backendPreferenceSchema>;

export const backendAttemptSchema = z.object({
  name: backendNameSchema,
  /** npm package that provides it, e.g. @tensorflow/tfjs-node-gpu. */
  provider: z.string(),
  ok: z.boolean(),
  /** Why it is not in use (missing package, no CUDA, failed init…) or what it runs on. */
  detail: z.string(),
});
export const backendReportSchema = z.object({
  active: backendNameSchema,
  provider: z.string(),
  /** Every backend considered, best first, with the reason each better one was not used. */
  attempts: z.array(backendAttemptSchema),
  /** Kernels the engine registered to make GAN training possible/fast on this backend. */
  customKernels: z.array(z.string()),
  tfjsVersion: z.string(),
  /** CPU threads the active backend computes with (wasm: XNNPACK's pool; cpu: 1). Absent when the
   *  backend manages its own threads (TensorFlow) or the engine predates threads. */
  threads: z.number().int().positive().optional(),
  /** wasm only: the native library its convolutions, matmuls and reductions run on (ONNX Runtime's
   *  MLAS), with its version, or the reason it is not used (version null). */
  native: z.object({ provider: z.string(), version: z.string().nullable(), reason: z.string().nullable() }).optional(),
  /** Whether a run trains in a worker thread of its own (CPU backends), so that other requests do
   *  not wait for its steps; false: between its steps on the engine thread. Absent from older engines. */
  trainingThread: z.boolean().optional(),
  /** Data-parallel replicas a training run uses, one thread each (engine/training/parallel); absent: one trainer on `threads`. */
  trainingReplicas: z.number().int().positive().optional(),
});
export type BackendReport = z.infer<typeof backendReportSchema>;

export const engineStateSchema = z.enum(['starting', 'ready', 'crashed', 'stopped']);
export type EngineState = z.infer<typeof engineStateSchema>;
export const engineStatusSchema = z.object({
  state: engineStateSchema,
  backend: backendReportSchema.nullable(),
  /** Last failure the user should see (exit code/signal, startup error). */
  lastError: z.string().nullable(),
  restarts: z.number().int().nonnegative(),
  /** The last time the engine stopped by itself and was restarted at once, and why (shown until dismissed). */
  lastRestart: z.object({ reason: z.string(), at: z.string() }).nullable(),
  pid: z.number().int().nullable(),
});
export type EngineStatus = z.infer<typeof engineStatusSchema>;

/** The image sizes the models are built for (DCGAN needs 4·2^k or 7·2^k). */
export const resolutions = [28, 32, 64, 128] as const;
export type Resolution = (typeof resolutions)[number];
export const resolutionSchema = z.union(resolutions.map((r) => z.literal(r)) as [z.ZodLiteral<28>, z.ZodLiteral<32>, z.ZodLiteral<64>, z.ZodLiteral<128>]);

/** The supported resolution closest to an image size (a model is sized to its data). */
export function nearestResolution(size: number): Resolution {
  return resolutions.reduce<Resolution>((best, r) => (Math.abs(r - size) < Math.abs(best - size) ? r : best), resolutions[0]);
}
export const generatorPreviewSchema = z.object({
  architecture: z.enum(['mlp', 'dcgan']),
  resolution: resolutionSchema,
  channels: z.union([z.literal(1), z.literal(3)]),
  zDim: z.number().int().min(2).max(512),
  upsample: z.enum(['transposed', 'upsample-conv']),
  /** G width (the model's gWidth): channels of the last hidden block, or the MLP's first hidden layer. */
  width: z.number().int().min(4).max(1024).optional(),
  rows: z.number().int().min(1).max(16),
  cols: z.number().int().min(1).max(16),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
});
export type GeneratorPreviewRequest = z.infer<typeof generatorPreviewSchema>;

export const pngImageSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** PNG bytes, base64, so the same payload travels over Electron IPC and WebSocket JSON. */
  pngBase64: z.string(),
});
export type PngImage = z.infer<typeof pngImageSchema>;

export const sampleGridSchema = z.object({
  image: pngImageSchema,
  count: z.number().int().positive(),
  elapsedMs: z.number().nonnegative(),
  backend: backendNameSchema,
  parameters: z.number().int().nonnegative(),
});
export type SampleGrid = z.infer<typeof sampleGridSchema>;

/**
 * One of a project's datasets: "project" is the first one imported (the folder dataset/, as in
 * every project made before there could be several), "project:<id>" another (datasets/<id>/).
 */
export const projectDatasetRefSchema = z.union([
  z.literal('project'),
  z.string().regex(/^project:[a-z0-9][a-z0-9-]{0,39}$/, 'a dataset is "project" or "project:<id>" (lower-case letters, digits, dashes)'),
]);
export type ProjectDatasetRef = z.infer<typeof projectDatasetRefSchema>;

/** What a run trains on: the built-in digits or one of the project's imported datasets. */
export const datasetRefSchema = z.union([z.literal('demo:mnist'), projectDatasetRefSchema]);
export type DatasetRef = z.infer<typeof datasetRefSchema>;

export const datasetSummarySchema = z.object({
  /** "demo:mnist", or the dataset's ProjectDatasetRef. */
  id: z.string(),
  name: z.string(),
  source: z.string(),
  count: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  channels: z.union([z.literal(1), z.literal(3)]),
  classes: z.array(z.object({ name: z.string(), count: z.number().int().nonnegative() })),
  preview: pngImageSchema,
});
export type DatasetSummary = z.infer<typeof datasetSummarySchema>;

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'web']),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;
