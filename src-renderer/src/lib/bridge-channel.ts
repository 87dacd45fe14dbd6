/** Electron: the preload's contextBridge object is the whole transport. */
import type { StudioBridge } from '../env';
import type { RawChannel } from './channel';

export function createBridgeChannel(bridge: StudioBridge): RawChannel {
  return {
    request: (channel, input) => bridge.request(channel, input),
    onEvent: (listener) => bridge.onEvent(listener),
    // IPC to our own main process cannot drop; if main dies the window goes with it.
    onConnection(listener) {
      listener({ kind: 'open' });
      return () => {};
    },
  };
}
