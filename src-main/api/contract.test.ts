import { describe, expect, it } from 'vitest';
import { studioRequests } from './contract';
import { parseRequest, StudioError, toErrorShape } from './rpc';

const goodPreview = { architecture: 'dcgan', resolution: 28, channels: 1, zDim: 100, upsample: 'transposed', rows: 8, cols: 8, seed: 1 };

describe('StudioApi request validation', () => {
  it('accepts a well-formed request', () => {
    const parsed = parseRequest(studioRequests, 'samples.preview', goodPreview);
    expect(parsed).toEqual({ ok: true, channel: 'samples.preview', input: goodPreview });
  });

  it.each([
    ['unknown channel', 'engine.format', {}, 'unknown-channel'],
    ['non-string channel', 42, {}, 'invalid-request'],
    // 5000 nested arrays: String() of it overflows the stack (it used to, outside any try).
    ['deeply nested channel', JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`), {}, 'invalid-request'],
    ['prototype key as channel', '__proto__', {}, 'unknown-channel'],
    ['missing payload', 'samples.preview', undefined, 'invalid-request'],
    ['wrong type', 'samples.preview', { ...goodPreview, zDim: '100' }, 'invalid-request'],
    ['out of range', 'samples.preview', { ...goodPreview, rows: 1000 }, 'invalid-request'],
    ['unsupported resolution', 'samples.preview', { ...goodPreview, resolution: 48 }, 'invalid-request'],
    ['unknown enum value', 'samples.preview', { ...goodPreview, architecture: 'stylegan' }, 'invalid-request'],
    ['extra field', 'samples.preview', { ...goodPreview, path: '/etc/passwd' }, 'invalid-request'],
    ['extra field on an empty request', 'app.info', { x: 1 }, 'invalid-request'],
    ['non-integer seed', 'samples.preview', { ...goodPreview, seed: 1.5 }, 'invalid-request'],
  ])('rejects %s', (_name, channel, payload, code) => {
    const parsed = parseRequest(studioRequests, channel, payload);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe(code);
  });

  it('says which field is wrong', () => {
    const parsed = parseRequest(studioRequests, 'samples.preview', { ...goodPreview, zDim: -1, cols: 0 });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.issues?.map((i) => i.split(':')[0]).sort()).toEqual(['cols', 'zDim']);
  });
});

describe('error shapes', () => {
  it('keeps StudioError codes and maps anything else to internal', () => {
    expect(toErrorShape(new StudioError({ code: 'forbidden', message: 'no' }))).toEqual({ code: 'forbidden', message: 'no' });
    expect(toErrorShape(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' });
    expect(toErrorShape('text')).toEqual({ code: 'internal', message: 'text' });
  });
});
