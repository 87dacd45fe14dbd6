/**
 * The lead of a data-parallel run: a Trainer (replica 0, on the caller's thread) that the session
 * uses as it uses any trainer, and that takes the other replicas (./replicas.ts) along: each step
 * they take theirs at the same time, and a live edit or a restored checkpoint reaches them too. The
 * lead's weights, statistics and checkpoints are the run's: every replica holds the same.
 */
import type { TrainConfig } from '../../../api/train-config';
import type { BatchSource } from '../../batches/types';
import { isStreamed, type TrainingData } from '../../batches/training-data';
import { tensorsToArrays } from '../../checkpoint/tensors';
import type { LabelledImages } from '../../dataset/mnist-demo';
import { Trainer, type LiveParams, type StepMetrics, type TrainerState } from '../trainer';
import { Shard } from './shard';
import { fusedOps } from '../../backend/fused';
import { withOrtThreadCap } from '../../backend/ort/ort-runtime';
import { rootCause, type ReplicaGroup } from './replicas';
import type { ReplicaData, ReplicaState } from './protocol';
import type { TrainerFactory } from '../session';

export class LeadTrainer extends Trainer {
  /** The other replicas' start: awaited before the first step or restore, so its failure surfaces there. */
  private started: Promise<unknown>;
  /**
   * Whether the other replicas' batch sources stand where the lead's does. A shard stream read
   * before the first step (the session samples real images for the coach) moved the lead's only.
   */
  private positioned = false;

  constructor(
    config: TrainConfig,
    private readonly batches: BatchSource,
    private readonly group: ReplicaGroup,
    private readonly data: ReplicaData,
  ) {
    super(config, batches, new Shard(group.collective));
    this.started = this.takeOver();
  }

  override async trainStep(): Promise<StepMetrics> {
    // Another lead took the replicas (a restore that then failed, leaving this one the run's): they
    // get this lead's run back, state and all, before they step with it.
    if (this.group.owner !== this) {
      this.started = this.takeOver();
      await this.started;
      await this.group.importState(await plainState(await this.exportState()));
    }
    await this.started;
    if (!this.positioned) {
      const position = this.batches.position?.save();
      if (position) await this.group.position(position);
      this.positioned = true;
    }
    const others = this.group.steps(1);
    let metrics: StepMetrics;
    try {
      // The other replicas take the other cores; the lead's products take one (its grids and
      // evaluation, between steps, take them all).
      metrics = await withOrtThreadCap(1, () => super.trainStep());
    } catch (err) {
      // A replica that failed made this one stop at an exchange: report the replica's error.
      const theirs = await others.then(
        () => null,
        (e: unknown) => e as Error,
      );
      throw theirs ? rootCause([err as Error, theirs]) : err;
    }
    await others;
    return metrics;
  }

  override setLiveParams(next: Partial<LiveParams>): LiveParams {
    const live = super.setLiveParams(next);
    this.group.live(live);
    return live;
  }

  override async importState(state: TrainerState): Promise<void> {
    await super.importState(state);
    await this.started;
    await this.group.importState(await plainState(state));
    // A state without a position (from memory, or an older checkpoint) leaves the sources as they are.
    this.positioned = false;
  }

  override dispose(): void {
    if (this.group.owner === this) {
      this.group.owner = null;
      this.group.release();
    }
    super.dispose();
  }

  /** The other replicas start this lead's run at its initial weights. */
  private takeOver(): Promise<unknown> {
    this.group.owner = this;
    this.positioned = false;
    const started = this.group.start(this.config, this.data, this.batches.clusters?.centres ?? null);
    started.catch(() => undefined);
    return started;
  }
}

/** A trainer's state with its tensors as arrays (what crosses to the other replicas). */
async function plainState(state: TrainerState): Promise<ReplicaState> {
  const groups: ReplicaState['groups'] = {};
  for (const [name, tensors] of Object.entries(state.groups)) if (tensors) groups[name] = await tensorsToArrays(tensors);
  return { step: state.step, rngState: state.rngState, ...(state.realImages === undefined ? {} : { realImages: state.realImages }), live: state.live, ...(state.adaptive ? { adaptive: state.adaptive } : {}), groups };
}

/**
 * What the other replicas draw from, for data the lead has: images in memory move onto shared
 * memory (returned, for the lead to use as well), so N replicas hold one copy; a streamed dataset is
 * opened by each replica from its folder.
 */
export function replicaData(data: TrainingData, datasetDir: string | null): { lead: TrainingData; replicas: ReplicaData } {
  if (isStreamed(data)) {
    if (!datasetDir) throw new Error('A streamed dataset needs its folder for the other replicas');
    return { lead: data, replicas: { kind: 'stream', datasetDir } };
  }
  const shared = shareImages(data);
  return { lead: shared, replicas: { kind: 'memory', images: shared } };
}

function shareImages(data: LabelledImages): LabelledImages {
  if (data.images.buffer instanceof SharedArrayBuffer) return data;
  const images = new Uint8Array(new SharedArrayBuffer(data.images.byteLength));
  images.set(data.images);
  return { ...data, images };
}

/**
 * What a session trains with on a group: the lead's data (images in memory moved onto shared memory,
 * one copy for every replica) and the factory of its trainers. The controller and the CLI both use it.
 */
export function replicaTraining(group: ReplicaGroup, data: TrainingData, datasetDir: string | null): { data: TrainingData; makeTrainer: TrainerFactory } {
  const shared = replicaData(data, datasetDir);
  return { data: shared.lead, makeTrainer: replicaTrainers(group, shared.replicas) };
}

/**
 * The trainers of runs on `group`: the lead of the replicas, or a plain trainer where replicas cannot
 * train: a batch smaller than the replica count, or a backend without the fused batch norm that
 * exchanges its statistics (GAN_STUDIO_FUSED=0). A plain trainer then trains on the lead's thread,
 * its products on ONNX Runtime's threads.
 */
export function replicaTrainers(group: ReplicaGroup, data: ReplicaData): TrainerFactory {
  return (config, batches) => (config.batchSize >= group.size && fusedOps() !== null ? new LeadTrainer(config, batches, group, data) : new Trainer(config, batches));
}
