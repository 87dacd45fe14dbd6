import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConfPreferences } from './preferences';

describe('PreferencesStore on conf', () => {
  it('starts from defaults and persists what is set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-prefs-'));
    const prefs = await openConfPreferences(dir);
    expect(prefs.get('backend')).toBe('auto');
    expect(prefs.get('windowBounds')).toBeNull();
    prefs.set('windowBounds', { x: 10, y: 20, width: 1000, height: 700 });
    prefs.set('backend', 'wasm');
    const again = await openConfPreferences(dir);
    expect(again.get('windowBounds')).toEqual({ x: 10, y: 20, width: 1000, height: 700 });
    expect(again.get('backend')).toBe('wasm');
    expect(JSON.parse(await readFile(join(dir, 'preferences.json'), 'utf8')).backend).toBe('wasm');
  });

  it('falls back to defaults for hand-edited nonsense', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gan-prefs-'));
    await writeFile(join(dir, 'preferences.json'), JSON.stringify({ backend: 'quantum', windowBounds: { x: 'a' }, recentProjects: 'x' }));
    const prefs = await openConfPreferences(dir);
    expect(prefs.get('backend')).toBe('auto');
    expect(prefs.get('windowBounds')).toBeNull();
    expect(prefs.get('recentProjects')).toEqual([]);
  });

  it('keeps recent projects unique, newest first, at most ten', async () => {
    const prefs = await openConfPreferences(await mkdtemp(join(tmpdir(), 'gan-prefs-')));
    for (let i = 0; i < 12; i++) prefs.addRecentProject(`/p/${i}`);
    const recent = prefs.addRecentProject('/p/5');
    expect(recent).toHaveLength(10);
    expect(recent[0]).toBe('/p/5');
    expect(new Set(recent).size).toBe(10);
  });

  it('refuses to store an invalid value', async () => {
    const prefs = await openConfPreferences(await mkdtemp(join(tmpdir(), 'gan-prefs-')));
    expect(() => prefs.set('backend', 'quantum' as 'wasm')).toThrow();
  });
});
