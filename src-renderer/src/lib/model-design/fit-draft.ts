/** Fitting a design to a dataset: what the Model view does when the data it is designed for changes. */
import type { DatasetListItem } from '../../../../src-main/api/dataset';
import { nearestResolution } from '../../../../src-main/api/schemas';
import { IMAGES_PER_CLUSTER, type DatasetShape } from '../../../../src-main/shared/model-design/review';
import type { ConfigDraft } from '../train-validation';
import { DEFAULT_CLUSTERS } from './options';

/** Channels, nearest resolution and class count from the dataset's shape; null (the demo digits) is the presets' own shape. */
export function fitDraft(draft: ConfigDraft, shape: DatasetShape | null): ConfigDraft {
  const conditional = draft.model.architecture === 'cdcgan';
  // Clusters are found in whatever images there are: their count is the user's, not the dataset's.
  // A small dataset gets fewer clusters: each wants at least IMAGES_PER_CLUSTER images (the review's rule).
  const clusterCount = (count: number) => Math.max(2, Math.min(draft.model.numClasses ?? DEFAULT_CLUSTERS, Math.floor(count / IMAGES_PER_CLUSTER)));
  const classes = (datasetClasses: number, count: number) => (!conditional ? 0 : draft.model.labels === 'clusters' ? clusterCount(count) : datasetClasses);
  const model = shape
    ? { ...draft.model, channels: shape.channels, resolution: nearestResolution(Math.max(shape.width, shape.height)), numClasses: classes(shape.classes, shape.count) }
    : { ...draft.model, channels: 1 as const, resolution: 28 as const, numClasses: classes(10, 10_000) };
  return { ...draft, model };
}

/** The project's most recently imported dataset, or null when it has none. */
export function newestDataset(list: readonly DatasetListItem[]): DatasetListItem['id'] | null {
  return [...list].sort((x, y) => y.createdAt.localeCompare(x.createdAt))[0]?.id ?? null;
}
