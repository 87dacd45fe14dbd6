/**
 * Electron transport for StudioApi: one invoke channel for requests, one send channel for events.
 * Only the app's own top frame may call in; the payload itself is validated by StudioService.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { wire } from '../api/contract';
import { stat } from 'node:fs/promises';
import type { Reply } from '../api/rpc';
import type { StudioService } from '../services/studio-service';

export function registerIpc(service: StudioService, isTrustedUrl: (url: string) => boolean, windows: () => BrowserWindow[]): () => void {
  ipcMain.handle(wire.request, async (event: IpcMainInvokeEvent, channel: unknown, input: unknown): Promise<Reply<unknown>> => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isTrustedUrl(frame.url)) {
      return { ok: false, error: { code: 'forbidden', message: 'Requests are only accepted from the GAN Studio window.' } };
    }
    return service.handle(channel, input);
  });
  ipcMain.handle(wire.registerDrop, async (event: IpcMainInvokeEvent, path: unknown): Promise<Reply<string>> => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isTrustedUrl(frame.url)) {
      return { ok: false, error: { code: 'forbidden', message: 'Requests are only accepted from the GAN Studio window.' } };
    }
    const isFolder = typeof path === 'string' && path.length > 0 && (await stat(path).then((s) => s.isDirectory(), () => false));
    if (!isFolder) return { ok: false, error: { code: 'invalid-request', message: 'Drop a folder of images (not single files or links).' } };
    return { ok: true, value: service.importSources.registerDrop(path) };
  });
  const unsubscribe = service.onEvent((name, payload) => {
    for (const win of windows()) if (!win.isDestroyed()) win.webContents.send(wire.event, name, payload);
  });
  return () => {
    ipcMain.removeHandler(wire.request);
    ipcMain.removeHandler(wire.registerDrop);
    unsubscribe();
  };
}
