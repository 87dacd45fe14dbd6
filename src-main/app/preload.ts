/**
 * The only bridge between the sandboxed renderer and main (bridge.ts says what it exposes). Main
 * validates every message it receives from here.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { studioBridge } from './bridge';

contextBridge.exposeInMainWorld('studioBridge', studioBridge(ipcRenderer, (file) => webUtils.getPathForFile(file)));
