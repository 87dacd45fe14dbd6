/**
 * Electron transport for StudioApi: one invoke channel for requests, one send channel for events.
 * Only the app's own top frame may call in; the payload itself is validated by StudioService.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { wire } from '../api/contract';
import { toErrorShape, type Reply } from '../api/rpc';
import type { StudioService } from '../services/studio-service';

export function registerIpc(service: StudioService, isTrustedUrl: (url: string) => boolean, windows: () => BrowserWindow[]): () => void {
  ipcMain.handle(wire.request, async (event: IpcMainInvokeEvent, channel: unknown, input: unknown): Promise<Reply<unknown>> => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isTrustedUrl(frame.url)) {
      return { ok: false, error: { code: 'forbidden', message: 'Requests are only accepted from the GAN Studio window.' } };
    }
    return service.handle(channel, input);
  });
  ipcMain.handle(wire.registerDrop, async (event: IpcMainInvokeEvent, paths: unknown): Promise<Reply<string>> => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isTrustedUrl(frame.url)) {
      return { ok: false, error: { code: 'forbidden', message: 'Requests are only accepted from the GAN Studio window.' } };
    }
    try {
      return { ok: true, value: await service.importSources.registerDropped(paths) };
    } catch (err) {
      return { ok: false, error: toErrorShape(err) };
    }
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
