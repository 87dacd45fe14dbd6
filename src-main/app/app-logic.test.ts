/**
 * The Electron layer's decisions, tested without the Electron binary: each takes Electron's objects
 * as parameters, and these fakes record what was done with them.
 */
import { describe, expect, it, vi } from 'vitest';
import type { IpcMainInvokeEvent, IpcRendererEvent, MenuItemConstructorOptions } from 'electron';
import { wire } from '../api/contract';
import { registerIpc, type IpcMainLike } from './ipc';
import { bridgeChannels, studioBridge, type IpcRendererLike } from './bridge';
import { projectActions, type NativeUi } from './project-actions';
import { menuTemplate, type MenuActions } from './menu-template';

const trusted = (url: string) => url === 'file:///app/index.html';
const frame = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } }) as unknown as IpcMainInvokeEvent;

function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  const ipc: IpcMainLike = { handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) };
  return { ipc, handlers };
}

function fakeService() {
  const listeners = new Set<(name: string, payload: unknown) => void>();
  return {
    handle: vi.fn(async (channel: unknown, input: unknown) => ({ ok: true as const, value: { channel, input } })),
    onEvent: (l: (name: string, payload: unknown) => void) => (listeners.add(l), () => void listeners.delete(l)),
    importSources: { registerDropped: vi.fn(async (paths: unknown) => (Array.isArray(paths) && paths.length ? 'a'.repeat(32) : Promise.reject(new Error('No files were dropped.')))) },
    emit: (name: string, payload: unknown) => listeners.forEach((l) => l(name, payload)),
  };
}

