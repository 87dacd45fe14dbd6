/**
 * Electron transport for StudioApi: one invoke channel for requests, one send channel for events.
 * Only the app's own top frame may call in; the payload itself is validated by StudioService.
 * Electron's objects come in as parameters (index.ts passes ipcMain), so this logic is unit-tested.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { wire } from '../api/contract';
import { toErrorShape, type Reply } from '../api/rpc';
import type { StudioService } from '../services/studio-service';

/** The part of Electron's ipcMain this uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}
/** The part of a BrowserWindow events go to. */
export interface EventTarget {
  isDestroyed(): boolean;
  webContents: { send(channel: string, ...args: unknown[]): void };
}
type Service = Pick<StudioService, 'handle' | 'onEvent'> & { importSources: Pick<StudioService['importSources'], 'registerDropped'> };

const forbidden: Reply<never> = { ok: false, error: { code: 'forbidden', message: 'Requests are only accepted from the GAN Studio window.' } };

/** A request may come only from the top frame of a page the app serves (never an iframe or another origin). */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, isTrustedUrl: (url: string) => boolean): boolean {
  const frame = event.senderFrame;
  return !!frame && frame.parent === null && isTrustedUrl(frame.url);
}

export function registerIpc(ipc: IpcMainLike, service: Service, isTrustedUrl: (url: string) => boolean, windows: () => EventTarget[]): () => void {
  ipc.handle(wire.request, async (event, channel, input): Promise<Reply<unknown>> => {
    if (!isTrustedSender(event, isTrustedUrl)) return forbidden;
    return service.handle(channel, input);
  });
  ipc.handle(wire.registerDrop, async (event, paths): Promise<Reply<string>> => {
    if (!isTrustedSender(event, isTrustedUrl)) return forbidden;
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
    ipc.removeHandler(wire.request);
    ipc.removeHandler(wire.registerDrop);
    unsubscribe();
  };
}
