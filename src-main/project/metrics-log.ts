/**
 * runs/<id>/metrics.jsonl: append-only, one JSON object per line. Lines are buffered and appended
 * in batches (a write per step would cost more than a small model's step); a crash loses at most
 * the unflushed tail and can leave a partial last line, which the reader skips.
 */
import { appendFile, open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { trainingEvalPointSchema, type TrainingEvalPoint } from '../api/evaluation';

export type LogLine =
  | ({ type: 'step' } & Record<string, number | string | null>)
  | { type: 'params'; step: number; [key: string]: unknown }
  | { type: 'event'; step: number; message: string; [key: string]: unknown }
  /** An in-training evaluation (config.evaluation.every > 0). */
  | { type: 'eval'; step: number; [key: string]: unknown };

export class MetricsLog {
  private buffer: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private repaired = false;
  /** The first write that failed; the session fails the run with it. Later writes still try. */
  failure: Error | null = null;

  constructor(readonly path: string) {}

  append(line: LogLine): void {
    this.buffer.push(JSON.stringify(line));
  }

  /**
   * Writes what is buffered; calls are serialised so lines keep their order. A failed write
   * rejects this call (and sets `failure`) but never the ones after it: the chain does not stay
   * rejected, so the run can be failed and disposed and the next one can start.
   */
  flush(): Promise<void> {
    if (this.buffer.length === 0) return this.writing;
    const text = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    const write = this.writing.then(async () => {
      try {
        if (!this.repaired) {
          await repairTail(this.path);
          this.repaired = true;
        }
        await appendFile(this.path, text);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        const fix = code === 'ENOSPC' ? 'free some disk space, then resume the run' : 'make the run folder writable, then resume the run';
        this.failure ??= new Error(`Could not write ${this.path} (${code}): ${fix}.`);
        throw this.failure;
      }
    });
    this.writing = write.catch(() => undefined);
    write.catch(() => undefined); // Fire-and-forget callers must not leave an unhandled rejection.
    return write;
  }
}

/**
 * A process killed mid-append leaves a torn last line; appending after it would glue the next
 * line onto it and lose both. Cuts the file back to its last complete line.
 */
export async function repairTail(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    let end = size;
    const block = Buffer.alloc(64 * 1024);
    while (end > 0) {
      const start = Math.max(0, end - block.length);
      const { bytesRead } = await handle.read(block, 0, end - start, start);
      const newline = block.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline >= 0) {
        const keep = start + newline + 1;
        if (keep === size) return false;
        await handle.truncate(keep);
        return true;
      }
      end = start;
    }
    if (size === 0) return false;
    await handle.truncate(0);
    return true;
  } finally {
    await handle.close();
  }
}

/** Reads a metrics log, skipping a torn or corrupt line instead of failing the whole run. */
export async function readMetricsLog(path: string): Promise<{ lines: LogLine[]; skipped: number }> {
  const lines: LogLine[] = [];
  let skipped = 0;
  // Line by line: a log of millions of steps is more than one string may hold (~512 MB in V8).
  const stream = createReadStream(path, { encoding: 'utf8' });
  try {
    for await (const raw of createInterface({ input: stream, crlfDelay: Infinity })) {
      if (!raw) continue;
      const line = parseLogLine(raw);
      if (line) lines.push(line);
      else skipped++;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], skipped: 0 };
    throw err;
  } finally {
    stream.destroy();
  }
  return { lines, skipped };
}

/**
 * One line of the log, or null when it is not one GAN Studio could have written: every line has a
 * type and a whole step, and a step line's values are numbers or null (a diverged run writes null).
 * A hand-edited or damaged line is skipped and counted, never handed on as a step of "x".
 */
export function parseLogLine(raw: string): LogLine | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const line = parsed as Record<string, unknown>;
  if (typeof line.type !== 'string' || !Number.isSafeInteger(line.step) || (line.step as number) < 0) return null;
  if (line.type === 'step' && !Object.entries(line).every(([key, value]) => key === 'type' || value === null || (typeof value === 'number' && Number.isFinite(value)))) return null;
  if (line.type === 'event' && typeof line.message !== 'string') return null;
  return line as LogLine;
}

/** Logs from before `restoredTo` was written say a restore in words only. */
const RESTORE_MESSAGE = /^resumed from checkpoint at step \d+$|^no checkpoint saved yet/;

/**
 * The lines of a run's current timeline, in order. A restore (reopen, resume, rollback, back to the
 * initial weights: an event with `restoredTo`) goes back to a step; lines logged past it before the
 * restore belong to an abandoned timeline and are dropped, also where the new one never logged
 * that step again (a skipped or interrupted evaluation).
 */
export function currentTimeline<T extends { type: string; step?: unknown; [key: string]: unknown }>(lines: readonly T[]): T[] {
  const kept: T[] = [];
  for (const line of lines) {
    const to = line.type === 'event' ? (typeof line.restoredTo === 'number' ? line.restoredTo : RESTORE_MESSAGE.test(String(line.message)) ? line.step : null) : null;
    if (typeof to === 'number') {
      for (let i = kept.length - 1; i >= 0; i--) if (typeof kept[i]!.step === 'number' && (kept[i]!.step as number) > to) kept.splice(i, 1);
    }
    kept.push(line);
  }
  return kept;
}

/**
 * The in-training evaluations ({type: 'eval'} lines) of a run's metrics.jsonl on its current
 * timeline, by step; a step logged twice keeps the later line. The one reader of them: the Train
 * and Evaluate views' charts, the runs table's best and latest, and the engine's best-so-far and
 * patience count on reopen.
 */
export async function readEvalPoints(logPath: string): Promise<TrainingEvalPoint[]> {
  return evalPointsOf((await readMetricsLog(logPath)).lines);
}

/** readEvalPoints on lines already read. */
export function evalPointsOf(lines: readonly LogLine[]): TrainingEvalPoint[] {
  const byStep = new Map<number, TrainingEvalPoint>();
  for (const line of currentTimeline(lines)) {
    if (line.type !== 'eval') continue;
    const parsed = trainingEvalPointSchema.safeParse(line);
    if (parsed.success) byStep.set(parsed.data.step, parsed.data);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}