describe('IPC (main side)', () => {
  it('answers requests from the app’s own top frame and refuses iframes and other pages', async () => {
    const { ipc, handlers } = fakeIpcMain();
    const service = fakeService();
    registerIpc(ipc, service as never, trusted, () => []);
    const request = handlers.get(wire.request)!;
    expect(await request(frame('file:///app/index.html'), 'app.info', {})).toEqual({ ok: true, value: { channel: 'app.info', input: {} } });
    for (const event of [frame('https://evil.example/'), frame('file:///app/index.html', {}), { senderFrame: null } as unknown as IpcMainInvokeEvent]) {
      expect(await request(event, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(service.handle).toHaveBeenCalledTimes(1);
  });

  it('registers drops only from the trusted frame, and answers a bad drop with an error reply (never a throw)', async () => {
    const { ipc, handlers } = fakeIpcMain();
    const service = fakeService();
    registerIpc(ipc, service as never, trusted, () => []);
    const drop = handlers.get(wire.registerDrop)!;
    expect(await drop(frame('file:///app/index.html'), ['/home/me/cats'])).toEqual({ ok: true, value: 'a'.repeat(32) });
    expect(await drop(frame('file:///app/index.html'), [])).toMatchObject({ ok: false, error: { message: 'No files were dropped.' } });
    expect(await drop(frame('https://evil.example/'), ['/etc'])).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(service.importSources.registerDropped).toHaveBeenCalledTimes(2);
  });

  it('sends events to every live window and stops when unregistered', () => {
    const { ipc, handlers } = fakeIpcMain();
    const service = fakeService();
    const sent: unknown[][] = [];
    const live = { isDestroyed: () => false, webContents: { send: (...args: unknown[]) => void sent.push(args) } };
    const closed = { isDestroyed: () => true, webContents: { send: () => expect.fail('sent to a destroyed window') } };
    const unregister = registerIpc(ipc, service as never, trusted, () => [live, closed]);
    service.emit('train.status', { step: 3 });
    expect(sent).toEqual([[wire.event, 'train.status', { step: 3 }]]);
    unregister();
    service.emit('train.status', { step: 4 });
    expect(sent).toHaveLength(1);
    expect(handlers.size).toBe(0);
  });
});

describe('the preload bridge', () => {
  function fakeIpcRenderer() {
    const calls: unknown[][] = [];
    const listeners = new Map<string, Set<(e: IpcRendererEvent, ...args: unknown[]) => void>>();
    const ipc: IpcRendererLike = {
      invoke: async (...args) => (calls.push(args), 'reply'),
      on: (c, l) => listeners.set(c, (listeners.get(c) ?? new Set()).add(l)),
      removeListener: (c, l) => listeners.get(c)?.delete(l),
    };
    return { ipc, calls, listeners };
  }

  it('exposes exactly request, onEvent and registerDrop, on the contract’s wire names', async () => {
    expect(bridgeChannels).toEqual({ request: wire.request, event: wire.event, registerDrop: wire.registerDrop });
    const { ipc, calls } = fakeIpcRenderer();
    const bridge = studioBridge(ipc, (file) => `/abs/${file.name}`);
    expect(Object.keys(bridge).sort()).toEqual(['onEvent', 'registerDrop', 'request']);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
    expect(await bridge.request('app.info', {})).toBe('reply');
    await bridge.registerDrop([{ name: 'cats' } as File, { name: 'dogs' } as File]);
    expect(calls).toEqual([
      [wire.request, 'app.info', {}],
      [wire.registerDrop, ['/abs/cats', '/abs/dogs']],
    ]);
  });

  it('hands listeners only (event, payload), never Electron’s event object, and removes them', () => {
    const { ipc, listeners } = fakeIpcRenderer();
    const seen: unknown[][] = [];
    const off = studioBridge(ipc, () => '').onEvent((...args) => void seen.push(args));
    const [handler] = listeners.get(wire.event)!;
    handler!({ sender: 'secret ipcRenderer' } as unknown as IpcRendererEvent, 'train.status', { step: 1 });
    expect(seen).toEqual([['train.status', { step: 1 }]]);
    off();
    expect(listeners.get(wire.event)!.size).toBe(0);
  });
});

describe('project actions', () => {
  function setup(dialogResult: { canceled: boolean; filePaths: string[] }, openProject = vi.fn(async () => ({ name: 'p', dir: '/p', created: '' }))) {
    const ui = {
      dialog: { showOpenDialog: vi.fn(async () => dialogResult), showErrorBox: vi.fn() },
      shell: { openPath: vi.fn(async () => '') },
    };
    const recent: string[] = [];
    const preferences = { addRecentProject: (dir: string) => void recent.unshift(dir), get: () => recent };
    const service = { openProject, currentProject: () => ({ name: 'p', dir: '/projects/p', created: '' }) };
    const onRecent = vi.fn();
    const actions = projectActions(ui as unknown as NativeUi, service as never, preferences as never, () => null, onRecent);
    return { ui, actions, service, recent, onRecent };
  }

  it('does nothing when the dialog is cancelled', async () => {
    const { actions, service, onRecent } = setup({ canceled: true, filePaths: [] });
    await actions.openProjectDialog();
    await actions.newProject();
    expect(service.openProject).not.toHaveBeenCalled();
    expect(onRecent).not.toHaveBeenCalled();
  });

  it('opens (or creates) the chosen folder and puts it first in the recent list', async () => {
    const { actions, service, recent, onRecent } = setup({ canceled: false, filePaths: ['/projects/cats'] });
    await actions.newProject();
    expect(service.openProject).toHaveBeenCalledWith('/projects/cats', { create: true });
    await actions.openProjectDialog();
    expect(service.openProject).toHaveBeenLastCalledWith('/projects/cats', { create: false });
    expect(recent[0]).toBe('/projects/cats');
    expect(onRecent).toHaveBeenCalledTimes(2);
  });

  it('shows why a project cannot be opened, and leaves the recent list alone', async () => {
    const failing = vi.fn(async () => Promise.reject(new Error('/projects/x is locked by gan-studio train (pid 42)')));
    const { actions, ui, recent } = setup({ canceled: false, filePaths: ['/projects/x'] }, failing);
    await actions.openRecent('/projects/x');
    expect(ui.dialog.showErrorBox).toHaveBeenCalledWith('Cannot open the project', '/projects/x is locked by gan-studio train (pid 42)');
    expect(recent).toEqual([]);
  });

  it('shows the open project’s folder in the file manager', () => {
    const { actions, ui } = setup({ canceled: true, filePaths: [] });
    actions.showProjectFolder();
    expect(ui.shell.openPath).toHaveBeenCalledWith('/projects/p');
  });
});

describe('the application menu', () => {
  const actions = (): MenuActions & Record<string, ReturnType<typeof vi.fn>> =>
    ({
      navigate: vi.fn(),
      restartEngine: vi.fn(),
      importFolder: vi.fn(),
      about: vi.fn(),
      showSettingsFolder: vi.fn(),
      projects: { newProject: vi.fn(), openProjectDialog: vi.fn(), openRecent: vi.fn(), showProjectFolder: vi.fn(), recent: () => ['/a', '/b'] },
    }) as never;
  const items = (template: MenuItemConstructorOptions[]) => template.flatMap((m) => [m, ...((m.submenu as MenuItemConstructorOptions[] | undefined) ?? [])]);

  it('puts every view on Ctrl/Cmd+1…7 in the sidebar’s order, each navigating to its view', () => {
    const a = actions();
    const view = menuTemplate(a, { isMac: false, isPackaged: true }).find((m) => m.label === '&View')!;
    const entries = (view.submenu as MenuItemConstructorOptions[]).filter((i) => i.accelerator?.startsWith('CmdOrCtrl+'));
    expect(entries.map((i) => [i.label, i.accelerator])).toEqual([
      ['Data', 'CmdOrCtrl+1'], ['Model', 'CmdOrCtrl+2'], ['Train', 'CmdOrCtrl+3'], ['Explore', 'CmdOrCtrl+4'], ['Gallery', 'CmdOrCtrl+5'], ['Evaluate', 'CmdOrCtrl+6'], ['Learn', 'CmdOrCtrl+7'],
    ]);
    (entries[4]!.click as () => void)();
    expect(a.navigate).toHaveBeenCalledWith('export');
  });

  it('lists recent projects, hides developer tools when packaged, and quits on Linux/Windows but closes on a Mac', () => {
    const a = actions();
    const packaged = items(menuTemplate(a, { isMac: false, isPackaged: true }));
    const recent = packaged.find((i) => i.label === 'Open Recent')!.submenu as MenuItemConstructorOptions[];
    expect(recent.map((i) => i.label)).toEqual(['/a', '/b']);
    (recent[1]!.click as () => void)();
    expect(a.projects.openRecent).toHaveBeenCalledWith('/b');
    expect(packaged.some((i) => i.role === 'toggleDevTools')).toBe(false);
    expect(items(menuTemplate(a, { isMac: false, isPackaged: false })).some((i) => i.role === 'toggleDevTools')).toBe(true);
    const file = (t: MenuItemConstructorOptions[]) => (t.find((m) => m.label === '&File')!.submenu as MenuItemConstructorOptions[]).map((i) => i.role).filter(Boolean);
    expect(file(menuTemplate(a, { isMac: false, isPackaged: true }))).toEqual(['quit']);
    expect(file(menuTemplate(a, { isMac: true, isPackaged: true }))).toEqual(['close']);
  });
});
