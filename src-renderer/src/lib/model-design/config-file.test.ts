import { describe, expect, it } from 'vitest';
import { preset } from '../../../../src-main/api/training';
import { configFileName, configFileText, nameFromFile, parseConfigFile, uniqueName } from './config-file';

describe('config files', () => {
  it('round-trips a config through its exported text', () => {
    const parsed = parseConfigFile(configFileText(preset('wgan-gp')), 'wgan.json', []);
    expect(parsed).toEqual({ ok: true, name: 'wgan', config: preset('wgan-gp') });
  });

  it('fills fields added since a config was written, as the engine does', () => {
    const { augment: _a, evaluation: _e, ...older } = preset('dcgan');
    const parsed = parseConfigFile(JSON.stringify(older), 'old.json', []);
    expect(parsed.ok && parsed.config).toEqual(preset('dcgan'));
  });

  it('refuses text that is not JSON, or not a config, naming each bad field', () => {
    expect(parseConfigFile('{ nope', 'x.json', [])).toMatchObject({ ok: false, message: 'x.json is not JSON.' });
    const dcgan = preset('dcgan');
    const bad = { ...dcgan, batchSize: 0, model: { ...dcgan.model, resolution: 48 }, extra: true };
    const parsed = parseConfigFile(JSON.stringify(bad), 'bad.json', []);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues).toEqual([
      expect.stringMatching(/^Resolution: the models are built for 28, 32, 64 or 128 px/),
      expect.stringMatching(/^Batch size: Too small/),
      expect.stringMatching(/^Unrecognized key: "extra"/),
    ]);
  });

  it('makes a valid, unused name from the file name', () => {
    expect(nameFromFile('My run (v2).json')).toBe('My run (v2)');
    expect(nameFromFile('../../etc/passwd')).toBe('etc-passwd');
    expect(nameFromFile('.json')).toBe('Imported config');
    expect(uniqueName('dcgan', ['DCGAN', 'dcgan (2)'])).toBe('dcgan (3)');
    expect(configFileName('Digits DCGAN (v2)')).toBe('digits-dcgan-v2.json');
  });
});
