/**
 * runs/<id>/notes.json: what the user writes about a run in the runs table — free notes and tags.
 * Missing or damaged reads as empty (the table still lists the run); written atomically.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runNotesSchema, type RunNotes } from '../api/projects';
import { writeFileAtomic } from './atomic';

export const RUN_NOTES_FILE = 'notes.json';

export async function readRunNotes(runDir: string): Promise<RunNotes> {
  try {
    const parsed = runNotesSchema.safeParse(JSON.parse(await readFile(join(runDir, RUN_NOTES_FILE), 'utf8')));
    return parsed.success ? parsed.data : { notes: '', tags: [] };
  } catch {
    return { notes: '', tags: [] };
  }
}

export async function writeRunNotes(runDir: string, notes: RunNotes): Promise<void> {
  // Tags once each, in the order written.
  const tags = [...new Set(notes.tags.map((t) => t.trim()).filter(Boolean))];
  await writeFileAtomic(runDir, RUN_NOTES_FILE, [Buffer.from(JSON.stringify({ notes: notes.notes, tags }))]);
}
