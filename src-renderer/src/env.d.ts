/// <reference types="vite/client" />
/// <reference types="svelte" />
import type { Reply } from '../../src-main/api/rpc';

/**
 * What Electron's preload exposes through contextBridge. Deliberately channel-agnostic: main
 * validates every request against the contract, so the preload stays a dumb pipe and never has to
 * change when a channel is added.
 */
export interface StudioBridge {
  request(channel: string, input: unknown): Promise<Reply<unknown>>;
  /** Every contract event main forwards ('engine.status', 'ui.navigate', …). */
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
  /**
   * A folder dropped on the window: the preload passes its path to main, which answers with a
   * one-time token for `dataset.import` ({ source: { kind: 'dropped', token } }). The path itself
   * never reaches the renderer.
   */
  registerDrop(files: File[]): Promise<Reply<string>>;
}

declare global {
  interface Window {
    /** Present only inside the Electron shell; web mode talks over a WebSocket instead. */
    studioBridge?: StudioBridge;
  }
}
