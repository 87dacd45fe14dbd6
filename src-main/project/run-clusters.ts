/**
 * runs/<id>/clusters.json: the k-means centres and cluster sizes a self-conditioned run (model.labels
 * 'clusters') was started with. Resuming assigns the images to these centres, and evaluation draws
 * samples in these sizes, so cluster 3 stays the same group of images for the run's whole life,
 * whatever happens to the dataset or the clustering code afterwards.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from './atomic';
import { CLUSTERS_FILE, runFiles } from './layout';
import { MAX_CLUSTERS } from '../api/train-config';

export const savedClustersSchema = z
  .object({
    version: z.literal(1),
    /** Images per cluster when the run started (2…100 clusters, as the config allows). */
    sizes: z.array(z.number().int().min(0)).min(2).max(MAX_CLUSTERS),
    /** Each cluster's centre in the coarse image space k-means works in (at most 14×14 grey or 12×12 colour values). */
    centres: z.array(z.array(z.number()).max(1024)).min(2).max(MAX_CLUSTERS),
  })
  .strict()
  .refine((c) => c.sizes.length === c.centres.length && c.centres.every((row) => row.length === c.centres[0]!.length), 'sizes and centres disagree')
  .refine((c) => c.sizes.some((size) => size > 0), 'every cluster is empty');
export type SavedClusters = z.infer<typeof savedClustersSchema>;

/** Saves a run's clusters (this file's format and version are written here only). */
export async function writeRunClusters(runDir: string, clusters: Pick<SavedClusters, 'sizes' | 'centres'>): Promise<void> {
  const saved: SavedClusters = { version: 1, sizes: clusters.sizes, centres: clusters.centres };
  await writeFileAtomic(runDir, CLUSTERS_FILE, [Buffer.from(JSON.stringify(saved))]);
}

/** The run's clusters, or null when it has none saved (a run of another kind). */
export async function readRunClusters(runDir: string): Promise<SavedClusters | null> {
  const file = runFiles(runDir).clusters;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`Cannot read ${file} (${(err as Error).message}): check the folder's permissions.`);
  }
  let parsed;
  try {
    parsed = savedClustersSchema.safeParse(JSON.parse(text));
  } catch (err) {
    throw new Error(`${file} is damaged (${(err as Error).message}): delete it to find the clusters again from the dataset (their numbering may change).`);
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new Error(`${file} is not a valid clusters file (${issue.message}${where}): delete it to find the clusters again from the dataset (their numbering may change).`);
  }
  return parsed.data;
}

/**
 * The clusters a run on k clusters saved, checked against k; a missing file is an error that says
 * what to do (evaluation and the memorisation check draw the clusters in the saved sizes, and
 * finding them again here could number them differently from the run).
 */
export async function requireRunClusters(runDir: string, k: number): Promise<SavedClusters> {
  const file = runFiles(runDir).clusters;
  const saved = await readRunClusters(runDir);
  if (!saved) {
    throw new Error(`${file} is missing: this run trains on clusters and its clusters are not saved. Open the run once (from the Train view's runs list, or \`gan-studio train --resume <run dir>\` and Ctrl+C): it finds the clusters again and saves them. Then try again.`);
  }
  if (saved.sizes.length !== k) {
    throw new Error(`${file} holds ${saved.sizes.length} clusters and the run's model has ${k}: delete the file and open the run once (the Train view's runs list, or \`gan-studio train --resume <run dir>\`) to find its ${k} clusters again (their numbering may change).`);
  }
  return saved;
}
