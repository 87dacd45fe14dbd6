/** What every export kind writes through: its folder, progress, cancellation and notes for the sidecar. */
import type { ExportProgress } from '../../api/export';
import { CancelledError, type ExportFolder } from './folder';

export type Phase = ExportProgress['phase'];

export interface ExportJob {
  readonly folder: ExportFolder;
  progress(phase: Phase, done: number, total: number): void;
  /** Yields to the event loop (so a cancel request gets in), then throws CancelledError if one did. */
  tick(): Promise<void>;
  /** Said in the sidecar (e.g. why the mean latent is zero). */
  note(text: string): void;
}

export interface JobHooks {
  progress?: (phase: Phase, done: number, total: number) => void;
  /** Checked at every tick. */
  cancelled?: () => boolean;
}

/** Progress events at most this often (ms), plus the first and the last of each phase. */
const PROGRESS_INTERVAL = 150;

export function createJob(folder: ExportFolder, hooks: JobHooks = {}): ExportJob & { notes: string[] } {
  const notes: string[] = [];
  let last = 0;
  let lastPhase: Phase | null = null;
  return {
    folder,
    notes,
    progress(phase, done, total) {
      const now = performance.now();
      if (phase !== lastPhase || done === total || now - last >= PROGRESS_INTERVAL) {
        last = now;
        lastPhase = phase;
        hooks.progress?.(phase, done, total);
      }
    },
    async tick() {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (hooks.cancelled?.()) throw new CancelledError();
    },
    note(text) {
      notes.push(text);
    },
  };
}
