import { describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../../src-main/api/schemas';
import { restartNotice } from './engine-notice';

const ready: EngineStatus = { state: 'ready', backend: null, lastError: null, restarts: 0, lastRestart: null, pid: 1 };
const restarted: EngineStatus = {
  ...ready,
  restarts: 1,
  lastRestart: { reason: 'the WebAssembly runtime ran out of memory and aborted', at: '2026-12-02T19:00:00.000Z' },
};

describe('restartNotice', () => {
  it('says why the engine stopped and that it was restarted, once it is ready again, until dismissed', () => {
    expect(restartNotice(restarted, null)).toBe('The engine stopped (the WebAssembly runtime ran out of memory and aborted) and was restarted');
    expect(restartNotice({ ...restarted, state: 'starting' }, null)).toBeNull();
    expect(restartNotice(restarted, restarted.lastRestart!.at)).toBeNull();
    // A later restart shows again after the earlier one was dismissed.
    expect(restartNotice({ ...restarted, lastRestart: { reason: 'x', at: '2026-12-02T19:05:00.000Z' } }, restarted.lastRestart!.at)).toBe('The engine stopped (x) and was restarted');
    expect(restartNotice(ready, null)).toBeNull();
    expect(restartNotice(null, null)).toBeNull();
  });
});
