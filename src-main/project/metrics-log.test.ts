import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentTimeline, MetricsLog, parseLogLine, readEvalPoints, readMetricsLog } from './metrics-log';

/** A metrics.jsonl holding `text` (e.g. a torn last line) in a fresh folder, and a MetricsLog on it. */
async function logWith(text: string): Promise<{ path: string; log: MetricsLog }> {
  const path = join(await mkdtemp(join(tmpdir(), 'gs-log-')), 'metrics.jsonl');
  await writeFile(path, text);
  return { path, log: new MetricsLog(path) };
}

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
    const { path, log } = await logWith('{"type":"step","step":1}\n{"type":"step","st');
    log.append({ type: 'event', step: 1, message: 'resumed' });
    await log.flush();
    expect(await readMetricsLog(path)).toEqual({ lines: [{ type: 'step', step: 1 }, { type: 'event', step: 1, message: 'resumed' }], skipped: 0 });
    expect(await readFile(path, 'utf8')).toMatch(/\n$/);
  });

  it('a log with no complete line at all starts over', async () => {
    const { path, log } = await logWith('{"type":"st');
    log.append({ type: 'event', step: 0, message: 'first' });
    await log.flush();
    expect((await readMetricsLog(path)).lines).toEqual([{ type: 'event', step: 0, message: 'first' }]);
  });
});

describe('reading a log back', () => {
  it('skips and counts lines GAN Studio could not have written (a step of "x", no step, a string value)', async () => {
    expect(parseLogLine('{"type":"step","step":3,"dLoss":1.2,"gLoss":null}')).toEqual({ type: 'step', step: 3, dLoss: 1.2, gLoss: null });
    for (const bad of ['{"type":"step","step":"x"}', '{"type":"step"}', '{"type":"step","step":-1}', '{"type":"step","step":1,"dLoss":"1"}', '{"type":"event","step":1}', '[1]', 'null', '{"step":1}', 'not json']) {
      expect(parseLogLine(bad), bad).toBeNull();
    }
    const file = join(await mkdtemp(join(tmpdir(), 'gan-log-')), 'metrics.jsonl');
    await writeFile(file, '{"type":"step","step":1,"dLoss":1}\n{"type":"step","step":"x"}\r\n{"type":"event","step":1,"message":"resumed"}\n');
    const read = await readMetricsLog(file);
    expect([read.lines.map((l) => l.type), read.skipped]).toEqual([['step', 'event'], 1]);
    expect(await readMetricsLog(join(file, '..', 'absent.jsonl'))).toEqual({ lines: [], skipped: 0 });
  });
});

describe('the current timeline', () => {
  it('drops what a restore went back past, also steps the new timeline never logged again', () => {
    const lines = [
      { type: 'eval', step: 2, best: true },
      { type: 'eval', step: 4, best: false },
      { type: 'eval', step: 6, best: false },
      { type: 'event', step: 3, message: 'resumed from checkpoint at step 3', restoredTo: 3 },
      { type: 'event', step: 4, message: 'Evaluation at step 4 skipped: the evaluation classifier is still being prepared' },
      { type: 'eval', step: 6, best: false },
      // A log from before restoredTo: the words alone say it.
      { type: 'event', step: 0, message: 'no checkpoint saved yet: back to the initial weights' },
      { type: 'eval', step: 2, best: true },
    ];
    expect(currentTimeline(lines).map((l) => `${l.type}@${l.step}`)).toEqual(['event@0', 'eval@2']);
    expect(currentTimeline(lines.slice(0, 6)).map((l) => `${l.type}@${l.step}`)).toEqual(['eval@2', 'event@3', 'event@4', 'eval@6']);
    // Not a restore: other events leave the lines alone.
    expect(currentTimeline([{ type: 'eval', step: 9 }, { type: 'event', step: 1, message: 'rolled back to step 1, learning rates ×0.5' }])).toHaveLength(2);
  });
});

describe('the in-training evaluations', () => {
  it('are read by step from the current timeline, a repeated step by its later line, an unreadable one skipped', async () => {
    const eval_ = (step: number, value: number, best: boolean) => JSON.stringify({ type: 'eval', step, metric: 'kid', value, std: null, baseline: 0.01, best });
    const { path } = await logWith(
      [
        eval_(2, 0.5, true),
        eval_(4, 0.4, true),
        eval_(6, 0.3, true),
        JSON.stringify({ type: 'event', step: 4, message: 'resumed from checkpoint at step 4', restoredTo: 4 }),
        eval_(4, 0.45, false),
        JSON.stringify({ type: 'eval', step: 8, metric: 'kid', value: 'high', best: true }),
        JSON.stringify({ type: 'step', step: 8, dLoss: 1 }),
        '',
      ].join('\n'),
    );
    const points = await readEvalPoints(path);
    expect(points.map((p) => [p.step, p.value, p.best])).toEqual([
      [2, 0.5, true],
      [4, 0.45, false],
    ]);
  });
});
