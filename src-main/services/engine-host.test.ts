import { afterEach, describe, expect, it } from 'vitest';
import { StudioError } from '../api/rpc';
import type { EngineHost } from './engine-host';
import { scriptEngineHost, sourceEngineHost } from '../test-support/engine';

const hosts: EngineHost[] = [];
const track = (host: EngineHost) => (hosts.push(host), host);
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.stop()));
});

const preview = {
  architecture: 'dcgan',
  resolution: 28,
  channels: 1,
  zDim: 16,
  upsample: 'transposed',
  rows: 2,
  cols: 2,
  seed: 7,
} as const;

describe('EngineHost with the real engine process', () => {
  it('starts, reports its backend, and renders a grid', async () => {
    const host = track(sourceEngineHost());
    const states: string[] = [];
    host.onStatus((s) => states.push(s.state));
    await host.start();
    const status = host.status();
    expect(status.state).toBe('ready');
    expect(status.backend?.active).toBe('wasm');
    expect(status.backend?.attempts.map((a) => a.provider)).toContain('@tensorflow/tfjs-node-gpu');
    expect(states).toEqual(['starting', 'ready']);

    const grid = await host.request('generator.preview', preview);
    expect(grid.count).toBe(4);
    expect(grid.image.width).toBe(2 * 28 + 3 * 2);
    expect(Buffer.from(grid.image.pngBase64, 'base64').subarray(1, 4).toString()).toBe('PNG');
  });

  it('reports a crash, fails the request in flight, and restarts on demand', async () => {
    const host = track(sourceEngineHost());
    await host.start();
    const pid = host.status().pid!;
    const inFlight = host.request('generator.preview', { ...preview, resolution: 64, rows: 8, cols: 8 });
    process.kill(pid, 'SIGKILL');
    await expect(inFlight).rejects.toMatchObject({ code: 'engine-unavailable' });
    expect(host.status().state).toBe('crashed');
    expect(host.status().lastError).toMatch(/SIGKILL/);
    await expect(host.request('backend.report', {})).rejects.toBeInstanceOf(StudioError);

    await host.restart();
    expect(host.status()).toMatchObject({ state: 'ready', restarts: 1, lastError: null });
    expect(host.status().pid).not.toBe(pid);
    const grid = await host.request('generator.preview', preview);
    expect(grid.count).toBe(4);
  });

  it('turns an engine-side failure into a typed error reply', async () => {
    const host = track(sourceEngineHost());
    await host.start();
    await expect(host.request('generator.preview', { ...preview, architecture: 'dcgan', resolution: 30 as 28 })).rejects.toMatchObject({
      code: 'invalid-request',
    });
    // The engine is still healthy afterwards.
    await expect(host.request('backend.report', {})).resolves.toMatchObject({ active: 'wasm' });
  });
});

/** What a scripted engine sends first: ready, on the cpu backend. */
const ready = { kind: 'ready', backend: { active: 'cpu', provider: 'x', attempts: [], customKernels: [], tfjsVersion: '0' } };

/** A scripted engine that starts ready, exits on shutdown and runs `answer` for every other message `m`. */
const answering = (answer: string) =>
  track(
    scriptEngineHost(`
      process.send(${JSON.stringify(ready)});
      process.on('message', (m) => {
        if (m.kind === 'shutdown') process.exit(0);
        ${answer}
      });`),
  );

describe('EngineHost with misbehaving engines', () => {
  it('reports an engine that dies during start-up', async () => {
    const host = track(scriptEngineHost('process.exit(3)'));
    await expect(host.start()).rejects.toThrow(/code 3/);
    expect(host.status()).toMatchObject({ state: 'crashed', lastError: 'the engine process exited with code 3' });
  });

  it('reports an engine that fails to initialise', async () => {
    const host = track(scriptEngineHost(`process.send({ kind: 'fatal', message: 'no backend' }); setTimeout(() => process.exit(1), 50);`));
    await expect(host.start()).rejects.toThrow(/no backend/);
    expect(host.status().state).toBe('crashed');
  });

  it('rejects a reply that does not match the contract', async () => {
    const host = answering(`process.send({ kind: 'reply', id: m.id, reply: { ok: true, value: { active: 'quantum' } } });`);
    await host.start();
    await expect(host.request('backend.report', {})).rejects.toMatchObject({ code: 'engine-error' });
  });

  it('restarts an engine whose WebAssembly runtime aborted (exit 70) by itself, and says so', async () => {
    const host = answering(`
      if (m.method === 'generator.preview') process.exit(70);
      process.send({ kind: 'reply', id: m.id, reply: { ok: true, value: ${JSON.stringify(ready.backend)} } });`);
    const states: string[] = [];
    host.onStatus((s) => states.push(s.state));
    await host.start();
    const preview = { architecture: 'dcgan', resolution: 28, channels: 1, zDim: 100, upsample: 'transposed', rows: 1, cols: 1, seed: 1 } as never;
    await expect(host.request('generator.preview', preview)).rejects.toMatchObject({ code: 'engine-unavailable', message: expect.stringMatching(/WebAssembly runtime ran out of memory/) });
    expect(states).toEqual(['starting', 'ready', 'crashed', 'starting']);
    await host.start();
    expect(host.status()).toMatchObject({ state: 'ready', restarts: 1, lastError: null });
    // Why it stopped stays in the status after the restarted engine is ready: the status bar says so.
    expect(host.status().lastRestart).toEqual({ reason: 'the WebAssembly runtime ran out of memory and aborted', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    await expect(host.request('backend.report', {})).resolves.toMatchObject({ active: 'cpu' });
  });

  it('kills an engine that ignores shutdown', async () => {
    const host = track(scriptEngineHost(`process.send(${JSON.stringify(ready)}); process.on('message', () => {}); setInterval(() => {}, 1000);`));
    await host.start();
    await host.stop();
    expect(host.status().state).toBe('stopped');
  });
});
