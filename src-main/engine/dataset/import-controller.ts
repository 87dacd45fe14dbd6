/**
 * Runs dataset imports for the engine: one at a time (an import owns the dataset folder while it
 * runs), progress as events, cancel on request. Cancelling or failing leaves the previous dataset
 * in place; importDataset swaps the new one in only when it is complete.
 */
import { StudioError } from '../../api/rpc';
import type { ImportReportShape, ProjectDatasetShape } from '../../api/dataset';
import { DatasetError, importDataset, type ImportOptionsInput } from './';
import { describeDataset, hasProjectDataset, meanImagePng } from './project-dataset';
import { datasetDirOf } from '../../project/layout';
import { projectCatalog } from './catalog';
import type { EmitEvent } from '../protocol';

/** The Data view lists skipped files; beyond this many, the report file has the rest. */
const MAX_REPORTED_SKIPS = 5000;

export class ImportController {
  private running: AbortController | null = null;

  constructor(private readonly emit: EmitEvent) {}

  async run(sourceDir: string, projectDir: string, options: ImportOptionsInput): Promise<ImportReportShape> {
    if (this.running) throw new StudioError({ code: 'invalid-request', message: 'An import is already running: wait for it or cancel it.' });
    const abort = new AbortController();
    this.running = abort;
    try {
      const report = await importDataset(sourceDir, datasetDirOf(projectDir), options, {
        signal: abort.signal,
        onProgress: (progress) => this.emit('dataset.progress', progress),
      });
      return { ...report, skipped: report.skipped.slice(0, MAX_REPORTED_SKIPS), skippedCounts: countByCode(report.skipped) };
    } catch (err) {
      if (err instanceof DatasetError) throw new StudioError({ code: 'invalid-request', message: err.userMessage });
      throw err;
    } finally {
      this.running = null;
    }
  }

  cancel(): boolean {
    this.running?.abort();
    return this.running !== null;
  }

  async current(projectDir: string, name: string): Promise<ProjectDatasetShape> {
    if (!(await hasProjectDataset(projectDir))) return null;
    const { reader, version } = await projectCatalog(projectDir);
    const all = reader.manifest.files
      .filter((row) => row.status !== 'ok')
      .map((row) => ({ path: row.path, code: row.code ?? row.status, reason: row.reason ?? row.status }));
    const skipped = all.slice(0, MAX_REPORTED_SKIPS);
    return { summary: await describeDataset(reader, name), skipped, skippedCounts: countByCode(all), mean: await meanImagePng(reader), version };
  }
}

/** Files left out per skip code, from the whole list (the one sent is cut to MAX_REPORTED_SKIPS rows). */
export function countByCode(skipped: readonly { code: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of skipped) counts[s.code] = (counts[s.code] ?? 0) + 1;
  return counts;
}
