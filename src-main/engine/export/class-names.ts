/**
 * What a conditional run's classes are called in its exports, as the explorer and the Gallery name
 * them: the folder names of its dataset, the digits 0–9, or Cluster 1…k for a model on clusters.
 */
import { clusterNames, type ModelConfig } from '../../api/train-config';
import { datasetDirOf, projectOfRun } from '../../project/layout';
import { runDataset } from '../../project/run-file';
import { datasetCatalog } from '../dataset/catalog';
import { hasDataset } from '../dataset/project-dataset';

/** [] for an unconditional model, or when the run's dataset is gone (exports then say "class k"). */
export async function runClassNames(runDir: string, model: ModelConfig): Promise<string[]> {
  if (model.architecture !== 'cdcgan' || model.numClasses === 0) return [];
  if (model.labels === 'clusters') return clusterNames(model.numClasses);
  const dataset = await runDataset(runDir).catch(() => null);
  if (dataset === null) return [];
  if (dataset === 'demo:mnist') return Array.from({ length: 10 }, (_, k) => String(k));
  try {
    const dir = datasetDirOf(projectOfRun(runDir), dataset);
    if (!(await hasDataset(dir))) return [];
    // Folder names may hold control characters (a newline): not in captions, READMEs or CSV cells.
    const names = (await datasetCatalog(dir)).reader.manifest.classNames.map(printable);
    return names.length === model.numClasses ? names : [];
  } catch {
    // A damaged dataset, or one being re-imported: the export goes on, by class number.
    return [];
  }
}

/** Longest class name a caption shows: beyond it, the tile's caption row would overflow. */
const MAX_CAPTION_NAME = 24;

/**
 * "class 3" for a number-named class (the digits, folders 0…9), the folder's own name otherwise,
 * without control characters (the SVG captions are drawn from would be invalid) and cut to fit.
 */
export function classCaption(names: readonly string[], k: number): string {
  const raw = names[k];
  const name = raw === undefined ? undefined : printable(raw).trim();
  if (!name || /^\d+$/.test(name)) return `class ${name || k}`;
  return name.length > MAX_CAPTION_NAME ? `${name.slice(0, MAX_CAPTION_NAME - 1)}…` : name;
}

/** A name without control characters (the SVG captions are drawn from rejects them; a newline breaks a README line). */
function printable(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}
