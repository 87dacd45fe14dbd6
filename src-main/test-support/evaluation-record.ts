/** An evaluation record for tests that need one on disk or on screen: KID 0.1 at step 10 unless overridden. */
import type { EvaluationRecord } from '../api/evaluation';

export function evaluationRecord(over: Partial<EvaluationRecord> = {}): EvaluationRecord {
  const runId = over.runId ?? '20260101-120000-dcgan-bce-ab12';
  const createdAt = over.createdAt ?? '2026-01-01T12:00:00.000Z';
  return {
    id: `${runId}-${createdAt}`,
    runId,
    checkpoint: { file: 'ckpt-000000010.gsc', step: 10, sha256: 'a'.repeat(64), ema: false },
    createdAt,
    dataset: { key: 'demo-mnist', label: 'MNIST digits (demo)' },
    extractor: { kind: 'classifier', key: 'classifier-x', label: 'Domain classifier' },
    samples: 100,
    referenceSamples: 9900,
    baselineSamples: 100,
    seed: 0,
    repeats: 1,
    values: [{ metric: 'kid', value: 0.1, std: 0.01, ci: null, baseline: 0.001, baselineStd: 0.001, better: 'lower' }],
    notes: [],
    elapsedMs: 5,
    backend: 'wasm',
    ...over,
  };
}
