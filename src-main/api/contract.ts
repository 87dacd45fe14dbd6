/**
 * StudioApi: the one contract between the renderer and the main-side services. Electron's preload
 * bridge and web mode's WebSocket both carry exactly these channels; main validates every input
 * against these schemas before a handler sees it.
 */
import { z } from 'zod';
import type { EventSpecs, InputOf, OutputOf, PayloadOf, RequestSpecs } from './rpc';
import { appInfoSchema, engineStatusSchema, projectDatasetRefSchema } from './schemas';
import { checkpointInfoSchema, projectStateSchema, runIdSchema, runNameSchema, runNotesSchema, runTableRowSchema } from './projects';
import { trainConfigSchema } from './train-config';
import { exploreEvents, exploreRequests } from './explore';
import { exportEvents, exportNameSchema, exportRequests } from './export';
import { evaluationEvents, evaluationRequests } from './evaluation';
import { modelDesignEvents, modelDesignRequests } from './model-design';
import { datasetExportEvents, datasetExportRequests } from './stylegan-export';
import { learnEvents, learnRequests } from './learn';
import { datasetRequests, datasetsChangedSchema, importProgressSchema } from './dataset';
import {
  runStatusSchema,
  stepPointSchema,
  trainCoachEventSchema,
  trainingRequests,
  trainMetricsEventSchema,
  trainSamplesEventSchema,
} from './training';

const empty = z.object({}).strict();

/** Something of the open project to show in the file manager: named, never a path (main resolves it). */
export const revealTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('project') }).strict(),
  z.object({ kind: z.literal('dataset'), dataset: projectDatasetRefSchema.default('project') }).strict(),
  z.object({ kind: z.literal('run'), runId: runIdSchema }).strict(),
  z.object({ kind: z.literal('export'), name: exportNameSchema }).strict(),
  /** A run's checkpoint file; without `file`, its newest. */
  z.object({ kind: z.literal('checkpoint'), runId: runIdSchema, file: z.string().regex(/^ckpt-\d+\.gsc$/).optional() }).strict(),
  /** A run's config.json. */
  z.object({ kind: z.literal('run-config'), runId: runIdSchema }).strict(),
]);
export type RevealTarget = z.infer<typeof revealTargetSchema>;

export const studioRequests = {
  'app.info': { input: empty, output: appInfoSchema },
  'engine.status': { input: empty, output: engineStatusSchema },
  'engine.restart': { input: empty, output: engineStatusSchema },
  'project.current': { input: empty, output: projectStateSchema },
  /** Web mode: a one-time URL that downloads it (a folder as a zip). The desktop app shows files in their folder instead. */
  'files.download': { input: z.object({ target: revealTargetSchema }).strict(), output: z.object({ url: z.string(), name: z.string() }) },
  /**
   * Shows a folder of the project in the file manager (desktop); `shown` is false in web mode,
   * where the folder is on the server and only its path can be shown.
   */
  'project.reveal': { input: z.object({ target: revealTargetSchema }).strict(), output: z.object({ path: z.string(), shown: z.boolean() }) },
  /** Reopens a run of the current project at its newest checkpoint, paused. */
  'runs.open': {
    input: z.object({ runId: runIdSchema }).strict(),
    /** warnings: what to know before resuming (the dataset changed since the run started). */
    output: z.object({ status: runStatusSchema, skipped: z.array(z.string()), warnings: z.array(z.string()) }),
  },
  /** Names a run (null clears the name); the list shows names instead of ids. */
  'runs.rename': { input: z.object({ runId: runIdSchema, name: runNameSchema.nullable() }).strict(), output: projectStateSchema },
  /** Deletes a run and everything in its folder; refused while the engine has it open and unfinished. */
  'runs.delete': { input: z.object({ runId: runIdSchema }).strict(), output: projectStateSchema },
  /** Every run of the project as a table row (the Train view's runs table). */
  'runs.table': { input: empty, output: z.object({ rows: z.array(runTableRowSchema) }) },
  /** The user's notes and tags on a run. */
  'runs.annotate': { input: z.object({ runId: runIdSchema, notes: runNotesSchema.shape.notes, tags: runNotesSchema.shape.tags }).strict(), output: runTableRowSchema },
  /** Another run's config and logged step metrics, to overlay on the charts and diff configs. */
  'runs.metrics': {
    input: z.object({ runId: runIdSchema }).strict(),
    output: z.object({ runId: z.string(), config: trainConfigSchema, points: z.array(stepPointSchema) }),
  },
  /** A run's config and its checkpoints (newest first), for the explorer, export and evaluation. */
  'runs.checkpoints': {
    input: z.object({ runId: runIdSchema }).strict(),
    output: z.object({ runId: z.string(), config: trainConfigSchema, checkpoints: z.array(checkpointInfoSchema) }),
  },
  ...datasetRequests,
  ...trainingRequests,
  ...exploreRequests,
  ...exportRequests,
  ...evaluationRequests,
  ...modelDesignRequests,
  ...datasetExportRequests,
  ...learnRequests,
} satisfies RequestSpecs;

export const viewNames = ['dataset', 'model-design', 'training', 'explore', 'export', 'evaluation', 'learn'] as const;
export type ViewName = (typeof viewNames)[number];

export const studioEvents = {
  'engine.status': engineStatusSchema,
  /** The native menu (or another main-side trigger) asks the renderer to show a view. */
  'ui.navigate': z.object({ view: z.enum(viewNames) }),
  /** A native-menu command the renderer carries out with its current settings (e.g. import options). */
  'ui.command': z.object({ command: z.enum(['import-folder']) }),
  'train.status': runStatusSchema,
  'train.metrics': trainMetricsEventSchema,
  'train.samples': trainSamplesEventSchema,
  'project.changed': projectStateSchema,
  'dataset.progress': importProgressSchema,
  /** The training coach's warnings, with the step a problem started and what to try. */
  'train.coach': trainCoachEventSchema,
  'dataset.changed': datasetsChangedSchema,
  ...exploreEvents,
  ...exportEvents,
  ...evaluationEvents,
  ...modelDesignEvents,
  ...datasetExportEvents,
  ...learnEvents,
} satisfies EventSpecs;

export type StudioRequests = typeof studioRequests;
export type StudioEvents = typeof studioEvents;
export type RequestChannel = keyof StudioRequests & string;
export type EventChannel = keyof StudioEvents & string;
export type RequestInput<C extends RequestChannel> = InputOf<StudioRequests, C>;
export type RequestOutput<C extends RequestChannel> = OutputOf<StudioRequests, C>;
export type EventPayload<E extends EventChannel> = PayloadOf<StudioEvents, E>;

/** What the renderer programs against, whatever carries the messages. */
export interface StudioApi {
  /** Resolves with the reply value or rejects with a StudioError. */
  request<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<RequestOutput<C>>;
  /** Returns an unsubscribe function. */
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Names used on the wire by both transports. */
export const wire = {
  /** Electron: ipcRenderer.invoke channel. */
  request: 'studio:request',
  /** Electron: webContents.send channel. */
  event: 'studio:event',
  /** Electron: the preload registers a dropped folder's path and gets a token. */
  registerDrop: 'studio:register-drop',
  /** Web mode: WebSocket path. */
  socketPath: '/api/ws',
} as const;

export type WireRequest = { id: number; channel: string; input: unknown };
export type WireMessage =
  | { kind: 'reply'; id: number; reply: import('./rpc').Reply<unknown> }
  | { kind: 'event'; event: string; payload: unknown };
