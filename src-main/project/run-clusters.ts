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

export const savedClustersSchema = z
  .object({
    version: z.literal(1),
    /** Images per cluster when the run started. */
    sizes: z.array(z.number().int().min(0)).min(2),
    /** Each cluster's centre in the coarse image space k-means works in. */
    centres: z.array(z.array(z.number())).min(2),
  })
  .strict()
  .refine((c) => c.sizes.length === c.centres.length && c.centres.every((row) => row.length === c.centres[0]!.length), 'sizes and centres disagree');
export type SavedClusters = z.infer<typeof savedClustersSchema>;

export async function writeRunClusters(runDir: string, clusters: SavedClusters): Promise<void> {
  await writeFileAtomic(runDir, CLUSTERS_FILE, [Buffer.from(JSON.stringify(clusters))]);
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
  if (!parsed.success) throw new Error(`${file} is not a valid clusters file: delete it to find the clusters again from the dataset (their numbering may change).`);
  return parsed.data;
}
