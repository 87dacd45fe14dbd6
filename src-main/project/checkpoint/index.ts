export type { ArrayDtype, CheckpointInfo, CheckpointState, LoadedCheckpoint, NamedArray, SkippedCheckpoint } from './types';
export { CheckpointStore, checkpointFileName, BEST_POINTER, CHECKPOINT_EXTENSION, type CheckpointStoreOptions, type LoadLatestOptions } from './store';
export { CheckpointFormatError, FORMAT_VERSION } from './format';
