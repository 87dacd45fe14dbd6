/** `gan-studio export-dataset stylegan`: the project dataset as a StyleGAN2-ADA dataset zip. */
import { parseFlags } from './flags';
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DatasetError, exportStyleGan, openDataset, zipSink } from '../engine/dataset';
import { styleGanWarnings } from '../engine/dataset/stylegan-zip';
import { datasetDirOf, exportsDirOf } from '../project/layout';
import { formatBytes } from '../shared/bytes';
import { holdProjectLock } from '../project/lock';
import { styleGanZipName } from '../shared/stylegan-name';
import { defaultProjectDir } from '../services/workspace';
import { ProgressLine } from './progress';
import { exportDatasetUsage } from './usage';

export async function exportDataset(args: string[]): Promise<void> {
  const { values, positionals } = parseFlags({
    args,
    allowPositionals: true,
    options: { project: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return void process.stdout.write(exportDatasetUsage);
  if (positionals[0] !== 'stylegan') throw new Error(`Which format? (stylegan is the one there is)\n\n${exportDatasetUsage}`);
  const projectDir = resolve(values.project ?? defaultProjectDir());
  const datasetDir = datasetDirOf(projectDir);
  const out = values.out ? resolve(values.out) : join(exportsDirOf(projectDir), styleGanZipName(basename(projectDir), new Date()));
  if (await stat(out).then(() => true, () => false)) throw new Error(`${out} already exists: choose another --out or remove it.`);
  await holdProjectLock(projectDir, 'export');

  let reader;
  try {
    reader = await openDataset(datasetDir);
  } catch (err) {
    throw new Error(`${projectDir} has no readable dataset (${err instanceof DatasetError ? err.userMessage : (err as Error).message}): import images first with \`gan-studio import\`.`);
  }
  const { width, height } = reader;
  await reader.close();
  // Said before writing: the export is still made (other tools read the layout), but StyleGAN2-ADA will object.
  for (const warning of styleGanWarnings(width, height, false)) process.stderr.write(`Note: ${warning} Its dataset_tool.py refuses such images unless resized (--resolution).\n`);

  await mkdir(dirname(out), { recursive: true });
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  let progress: ProgressLine | null = null;
  try {
    const result = await exportStyleGan(datasetDir, zipSink(out), {
      signal: abort.signal,
      onProgress: (done, total) => {
        progress ??= new ProgressLine(total);
        progress.update(done, 'images');
      },
    });
    (progress as ProgressLine | null)?.finish('');
    const labels = result.labelled ? 'with class labels' : 'without labels';
    process.stderr.write(`Wrote ${result.images} images ${labels} to ${out} (${formatBytes((await stat(out)).size)}).\n`);
    for (const warning of result.warnings) if (!styleGanWarnings(width, height, false).includes(warning)) process.stderr.write(`Note: ${warning}\n`);
  } catch (err) {
    if (abort.signal.aborted) throw new Error('Cancelled: nothing was written.');
    if (err instanceof DatasetError) throw new Error(err.userMessage);
    throw err;
  }
}
