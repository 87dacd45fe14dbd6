/**
 * Is the main process free while a run trains? Starts the real main-side services (StudioService +
 * EngineHost) with the engine in its child process, trains the DCGAN preset on the digits with a
 * sample grid every 10 steps (the heaviest event traffic the UI sees), serialises every event as
 * the WebSocket/IPC transports do, polls train.status like the renderer, and records this process's
 * event-loop delay with perf_hooks. The app promises p99 under 50 ms.
 *
 *   npx tsx bench/main-lag.ts [--seconds 30] [--backend wasm]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StudioService } from '../src-main/services/studio-service';
import { sourceEngineHost } from '../src-main/test-support/engine';
import { preset, type RunStatusShape } from '../src-main/api/training';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const SECONDS = Number(arg('seconds') ?? 30);
const BACKEND = arg('backend') ?? 'wasm';

const engine = sourceEngineHost({ GAN_STUDIO_BACKEND: BACKEND });
const service = new StudioService({ engine, app: { name: 'bench', version: '0', mode: 'web', platform: process.platform } });
await service.openProject(await mkdtemp(join(tmpdir(), 'gan-lag-')), { create: true });
await engine.start();

let events = 0;
let bytes = 0;
service.onEvent((event, payload) => {
  events++;
  bytes += JSON.stringify({ kind: 'event', event, payload }).length;
});

const config = { ...preset('dcgan'), steps: 1_000_000, sampleEvery: 10 };
const started = await service.handle('train.start', { config, dataset: 'demo:mnist' });
if (!started.ok) throw new Error(started.error.message);

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const poll = setInterval(() => void service.handle('train.status', {}), 250);
await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
clearInterval(poll);
delay.disable();

const status = await service.handle('train.status', {});
await service.handle('train.control', { action: 'stop' });
await engine.stop();

const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10;
const result = {
  date: new Date().toISOString(),
  backend: BACKEND,
  seconds: SECONDS,
  steps: status.ok ? ((status.value as RunStatusShape | null)?.step ?? null) : null,
  events,
  eventMegabytes: Math.round((bytes / 1e6) * 100) / 100,
  lagMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
};
console.log(`main-process event-loop delay while training (${BACKEND}, ${SECONDS} s, ${result.steps} steps, ${events} events):`);
console.log(`  p50 ${result.lagMs.p50} ms · p99 ${result.lagMs.p99} ms · max ${result.lagMs.max} ms  (target p99 < 50 ms)`);
await mkdir('bench/results', { recursive: true });
await writeFile(join('bench/results', `main-lag-${result.date.replace(/[:.]/g, '').slice(0, 17)}.json`), JSON.stringify(result, null, 2));
process.exit(0);
