/**
 * runs/<id>/metrics.jsonl: append-only, one JSON object per line. Lines are buffered and appended
 * in batches (a write per step would cost more than a small model's step); a crash loses at most
 * the unflushed tail and can leave a partial last line, which the reader skips.
 */
import { appendFile, readFile } from 'node:fs/promises';

export type LogLine =
  | ({ type: 'step' } & Record<string, number | string | null>)
  | { type: 'params'; step: number; [key: string]: unknown }
  | { type: 'event'; step: number; message: string; [key: string]: unknown }
  /** An in-training evaluation (config.evaluation.every > 0). */
  | { type: 'eval'; step: number; [key: string]: unknown };

export class MetricsLog {
  private buffer: string[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  append(line: LogLine): void {
    this.buffer.push(JSON.stringify(line));
  }

  /** Writes what is buffered; calls are serialised so lines keep their order. */
  flush(): Promise<void> {
    if (this.buffer.length === 0) return this.writing;
    const text = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    this.writing = this.writing.then(() => appendFile(this.path, text));
    return this.writing;
  }
}

/** Reads a metrics log, skipping a torn or corrupt line instead of failing the whole run. */
export async function readMetricsLog(path: string): Promise<{ lines: LogLine[]; skipped: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], skipped: 0 };
    throw err;
  }
  const lines: LogLine[] = [];
  let skipped = 0;
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    try {
      const parsed = JSON.parse(raw) as LogLine;
      if (parsed && typeof parsed === 'object' && typeof parsed.type === 'string') lines.push(parsed);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { lines, skipped };
}
