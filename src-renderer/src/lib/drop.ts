/**
 * What the user dropped on the window. A DataTransfer is only readable during its drop event, so
 * `readDrop` copies what matters synchronously; walking folders happens afterwards.
 */
import type { SkippedFile } from './import-report';
import type { UploadFile } from './upload';

export interface DroppedItem {
  /** The File the browser gives for the item; for a folder, the desktop preload turns it into a path. */
  file: File | null;
  /** null where the browser has no entry API for the item. */
  entry: FileSystemEntry | null;
}

/** True while a drag carries files from outside the page (not text or an image dragged within it). */
export function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

export function readDrop(transfer: DataTransfer): DroppedItem[] {
  const items: DroppedItem[] = [];
  for (const item of Array.from(transfer.items)) {
    if (item.kind !== 'file') continue;
    items.push({ file: item.getAsFile(), entry: item.webkitGetAsEntry() });
  }
  // Browsers without `items` still list the files.
  if (!items.length) for (const file of Array.from(transfer.files)) items.push({ file, entry: null });
  return items;
}

export const isFolder = (item: DroppedItem) => item.entry?.isDirectory === true;

/** The folder name to show for a drop: the folder's own name, or null for loose files. */
export function dropName(items: readonly DroppedItem[]): string | null {
  return items.length === 1 && isFolder(items[0]!) ? items[0]!.entry!.name : null;
}

/**
 * Every file of the drop with its path relative to the import root. One folder: its contents, so
 * its subfolders become class labels. Several items: each keeps its name, so loose files form a
 * flat folder and dropped folders become classes. What cannot be read is listed, not fatal.
 */
export async function collectDropped(items: readonly DroppedItem[]): Promise<{ files: UploadFile[]; skipped: SkippedFile[] }> {
  const single = dropName(items) !== null;
  const found: Found = { files: [], skipped: [] };
  for (const item of items) {
    if (item.entry?.isDirectory) await walk(item.entry as FileSystemDirectoryEntry, single ? '' : `${item.entry.name}/`, found);
    else if (item.entry?.isFile) await addFile(item.entry as FileSystemFileEntry, item.entry.name, found);
    else if (item.file) found.files.push({ file: item.file, path: item.file.name });
  }
  return found;
}

type Found = { files: UploadFile[]; skipped: SkippedFile[] };

async function walk(dir: FileSystemDirectoryEntry, prefix: string, found: Found): Promise<void> {
  const reader = dir.createReader();
  // readEntries hands out at most ~100 entries per call; an empty batch means the end.
  for (;;) {
    let batch: FileSystemEntry[];
    try {
      batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    } catch (err) {
      found.skipped.push({ path: prefix || dir.name, code: 'unreadable', reason: `The browser could not list this folder: ${reason(err)}` });
      return;
    }
    if (!batch.length) return;
    for (const entry of batch) {
      if (entry.isDirectory) await walk(entry as FileSystemDirectoryEntry, `${prefix}${entry.name}/`, found);
      else if (entry.isFile) await addFile(entry as FileSystemFileEntry, `${prefix}${entry.name}`, found);
    }
  }
}

async function addFile(entry: FileSystemFileEntry, path: string, found: Found): Promise<void> {
  try {
    found.files.push({ file: await new Promise<File>((resolve, reject) => entry.file(resolve, reject)), path });
  } catch (err) {
    found.skipped.push({ path, code: 'unreadable', reason: `The browser could not read this file: ${reason(err)}` });
  }
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));
