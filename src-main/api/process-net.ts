/**
 * The last line of defence of a long-lived process (web server, Electron main, engine): an error
 * no handler caught is logged with its stack and the process keeps serving, instead of exiting and
 * taking every client, and a training run's unsaved steps, with it. No Node imports: the process
 * is passed in, so a test can hand it its own emitter and the module stays loadable anywhere.
 */
export interface ProcessLike {
  on(event: 'uncaughtException', listener: (err: unknown) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export interface SafetyNetOptions {
  /** Which process this is, for the log line ("web server", "engine"…). */
  name: string;
  log?: (message: string) => void;
  /**
   * Some failures leave the process unusable (a WebAssembly runtime that aborted): return true
   * for them and `onFatal` runs instead of carrying on.
   */
  isFatal?: (err: unknown) => boolean;
  onFatal?: (err: unknown) => void;
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  try {
    return String(err);
  } catch {
    return typeof err;
  }
}

export function installSafetyNet(proc: ProcessLike, options: SafetyNetOptions): void {
  const log = options.log ?? ((message: string) => console.error(message));
  const caught = (kind: string) => (err: unknown) => {
    if (options.isFatal?.(err)) {
      log(`${options.name}: fatal ${kind}, restarting: ${describeError(err)}`);
      options.onFatal?.(err);
      return;
    }
    log(`${options.name}: ${kind} (logged, still serving): ${describeError(err)}`);
  };
  proc.on('uncaughtException', caught('uncaught exception'));
  proc.on('unhandledRejection', caught('unhandled rejection'));
}

/** The wasm backend's runtime aborted: its memory is unusable until the process restarts. */
export function isWasmAbort(err: unknown): boolean {
  const wasm = (globalThis as { WebAssembly?: { RuntimeError: new () => Error } }).WebAssembly;
  if (wasm && err instanceof wasm.RuntimeError) return true;
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  return /^Aborted\(|memory access out of bounds/.test(message);
}
