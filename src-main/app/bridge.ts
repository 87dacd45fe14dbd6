/**
 * What the preload exposes to the sandboxed renderer as `window.studioBridge`: three functions, no
 * Node or Electron objects, no ipcRenderer. Built from Electron's objects passed in (preload.ts), so
 * the surface is unit-tested. Imports nothing: the preload is bundled standalone.
 */
import type { IpcRendererEvent } from 'electron';

// The same names as api/contract's `wire` (a test checks): a sandboxed preload cannot import app
// modules at run time, and the build keeps it standalone.
export const bridgeChannels = { request: 'studio:request', event: 'studio:event', registerDrop: 'studio:register-drop' } as const;

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
}

export interface StudioBridge {
  request(channel: string, input: unknown): Promise<unknown>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
  /**
   * A folder (or loose files) dropped on the window: the paths stay between preload and main; the
   * renderer gets a one-time token to pass to dataset.import.
   */
  registerDrop(files: File[]): Promise<unknown>;
}

export function studioBridge(ipc: IpcRendererLike, pathForFile: (file: File) => string): StudioBridge {
  return {
    request: (channel, input) => ipc.invoke(bridgeChannels.request, channel, input),
    onEvent: (listener) => {
      const handler = (_e: IpcRendererEvent, ...args: unknown[]) => listener(args[0] as string, args[1]);
      ipc.on(bridgeChannels.event, handler);
      return () => void ipc.removeListener(bridgeChannels.event, handler);
    },
    registerDrop: (files) => ipc.invoke(bridgeChannels.registerDrop, files.map(pathForFile)),
  };
}
