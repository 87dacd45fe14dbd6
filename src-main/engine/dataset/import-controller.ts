/**
 * Runs dataset imports for the engine: one at a time (an import owns its dataset folder while it
 * runs), progress as events, cancel on request. Cancelling or failing leaves the previous dataset
 * in place; importDataset swaps the new one in only when it is complete. Also lists, describes and
 * deletes the project's datasets, so nothing deletes a dataset an import is writing.
 */
import { rename, rm } from 'node:fs/promises';
import { StudioError } from '../../api/rpc';
import type { DatasetListShape, ImportReportShape, ProjectDatasetShape } from '../../api/dataset';
import type { ProjectDatasetRef } from '../../api/schemas';
import { DatasetError, importDataset, type ImportOptionsInput } from './';
import { datasetFacts, describeDataset, hasDataset, meanImagePng, newDatasetRef, projectDatasetRefs } from './project-dataset';
import { datasetDirOf } from '../../project/layout';
import { datasetCatalog, datasetVersion, forgetCatalog } from './catalog';
import type { EmitEvent } from '../protocol';

/** The Data view lists skipped files; beyond this many, the report file has the rest. */
const MAX_REPORTED_SKIPS = 5000;

export interface ImportRequest {
  sourceDir: string;
  projectDir: string;
  options: ImportOptionsInput;
  /** 'new', or the dataset this import replaces. */
  target: 'new' | ProjectDatasetRef;
  name: string;
}

export class ImportController {
  private running: { abort: AbortController; dir: string } | null = null;

  constructor(private readonly emit: EmitEvent) {}

  async run(request: ImportRequest): Promise<{ report: ImportReportShape; dataset: ProjectDatasetRef }> {
    if (this.running) throw new StudioError({ code: 'invalid-request', message: 'An import is already running: wait for it or cancel it.' });
    const abort = new AbortController();
    // Claimed before the first await, so two imports never pick the same new folder.
    this.running = { abort, dir: '' };
    try {
      const dataset = request.target === 'new' ? await newDatasetRef(request.projectDir, request.name) : request.target;
      const dir = datasetDirOf(request.projectDir, dataset);
      this.running.dir = dir;
      const report = await importDataset(request.sourceDir, dir, request.options, {
        signal: abort.signal,
        name: request.name,
        onProgress: (progress) => this.emit('dataset.progress', progress),
      });
      return { report: { ...report, skipped: report.skipped.slice(0, MAX_REPORTED_SKIPS), skippedCounts: countByCode(report.skipped) }, dataset };
    } catch (err) {
      if (err instanceof DatasetError) throw new StudioError({ code: 'invalid-request', message: err.userMessage });
      throw err;
    } finally {
      this.running = null;
    }
  }

  cancel(): boolean {
    this.running?.abort.abort();
    return this.running !== null;
  }

  /** Whether an import is writing into this dataset folder now. */
  importing(datasetDir: string): boolean {
    return this.running?.dir === datasetDir;
  }

  async list(projectDir: string): Promise<DatasetListShape> {
    const refs = await projectDatasetRefs(projectDir);
    const items = await Promise.all(
      refs.map(async (id) => {
        const { reader } = await datasetCatalog(datasetDirOf(projectDir, id));
        return { ...datasetFacts(reader, id), id, version: datasetVersion(reader), createdAt: reader.manifest.createdAt };
      }),
    );
    return items;
  }

  async current(projectDir: string, dataset: ProjectDatasetRef): Promise<ProjectDatasetShape> {
    const dir = datasetDirOf(projectDir, dataset);
    if (!(await hasDataset(dir))) return null;
    const { reader, version } = await datasetCatalog(dir);
    const all = reader.manifest.files
      .filter((row) => row.status !== 'ok')
      .map((row) => ({ path: row.path, code: row.code ?? row.status, reason: row.reason ?? row.status }));
    const skipped = all.slice(0, MAX_REPORTED_SKIPS);
    return { summary: await describeDataset(reader, dataset), skipped, skippedCounts: countByCode(all), mean: await meanImagePng(reader), version };
  }

  /**
   * Removes a dataset's folder: renamed out of the way first (one atomic step, so a crash never
   * leaves half a dataset that still looks whole), then deleted.
   */
  async delete(projectDir: string, dataset: ProjectDatasetRef): Promise<boolean> {
    const dir = datasetDirOf(projectDir, dataset);
    if (this.importing(dir)) throw new StudioError({ code: 'invalid-request', message: 'An import is writing this dataset: cancel it before deleting the dataset.' });
    if (!(await hasDataset(dir))) return false;
    await forgetCatalog(dir);
    const doomed = `${dir}.deleting-${process.pid}-${Date.now()}`;
    await rename(dir, doomed);
    await rm(doomed, { recursive: true, force: true });
    return true;
  }
}

/** Files left out per skip code, from the whole list (the one sent is cut to MAX_REPORTED_SKIPS rows). */
export function countByCode(skipped: readonly { code: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of skipped) counts[s.code] = (counts[s.code] ?? 0) + 1;
  return counts;
}
