import { viewNames, type ViewName } from '../../../src-main/api/contract';

/** The contract owns the names because main's native menu sends them in 'ui.navigate'. */
export type ViewId = ViewName;

// A Record, so a view added to the contract cannot be forgotten here.
const details: Record<ViewId, { label: string; hint: string }> = {
  dataset: { label: 'Data', hint: 'Datasets and previews' },
  'model-design': { label: 'Model', hint: 'Architecture and samples from an untrained generator' },
  training: { label: 'Train', hint: 'Live training charts and coach' },
  explore: { label: 'Explore', hint: 'Latent space explorer' },
  export: { label: 'Gallery', hint: 'Export grids, animations and models' },
  evaluation: { label: 'Evaluate', hint: 'FID, KID, IS, precision and recall' },
  learn: { label: 'Learn', hint: 'The course’s 2-D GAN playground' },
};

/** Sidebar order, which also defines Ctrl/Cmd+1…7. */
export const views = viewNames.map((id) => ({ id, ...details[id] }));

/** Apple keyboards put app shortcuts on ⌘; everyone else expects Ctrl. */
export const isMac = /Mac|iPhone|iPad/.test(navigator.userAgent);
export const modKeyLabel = isMac ? '⌘' : 'Ctrl+';
