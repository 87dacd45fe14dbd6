import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readRunHistory } from './run-history';

describe('readRunHistory', () => {
  it('skips and names a damaged sample grid (0 bytes, torn) instead of failing the whole history', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'gs-history-'));
    await mkdir(join(runDir, 'samples'));
    const png = await sharp({ create: { width: 6, height: 4, channels: 3, background: '#102030' } }).png().toBuffer();
    await writeFile(join(runDir, 'samples', 'step-20.png'), png);
    await writeFile(join(runDir, 'samples', 'step-40.png'), Buffer.alloc(0));
    await writeFile(join(runDir, 'samples', 'step-60.png'), png.subarray(0, 12));
    await writeFile(join(runDir, 'metrics.jsonl'), '{"type":"step","step":1,"dLoss":1,"gLoss":1}\n');
    const history = await readRunHistory(runDir);
    expect(history.samples.map((s) => [s.step, s.width, s.height])).toEqual([[20, 6, 4]]);
    expect(history.skippedSamples).toEqual([join(runDir, 'samples', 'step-40.png'), join(runDir, 'samples', 'step-60.png')]);
  });
});
