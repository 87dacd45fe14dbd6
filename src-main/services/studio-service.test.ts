import { describe, expect, it } from 'vitest';
import { StudioService } from './studio-service';
import { scriptEngineHost } from '../test-support/engine';

const app = { name: 'GAN Studio', version: '0.0.0', mode: 'web', platform: 'linux' } as const;

describe('StudioService', () => {
  it('answers with a typed error when the engine is not running, never throwing', async () => {
    const engine = scriptEngineHost('process.exit(1)');
    const service = new StudioService({ engine, app });
    const reply = await service.handle('dataset.demo', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'engine-unavailable' } });
    expect(await service.handle('app.info', {})).toEqual({ ok: true, value: app });
  });

  it('streams engine status changes and navigation as events', async () => {
    const engine = scriptEngineHost('process.exit(4)');
    const service = new StudioService({ engine, app });
    const events: [string, unknown][] = [];
    service.onEvent((event, payload) => events.push([event, payload]));
    await engine.start().catch(() => undefined);
    service.navigate('train');
    expect(events.map(([e]) => e)).toEqual(['engine.status', 'engine.status', 'ui.navigate']);
    expect(events[1]![1]).toMatchObject({ state: 'crashed', lastError: 'the engine process exited with code 4' });
    expect(events[2]![1]).toEqual({ view: 'train' });
  });

  it('restart reports the resulting state even when the engine cannot start', async () => {
    const engine = scriptEngineHost('process.exit(5)');
    const service = new StudioService({ engine, app });
    const reply = await service.handle('engine.restart', {});
    expect(reply).toMatchObject({ ok: true, value: { state: 'crashed', restarts: 1 } });
  });
});
