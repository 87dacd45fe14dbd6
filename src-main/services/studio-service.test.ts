import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
    service.navigate('training');
    expect(events.map(([e]) => e)).toEqual(['engine.status', 'engine.status', 'ui.navigate']);
    expect(events[1]![1]).toMatchObject({ state: 'crashed', lastError: 'the engine process exited with code 4' });
    expect(events[2]![1]).toEqual({ view: 'training' });
  });

  it('restart reports the resulting state even when the engine cannot start', async () => {
    const engine = scriptEngineHost('process.exit(5)');
    const service = new StudioService({ engine, app });
    const reply = await service.handle('engine.restart', {});
    expect(reply).toMatchObject({ ok: true, value: { state: 'crashed', restarts: 1 } });
  });

  it('shows project folders by name, never by a path the renderer sends, and says when it cannot', async () => {
    const engine = scriptEngineHost('process.exit(6)');
    const revealed: string[] = [];
    const desktop = new StudioService({ engine, app: { ...app, mode: 'electron' }, revealPath: (path) => revealed.push(path) });
    const dir = join(await mkdtemp(join(tmpdir(), 'gan-reveal-')), 'Project');
    await desktop.openProject(dir, { create: true });
    await mkdir(join(dir, 'exports', 'grid-1'), { recursive: true });
    expect(await desktop.handle('project.reveal', { target: { kind: 'export', name: 'grid-1' } })).toEqual({ ok: true, value: { path: join(dir, 'exports', 'grid-1'), shown: true } });
    expect(await desktop.handle('project.reveal', { target: { kind: 'project' } })).toMatchObject({ ok: true, value: { shown: true } });
    expect(revealed).toEqual([join(dir, 'exports', 'grid-1'), dir]);
    // A name that walks out of the project, an absolute path, a folder that is not there.
    expect(await desktop.handle('project.reveal', { target: { kind: 'export', name: '../runs' } })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await desktop.handle('project.reveal', { target: { kind: 'run', runId: '/etc' } })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await desktop.handle('project.reveal', { target: { kind: 'run', runId: 'no-such-run' } })).toMatchObject({ ok: false, error: { message: /does not exist/ } });
    expect(revealed).toHaveLength(2);

    // Web mode: the folder is on the server; its path is all the browser can have.
    // (The desktop app lets go of the project first: one process per project.)
    await desktop.openProject(join(dir, '..', 'Elsewhere'), { create: true });
    const web = new StudioService({ engine, app });
    await web.openProject(dir, { create: true });
    expect(await web.handle('project.reveal', { target: { kind: 'project' } })).toEqual({ ok: true, value: { path: dir, shown: false } });
  });
});

describe('dataset.import and the uploaded files', () => {
  const ready = `process.send({ kind: 'ready', backend: { active: 'cpu', provider: 'x', attempts: [], customKernels: [], tfjsVersion: '0' } });`;
  async function projectWithUpload(engineScript: string) {
    const engine = scriptEngineHost(engineScript);
    const service = new StudioService({ engine, app });
    const dir = join(await mkdtemp(join(tmpdir(), 'gan-upload-')), 'Project');
    await service.openProject(dir, { create: true });
    await engine.start();
    const uploadId = 'a'.repeat(32);
    const uploaded = join(dir, '.uploads', uploadId, 'a.png');
    await mkdir(dirname(uploaded), { recursive: true });
    await writeFile(uploaded, 'png bytes');
    const input = { source: { kind: 'upload', uploadId }, options: {} };
    return { engine, service, uploaded, input };
  }

  it('a second import of the same upload is refused and leaves the files to the first', async () => {
    // An engine busy with the first import (it never finishes here).
    const { engine, service, uploaded, input } = await projectWithUpload(`${ready} process.on('message', () => {});`);
    const first = service.handle('dataset.import', input);
    const second = await service.handle('dataset.import', input);
    expect(second).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringMatching(/already being imported/) } });
    expect(await readFile(uploaded, 'utf8')).toBe('png bytes');
    await engine.stop();
    expect(await first).toMatchObject({ ok: false });
  });

  it('keeps the uploaded files when the engine refuses the import or dies during it', async () => {
    const refusing = await projectWithUpload(
      `${ready} process.on('message', (m) => m.kind === 'request' && process.send({ kind: 'reply', id: m.id, reply: { ok: false, error: { code: 'invalid-request', message: 'An import is already running: wait for it or cancel it.' } } }));`,
    );
    expect(await refusing.service.handle('dataset.import', refusing.input)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/already running/) } });
    expect(await readFile(refusing.uploaded, 'utf8')).toBe('png bytes');
    await refusing.engine.stop();

    const dying = await projectWithUpload(`${ready} process.on('message', (m) => m.kind === 'request' && process.exit(9));`);
    expect(await dying.service.handle('dataset.import', dying.input)).toMatchObject({ ok: false, error: { code: 'engine-unavailable' } });
    expect(await readFile(dying.uploaded, 'utf8')).toBe('png bytes');
  });
});
