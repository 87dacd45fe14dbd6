/** Which files of a chosen folder the import preview shows. */
import { PREVIEW_SAMPLES_MAX } from '../../../../src-main/api/dataset';
import { planUpload, type UploadFile } from '../../lib/upload';

/** The first files the browser types as images, in path order (any sendable files when none is). */
export function previewSamples(files: readonly UploadFile[]): UploadFile[] {
  const sendable = planUpload(files).send;
  const images = sendable.filter((f) => f.file.type.startsWith('image/'));
  return (images.length ? images : sendable)
    .slice()
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .slice(0, PREVIEW_SAMPLES_MAX);
}
