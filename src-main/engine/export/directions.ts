/**
 * The run's saved latent directions, as the explorer keeps them (<project>/explore/<runId>.json,
 * read through its store), for specs that move along them and for model exports that ship them.
 */
import type { SampleSpec } from '../../api/sampling';
import { ExploreStore } from '../../project/explore-store';
import { projectOfRun } from '../../project/layout';
import { type DirectionVectors } from '../sampling';
import { directionIdsOf } from '../../api/sampling';
import { ExportError } from './folder';

export interface DirectionRecord {
  id: string;
  name: string;
  method: string;
  /** Checkpoint step it was found on. */
  step: number;
  detail: string;
  vector: number[];
}


export async function savedDirections(runDir: string, runId: string): Promise<DirectionRecord[]> {
  const { data } = await new ExploreStore(projectOfRun(runDir), runId).read();
  return data.directions.map((d) => ({ id: d.id, name: d.name, method: d.method, step: d.checkpoint.step, detail: d.detail, vector: d.vector }));
}

/** Vectors for the directions a spec moves along (amount ≠ 0); a missing one is a clear error. */
export async function directionVectors(runDir: string, spec: SampleSpec): Promise<DirectionVectors> {
  const wanted = directionIdsOf(spec);
  if (!wanted.length) return new Map();
  const saved = new Map((await savedDirections(runDir, spec.checkpoint.runId)).map((d) => [d.id, d]));
  const vectors = new Map<string, Float32Array>();
  for (const id of wanted) {
    const direction = saved.get(id);
    if (!direction) throw new ExportError(`Direction "${id}" is not saved for run ${spec.checkpoint.runId} (it may have been deleted in the explorer).`);
    vectors.set(id, Float32Array.from(direction.vector));
  }
  return vectors;
}
