/**
 * EngineHost: starts the engine process, forwards requests to it, validates what comes back,
 * notices when it dies and restarts it when asked. Main keeps only this orchestration; all tensor
 * work happens in the engine process so neither the UI nor Electron's main thread ever blocks on it.
 */
import { StudioError, formatIssues } from '../api/rpc';
import type { BackendReport, EngineStatus } from '../api/schemas';
import { engineEvents, engineExitCodes, engineRequests, engineToHostSchema, type EngineEventName, type EngineEvents, type EngineRequests } from '../engine/protocol';
import type { EngineLauncher, EngineProcess, ExitInfo } from './engine-process';
import type { z } from 'zod';

type Method = keyof EngineRequests & string;
export type EngineEventListener = <E extends EngineEventName>(event: E, payload: z.output<EngineEvents[E]>) => void;
type Pending = { method: Method; resolve: (value: unknown) => void; reject: (err: StudioError) => void };

export interface EngineHostOptions {
  launcher: EngineLauncher;
  /** How long the engine may take to pick and initialise a backend. */
  startupTimeoutMs?: number;
  shutdownTimeoutMs?: number;
}

export class EngineHost {
  private child: EngineProcess | null = null;
  private state: EngineStatus['state'] = 'stopped';
  private backend: BackendReport | null = null;
  private lastError: string | null = null;
  private restarts = 0;
  private lastRestart: EngineStatus['lastRestart'] = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(status: EngineStatus) => void>();
  private readonly eventListeners = new Set<EngineEventListener>();
  private ready: Promise<void> | null = null;

  constructor(private readonly options: EngineHostOptions) {}

  status(): EngineStatus {
    return {
      state: this.state,
      backend: this.backend,
      lastError: this.lastError,
      restarts: this.restarts,
      lastRestart: this.lastRestart,
      pid: this.state === 'ready' || this.state === 'starting' ? (this.child?.pid ?? null) : null,
    };
  }

  onStatus(listener: (status: EngineStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onEvent(listener: EngineEventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Starts the engine if it is not running; resolves when it has chosen a backend. */
  start(): Promise<void> {
    if (this.ready && (this.state === 'starting' || this.state === 'ready')) return this.ready;
    this.ready = this.spawn();
    // Callers that only fire-and-forget start() must not see an unhandled rejection; the failure
    // is visible in status() and to anyone awaiting.
    this.ready.catch(() => undefined);
    return this.ready;
  }

  async restart(): Promise<void> {
    await this.stop();
    this.restarts++;
    return this.start();
  }

  async request<M extends Method>(
    method: M,
    input: z.input<EngineRequests[M]['input']>,
  ): Promise<z.output<EngineRequests[M]['output']>> {
    if (this.state === 'starting' && this.ready) await this.ready.catch(() => undefined);
    const child = this.child;
    if (this.state !== 'ready' || !child) {
      throw new StudioError({
        code: 'engine-unavailable',
        message: `The training engine is not running${this.lastError ? ` (${this.lastError})` : ''}. Restart it to continue.`,
      });
    }
    const id = this.nextId++;
    const value = await new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      child.send({ kind: 'request', id, method, input });
    });
    return value as z.output<EngineRequests[M]['output']>;
  }

  /** Asks the engine to exit, and kills it if it does not within the timeout. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
    child.send({ kind: 'shutdown' });
    const timeout = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), this.options.shutdownTimeoutMs ?? 15_000).unref(),
    );
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      child.kill();
      await exited;
    }
    this.failPending('The engine was stopped.');
    this.setState('stopped');
  }

  private spawn(): Promise<void> {
    this.backend = null;
    this.setState('starting');
    const child = this.options.launcher();
    this.child = child;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.child !== child || this.state !== 'starting') return;
        this.lastError = `the engine did not start within ${(this.options.startupTimeoutMs ?? 60_000) / 1000} s`;
        child.kill();
        reject(new Error(this.lastError));
      }, this.options.startupTimeoutMs ?? 60_000);
      timer.unref();

      child.onMessage((raw) => {
        if (this.child !== child) return;
        const parsed = engineToHostSchema.safeParse(raw);
        if (!parsed.success) {
          this.lastError = `malformed message from the engine: ${formatIssues(parsed.error).join('; ')}`;
          return;
        }
        const message = parsed.data;
        switch (message.kind) {
          case 'ready':
            clearTimeout(timer);
            this.backend = message.backend;
            this.lastError = null;
            this.setState('ready');
            resolve();
            break;
          case 'fatal':
            clearTimeout(timer);
            this.lastError = `the engine failed to start: ${message.message}`;
            this.child = null;
            child.kill();
            this.setState('crashed');
            reject(new Error(this.lastError));
            break;
          case 'reply':
            this.settle(message.id, message.reply);
            break;
          case 'event':
            this.dispatchEvent(message.event, message.payload);
            break;
        }
      });

      child.onExit((info) => {
        clearTimeout(timer);
        if (this.child !== child) return; // An orderly stop() already handled it.
        this.child = null;
        const wasReady = this.state === 'ready';
        this.lastError ??= describeExit(info);
        if (this.state === 'starting') reject(new Error(this.lastError));
        const restartAtOnce = wasReady && info.code === engineExitCodes.wasmAbort;
        this.failPending(`The engine stopped while working on this request: ${this.lastError}${restartAtOnce ? '; it is being restarted' : ''}`);
        this.setState('crashed');
        if (restartAtOnce) {
          // The engine found its WebAssembly memory unusable and left on purpose: a fresh one is
          // what the user would ask for, so it is started at once (status shows the restart).
          this.restarts++;
          this.lastRestart = { reason: this.lastError, at: new Date().toISOString() };
          void this.start();
        }
      });
    });
  }

  private settle(id: number, reply: { ok: true; value?: unknown } | { ok: false; error: { code: string; message: string; issues?: string[] | undefined } }): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (!reply.ok) {
      const code = (['invalid-request', 'engine-error', 'internal'] as const).find((c) => c === reply.error.code) ?? 'engine-error';
      pending.reject(new StudioError({ code, message: reply.error.message, ...(reply.error.issues ? { issues: reply.error.issues } : {}) }));
      return;
    }
    // The engine is a separate process: what it returns is checked before anyone relies on it.
    const checked = engineRequests[pending.method].output.safeParse(reply.value);
    if (checked.success) pending.resolve(checked.data);
    else pending.reject(new StudioError({ code: 'engine-error', message: `The engine returned a malformed ${pending.method} reply`, issues: formatIssues(checked.error) }));
  }

  private dispatchEvent(event: string, payload: unknown): void {
    if (!Object.hasOwn(engineEvents, event)) return;
    const parsed = engineEvents[event as EngineEventName].safeParse(payload);
    if (!parsed.success) {
      this.lastError = `malformed ${event} event from the engine: ${formatIssues(parsed.error).join('; ')}`;
      return;
    }
    for (const listener of this.eventListeners) listener(event as EngineEventName, parsed.data as never);
  }

  private failPending(message: string): void {
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(new StudioError({ code: 'engine-unavailable', message }));
    }
  }

  private setState(state: EngineStatus['state']): void {
    this.state = state;
    const status = this.status();
    for (const listener of this.listeners) listener(status);
  }
}

function describeExit({ code, signal }: ExitInfo): string {
  if (signal) return `the engine process was killed by ${signal}`;
  if (code === engineExitCodes.wasmAbort) return 'the WebAssembly runtime ran out of memory and aborted';
  return `the engine process exited with code ${code}`;
}
