import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricsLog, readMetricsLog } from './metrics-log';

describe('MetricsLog', () => {
  it('a failed write fails that flush with the file and the fix, not every flush after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gs-log-'));
    const log = new MetricsLog(join(dir, 'missing', 'metrics.jsonl'));
    log.append({ type: 'event', step: 1, message: 'lost' });
    await expect(log.flush()).rejects.toThrow(/Could not write .*metrics\.jsonl \(ENOENT\): make the run folder writable/);
    expect(log.failure?.message).toMatch(/ENOENT/);
    await mkdir(join(dir, 'missing'));
    log.append({ type: 'event', step: 2, message: 'kept' });
    await expect(log.flush()).resolves.toBeUndefined();
    expect((await readMetricsLog(log.path)).lines).toEqual([{ type: 'event', step: 2, message: 'kept' }]);
  });

  it('cuts a torn last line (kill -9 mid-append) before appending, so the next line is not lost', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gs-log-'));
    const path = join(dir, 'metrics.jsonl');
    await writeFile(path, '{"type":"step","step":1}\n{"type":"step","st');
    const log = new MetricsLog(path);
    log.append({ type: 'event', step: 1, message: 'resumed' });
    await log.flush();
    expect(await readMetricsLog(path)).toEqual({ lines: [{ type: 'step', step: 1 }, { type: 'event', step: 1, message: 'resumed' }], skipped: 0 });
    expect(await readFile(path, 'utf8')).toMatch(/\n$/);
  });

  it('a log with no complete line at all starts over', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gs-log-'));
    const path = join(dir, 'metrics.jsonl');
    await writeFile(path, '{"type":"st');
    const log = new MetricsLog(path);
    log.append({ type: 'event', step: 0, message: 'first' });
    await log.flush();
    expect((await readMetricsLog(path)).lines).toEqual([{ type: 'event', step: 0, message: 'first' }]);
  });
});
