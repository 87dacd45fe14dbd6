/** The dataset module's public surface for the engine service and the CLI. */
export { ImportOptionsSchema, parseImportOptions, type ImportOptions, type ImportOptionsInput } from './options';
export { importDataset, type ImportControl } from './import';
export { openDataset, type DatasetReader, type DatasetBatch, type BatchOptions } from './shards';
export { exportStyleGan, folderSink, styleGanImageName, type ArchiveSink, type StyleGanExportResult, type ExportControl } from './stylegan-zip';
export { readManifest, type Manifest, type FileRow } from './manifest';
export { DatasetError, type DatasetErrorCode, type ImportProgress, type ImportReport, type ImportPhase, type SkipCode, type SkippedFile, type ClassCount } from './types';
export type { DecodePoolOptions } from './pool';
export { zipSink } from './zip-sink';
