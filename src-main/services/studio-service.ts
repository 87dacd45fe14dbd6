/**
 * The main-side implementation of StudioApi, shared by the Electron app and web mode. Transports
 * hand it untrusted (channel, input) pairs; it validates them against the contract and answers with
 * a Reply, never an exception.
 */
import { studioRequests, type EventChannel, type EventPayload, type RequestChannel, type RequestInput, type RequestOutput, type ViewName } from '../api/contract';
import { parseRequest, toErrorShape, type Reply } from '../api/rpc';
import type { AppInfo } from '../api/schemas';
import type { EngineHost } from './engine-host';
import { join } from 'node:path';

type Handlers = { [C in RequestChannel]: (input: RequestInput<C>) => Promise<RequestOutput<C>> };
type EventListener = <E extends EventChannel>(event: E, payload: EventPayload<E>) => void;

export interface StudioServiceOptions {
  engine: EngineHost;
  app: AppInfo;
  /** The open project's workspace folder; runs go to <projectDir>/runs. */
  projectDir: string;
}

export class StudioService {
  private readonly handlers: Handlers;
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly options: StudioServiceOptions) {
    const { engine } = options;
    engine.onStatus((status) => this.emit('engine.status', status));
    // Engine events were validated by EngineHost; the training ones go to the renderer unchanged.
    engine.onEvent((event, payload) => this.emit(event, payload as never));
    const runsDir = join(options.projectDir, 'runs');
    this.handlers = {
      'app.info': async () => options.app,
      'engine.status': async () => engine.status(),
      'engine.restart': async () => {
        await engine.restart().catch(() => undefined); // The failure is in the returned status.
        return engine.status();
      },
      'dataset.demo': () => engine.request('dataset.demo', {}),
      'samples.preview': (input) => engine.request('generator.preview', input),
      'train.start': (input) => engine.request('train.start', { ...input, runsDir }),
      'train.control': (input) => engine.request('train.control', input),
      'train.update': (input) => engine.request('train.update', input),
      'train.status': () => engine.request('train.status', {}),
    };
  }

  /** Entry point for every transport. `channel` and `input` are untrusted. */
  async handle(channel: unknown, input: unknown): Promise<Reply<unknown>> {
    const parsed = parseRequest(studioRequests, channel, input);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    try {
      const handler = this.handlers[parsed.channel] as (input: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.input) };
    } catch (err) {
      return { ok: false, error: toErrorShape(err) };
    }
  }

  /** Called by the native menu; the renderer switches views when it receives the event. */
  navigate(view: ViewName): void {
    this.emit('ui.navigate', { view });
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener(event, payload);
  }
}
