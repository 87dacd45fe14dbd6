import { describe, expect, it } from 'vitest';
import type { EvaluationRecord } from '../../../../src-main/api/evaluation';
import { checkpointLabel, formatBaseline, formatNumber, formatWithSpread, inCheckpointOrder, toCsv } from './report';

const record: EvaluationRecord = {
  id: 'a',
  runId: '20260101-120000-dcgan-bce-ab12',
  checkpoint: { file: 'ckpt-000000250.gsc', step: 250, sha256: 'f'.repeat(64), ema: true },
  createdAt: '2026-01-01T12:00:00.000Z',
  dataset: { key: 'demo-mnist', label: 'MNIST digits (demo)' },
  extractor: { kind: 'classifier', key: 'classifier-0123', label: 'Domain classifier (10 classes, 96.6% test accuracy)' },
  samples: 500,
  referenceSamples: 9500,
  baselineSamples: 500,
  seed: 0,
  repeats: 1,
  values: [
    { metric: 'kid', value: -0.0012, std: 0.003, ci: null, baseline: 0.001, baselineStd: 0.002, better: 'lower' },
    { metric: 'fid', value: 12.3456, std: null, ci: { low: 11.9, high: 12.8, level: 0.95 }, baseline: 1.5, baselineStd: null, better: 'lower' },
  ],
  notes: [],
  elapsedMs: 1000,
  backend: 'wasm',
};

describe('evaluation report', () => {
  it('writes one CSV row per metric, quoting commas and keeping negative numbers as numbers', () => {
    const lines = toCsv([record]).trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('run,checkpoint,step,evaluated_at,extractor,dataset,samples,reference_samples,baseline_samples,seed,metric,value,std,ci_low,ci_high,ci_level,baseline,baseline_std,better,caveat,draws,draws_low,draws_high');
    expect(lines[1]).toBe(
      '20260101-120000-dcgan-bce-ab12,ckpt-000000250.gsc,250,2026-01-01T12:00:00.000Z,"Domain classifier (10 classes, 96.6% test accuracy)",MNIST digits (demo),500,9500,500,0,kid,-0.0012,0.003,,,,0.001,0.002,lower,,1,,',
    );
    expect(lines[2]).toContain(',fid,12.3456,,11.9,12.8,0.95,1.5,,lower,');
  });

  it('guards text cells against spreadsheet formulas', () => {
    const evil = { ...record, dataset: { key: 'x', label: '=HYPERLINK("http://x")' } };
    expect(toCsv([evil])).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  it('formats numbers with their spread', () => {
    expect(formatNumber(0.000123)).toBe('1.23e-4');
    expect(formatNumber(12.3456)).toBe('12.35');
    // KID at its display scale, ×10³ (the CSV above keeps the raw value).
    expect(formatWithSpread(record.values[0]!)).toBe('-1.2 ± 3');
    // Over several draws: the median and the range, at the display scale, in the CSV as raw values.
    const drawn = { metric: 'kid' as const, value: 0.0428, std: null, ci: null, draws: { n: 5, low: 0.0226, high: 0.0619 } };
    expect(formatWithSpread(drawn)).toBe('42.8 (22.6–61.9, 5 draws)');
    const csv = toCsv([{ ...record, repeats: 5, values: [{ ...drawn, baseline: 0.0012, baselineStd: null, better: 'lower' }] }]).trimEnd().split('\r\n');
    expect(csv[1]).toMatch(/,kid,0\.0428,,,,,0\.0012,,lower,,5,0\.0226,0\.0619$/);
    expect(formatBaseline(record.values[0]!)).toBe('1 ± 2');
    expect(formatWithSpread(record.values[1]!)).toBe('12.35 [11.9, 12.8]');
    expect(checkpointLabel(record)).toBe('dcgan-bce-ab12 · step 250');
  });
});

describe('inCheckpointOrder', () => {
  it('orders by run, then by step ascending, whatever order they were evaluated in (chart and table alike)', () => {
    const rec = (runId: string, step: number, createdAt: string) => ({ runId, checkpoint: { step }, createdAt }) as never;
    const evaluated = [rec('b', 50, '2026-12-03T01:00:00Z'), rec('a', 200, '2026-12-03T00:59:00Z'), rec('a', 50, '2026-12-03T01:02:00Z'), rec('a', 50, '2026-12-03T00:58:00Z')];
    const order = inCheckpointOrder(evaluated).map((r: { runId: string; checkpoint: { step: number }; createdAt: string }) => `${r.runId}@${r.checkpoint.step} ${r.createdAt.slice(11, 16)}`);
    expect(order).toEqual(['a@50 01:02', 'a@50 00:58', 'a@200 00:59', 'b@50 01:00']);
  });
});
