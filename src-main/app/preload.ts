/**
 * The only bridge between the sandboxed renderer and main: two functions, no Node objects, no
 * ipcRenderer handed out. Main validates every message it receives from here.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';

// Duplicated from api/contract's `wire` on purpose: a sandboxed preload cannot import app modules
// at run time, and the build keeps this file standalone.
const REQUEST = 'studio:request';
const EVENT = 'studio:event';
const REGISTER_DROP = 'studio:register-drop';

contextBridge.exposeInMainWorld('studioBridge', {
  request: (channel: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(REQUEST, channel, input),
  onEvent: (listener: (event: string, payload: unknown) => void): (() => void) => {
    const handler = (_e: IpcRendererEvent, event: string, payload: unknown) => listener(event, payload);
    ipcRenderer.on(EVENT, handler);
    return () => ipcRenderer.removeListener(EVENT, handler);
  },
  /**
   * A folder (or loose files) dropped on the window: the paths stay between preload and main; the
   * renderer gets a one-time token to pass to dataset.import.
   */
  registerDrop: (files: File[]): Promise<unknown> => ipcRenderer.invoke(REGISTER_DROP, files.map((file) => webUtils.getPathForFile(file))),
});
