/**
 * Reading a run's newest resumable checkpoint into a fresh Trainer (resume, and rollback after a
 * divergence). Each checkpoint's trainer meta is checked before anything is built, so one this
 * build cannot resume is passed over like a damaged file; the restored trainer is new, so a
 * failure leaves the caller's trainer as it was (a half-restored trainer at step 0 would train from
 * scratch, and its first checkpoint would prune the good ones).
 */
import type { TrainConfig } from '../../api/train-config';
import type { CheckpointStore } from '../../project/checkpoint';
import { arraysToTensors } from '../checkpoint/tensors';
import type { BatchSource } from '../batches/types';
import { parseTrainerMeta, type TrainerMeta } from './checkpoint-meta';
import { Trainer, type TrainerState } from './trainer';

export interface RestoredTrainer {
  trainer: Trainer;
  file: string;
  step: number;
  /** The run augments at adaptive strength but the checkpoint has no state for it (it starts again from 0). */
  adaptiveMissing: boolean;
  /** Newer checkpoints passed over on the way: "file: why". */
  skipped: string[];
}

/**
 * The newest checkpoint in `store` this build can resume, in a fresh trainer; null when the run has
 * none yet. When every checkpoint is passed over it throws, naming each file and why, and changes
 * nothing.
 */
export async function restoreNewest(
  store: CheckpointStore,
  config: TrainConfig,
  batches: BatchSource,
  { runId, purpose, makeTrainer = (c, b) => new Trainer(c, b) }: { runId: string; purpose: 'open' | 'rollback'; makeTrainer?: (config: TrainConfig, batches: BatchSource) => Trainer },
): Promise<RestoredTrainer | null> {
  // loadLatest returns the checkpoint whose check passed last, so `meta` is the loaded one's.
  let meta!: TrainerMeta;
  const passedOver: string[] = [];
  const loaded = await store.loadLatest({
    check: (state) => void (meta = parseTrainerMeta(state.meta, config)),
    onSkip: (s) => passedOver.push(`${s.file}: ${s.reason}`),
  });
  if (!loaded && passedOver.length > 0) {
    const action = purpose === 'open' ? 'resumed' : 'rolled back to';
    throw new Error(
      `No checkpoint of run ${runId} can be ${action}; each was passed over and left as it is: ${passedOver.join('; ')}. ` +
        `Restore a good copy of a checkpoint into ${store.dir}, or start a new run from this run's config.`,
    );
  }
  if (!loaded) return null;
  const groups = Object.fromEntries(
    Object.entries(loaded.state.groups).map(([name, arrays]) => [name, arraysToTensors(arrays)]),
  ) as TrainerState['groups'];
  const trainer = makeTrainer(config, batches);
  try {
    await trainer.importState({ step: loaded.state.step, rngState: meta.rngState, realImages: meta.realImages, live: meta.live, ...(meta.adaptive ? { adaptive: meta.adaptive } : {}), groups });
  } catch (err) {
    trainer.dispose();
    throw new Error(`${loaded.info.file} in ${store.dir} could not be restored: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    Object.values(groups).forEach((list) => list.forEach(({ tensor }) => tensor.dispose()));
  }
  return {
    trainer,
    file: loaded.info.file,
    step: loaded.state.step,
    adaptiveMissing: config.augment.adaptive && !meta.adaptive,
    skipped: loaded.skipped.map((s) => `${s.file}: ${s.reason}`),
  };
}
