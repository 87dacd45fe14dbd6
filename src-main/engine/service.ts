/**
 * The engine's request handlers, independent of how messages arrive (child process, utility
 * process or a direct call in tests): each feature builds its slice of the table from the shared
 * EngineContext (capability.ts), and this file only composes them.
 */
import type { BackendPreference, BackendReport } from '../api/schemas';
import type { HandlersFor } from '../api/rpc';
import type { EmitEvent, EngineRequests } from './protocol';
import { initRuntime, type RuntimeOptions } from './runtime';
import { TrainingController } from './training/controller';
import { TrainingThread, trainsInThread } from './training/thread';
import { GeneratorCache } from './sampling';
import type { EngineContext } from './capability';
import { trainingHandlers } from './training/handlers';
import { datasetHandlers } from './dataset/handlers';
import { exploreHandlers } from './explore/handlers';
import { exportHandlers } from './export/handlers';
import { evaluationHandlers } from './evaluation/handlers';
import { modelDesignHandlers } from './model-design/handlers';
import { datasetExportHandlers } from './dataset/stylegan-export';
import { LearnController } from './learn/controller';
import { learnHandlers } from './learn/handlers';
import { engineThread } from './thread-share';
import { trainingReplicas } from './backend/threads';

export interface EngineService {
  readonly backend: BackendReport;
  handlers: HandlersFor<EngineRequests>;
  /** Stops a running training run with a final checkpoint. */
  shutdown(): Promise<void>;
}

export async function startEngineService(preference: BackendPreference, emit: EmitEvent, runtime: RuntimeOptions = {}): Promise<EngineService> {
  const report = await initRuntime(preference, runtime);
  // On the CPU a step holds its thread for long: training gets a thread of its own there.
  const inThread = trainsInThread(report.active) && runtime.trainingThread !== false;
  // Data-parallel replicas train in the training thread's group; on the engine thread, one trainer.
  const replicas = inThread ? trainingReplicas(report.threads ?? 1, runtime.parallel ?? 'replicas') : 1;
  const training = inThread
    ? new TrainingThread(emit, { backend: report.active, threads: runtime.threads, workerDir: runtime.workerDir, ...(replicas > 1 ? { replicas } : {}) })
    : new TrainingController(emit);
  const backend: BackendReport = { ...report, trainingThread: inThread, ...(replicas > 1 ? { trainingReplicas: replicas } : {}) };
  const learn = new LearnController(emit);
  const context: EngineContext = { backend, emit, training, generators: new GeneratorCache(), learn };
  const handlers: HandlersFor<EngineRequests> = {
    'backend.report': async () => backend,
    ...trainingHandlers(context),
    ...datasetHandlers(context),
    ...exploreHandlers(context),
    ...exportHandlers(context),
    ...evaluationHandlers(context),
    ...modelDesignHandlers(context),
    ...datasetExportHandlers(context),
    ...learnHandlers(context),
  };
  return {
    backend,
    shutdown: async () => {
      await learn.dispose();
      await training.shutdown();
    },
    // A run in its own thread never waits on the engine thread's requests: nothing to share.
    handlers: inThread ? handlers : sharedWithTraining(handlers),
  };
}

/**
 * When training runs on the engine thread (GPU backends, or GAN_STUDIO_TRAINING_THREAD=off): every
 * request counts as in flight, so the loop gives the thread over between steps until it has
 * answered (thread-share.ts), except those that wait for the loop or replace the session:
 * train.control (pause, stop and rollback await the loop), train.start and train.open.
 */
const LOOP_OWN = new Set(['train.control', 'train.start', 'train.open']);

function sharedWithTraining(handlers: HandlersFor<EngineRequests>): HandlersFor<EngineRequests> {
  const entries = Object.entries(handlers as Record<string, (input: unknown) => Promise<unknown>>).map(([name, handler]) => [
    name,
    LOOP_OWN.has(name) ? handler : (input: unknown) => engineThread.track(() => handler(input)),
  ]);
  return Object.fromEntries(entries) as HandlersFor<EngineRequests>;
}
