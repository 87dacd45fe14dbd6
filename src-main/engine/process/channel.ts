/**
 * The engine's end of its IPC link: Electron's utilityProcess gives `process.parentPort`,
 * child_process.fork gives `process.send`. The engine code does not care which.
 */
export interface ParentChannel {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
}

interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function connectToParent(): ParentChannel {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) {
    return {
      post: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  if (process.send) {
    return {
      post: (message) => void process.send!(message),
      onMessage: (listener) => void process.on('message', listener),
    };
  }
  throw new Error('The engine process was started without an IPC channel to its host.');
}
