/** `gan-studio import`: a folder of images into a project's dataset, with the app's importer. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { importOptionsSchema } from '../api/dataset';
import { DatasetError, importDataset } from '../engine/dataset';
import { datasetNamed, newDatasetRef } from '../engine/dataset/project-dataset';
import { folderDatasetName } from '../shared/dataset-name';
import { datasetDirOf } from '../project/layout';
import { openProject } from '../services/projects';
import { holdProjectLock } from '../project/lock';
import { defaultProjectDir } from '../services/workspace';
import { ProgressLine } from './progress';
import { flagNumber, invalidOptions, optionalFlagNumber, parseFlags } from './flags';
import { importUsage } from './usage';

export async function importFolder(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags({
    args,
    allowPositionals: true,
    options: {
      project: { type: 'string' },
      dataset: { type: 'string' },
      size: { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      fit: { type: 'string' },
      channels: { type: 'string' },
      background: { type: 'string' },
      'no-labels': { type: 'boolean' },
      report: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(importUsage);
  const source = positionals[0];
  if (!source) throw new Error(`Which folder?\n\n${importUsage}`);
  if (values.channels !== undefined && values.channels !== '1' && values.channels !== '3') throw new Error(`--channels is 1 (grey) or 3 (RGB), not "${values.channels}"`);
  const size = optionalFlagNumber(values.size);
  const parsed = importOptionsSchema.safeParse({
    ...(size !== undefined ? { width: size, height: size } : {}),
    ...(values.width !== undefined ? { width: flagNumber(values.width) } : {}),
    ...(values.height !== undefined ? { height: flagNumber(values.height) } : {}),
    ...(values.fit ? { fit: values.fit } : {}),
    ...(values.channels !== undefined ? { channels: flagNumber(values.channels) } : {}),
    ...(values.background ? { background: values.background } : {}),
    labelsFromFolders: !values['no-labels'],
  });
  if (!parsed.success) {
    throw invalidOptions(parsed.error, { width: size !== undefined ? '--size' : '--width', height: size !== undefined ? '--size' : '--height', fit: '--fit', channels: '--channels', background: '--background' });
  }
  // The folder first: a mistyped path must not leave a new, empty project behind.
  const sourceInfo = await stat(resolve(source)).catch(() => null);
  if (!sourceInfo?.isDirectory()) throw new Error(`${resolve(source)} ${sourceInfo ? 'is a file, not a folder' : 'does not exist'}: give the folder of images to import.`);

  await holdProjectLock(resolve(values.project ?? defaultProjectDir()), 'import', { create: true });
  const project = await openProject(resolve(values.project ?? defaultProjectDir()), { create: true });
  let progress: ProgressLine | null = null;
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  // Into the dataset of that name (a re-import updates it), else a new one.
  const name = values.dataset?.trim() || folderDatasetName(resolve(source));
  const dataset = (await datasetNamed(project.dir, name)) ?? (await newDatasetRef(project.dir, name));
  try {
    const report = await importDataset(resolve(source), datasetDirOf(project.dir, dataset), parsed.data, {
      signal: abort.signal,
      name,
      onProgress: (p) => {
        if (p.phase !== 'decode' || p.total === 0) return;
        progress ??= new ProgressLine(p.total);
        progress.update(p.done, `${p.imagesPerSecond.toFixed(0)} img/s`);
      },
    });
    (progress as ProgressLine | null)?.finish('');
    const across = report.skipped.filter((s) => s.code === 'cross-class-duplicate').length;
    const duplicates = `${report.duplicates} ${report.duplicates === 1 ? 'duplicate' : 'duplicates'}${across ? `, ${across} of them in another class than the copy kept` : ''}`;
    const classes = report.classes.length ? ` in ${report.classes.length} classes (${report.classes.map((c) => `${c.name} ${c.count}`).join(', ')})` : '';
    process.stderr.write(
      `Imported ${report.imported} images${classes} into dataset “${name}” (--data ${dataset} for train) of ${project.dir} in ${(report.elapsedMs / 1000).toFixed(1)} s; ` +
        `${report.skipped.length} skipped (${duplicates}), ${report.reused} reused from the last import.\n`,
    );
    if (values.report) for (const s of report.skipped) process.stdout.write(`${s.path}\t${s.code}\t${s.reason}\n`);
    else if (report.skipped.length) process.stderr.write('Run with --report to list the skipped files and why.\n');
  } catch (err) {
    if (err instanceof DatasetError) throw new Error(err.userMessage);
    throw err;
  }
}
