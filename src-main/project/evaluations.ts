/** runs/<id>/evaluations.jsonl: a run's saved evaluations, one JSON line each. */
import { appendFile, readFile } from 'node:fs/promises';
import { evaluationRecordSchema, type EvaluationRecord } from '../api/evaluation';
import { runFiles } from './layout';

/**
 * One JSON line per evaluation, appended in a single write (small enough that the OS does not
 * interleave it); a torn line from a crash is skipped by the reader.
 */
export async function appendRecord(runDir: string, record: EvaluationRecord): Promise<void> {
  await appendFile(runFiles(runDir).evaluations, `${JSON.stringify(evaluationRecordSchema.parse(record))}\n`);
}

/** A run's saved evaluations, oldest first; damaged lines are skipped. */
export async function readRecords(runDir: string): Promise<EvaluationRecord[]> {
  let text: string;
  try {
    text = await readFile(runFiles(runDir).evaluations, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    if (!line) return [];
    try {
      const parsed = evaluationRecordSchema.safeParse(JSON.parse(line));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
}
