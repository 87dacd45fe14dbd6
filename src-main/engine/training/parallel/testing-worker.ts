/**
 * A replica that only exchanges (collective.test.ts): rank r sums `length` values r + i·0.5 with
 * weight `weights[r]`, `calls` times, then posts the last result, or the error that stopped it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Collective, type CollectiveInit } from './collective';

interface Data {
  init: CollectiveInit;
  rank: number;
  length: number;
  calls: number;
  weights: number[];
  /** This rank throws before its last call (the others must not hang). */
  failing?: number;
  /** Every call writes into one kept Float32Array; a last call without it checks the rounding. */
  intoFloat32?: boolean;
}

const data = workerData as Data;
const collective = new Collective(data.init, data.rank, 20_000);
try {
  const values = Float64Array.from({ length: data.length }, (_, i) => data.rank + i * 0.5);
  let result: Float64Array = new Float64Array(0);
  for (let call = 0; call < data.calls; call++) {
    if (data.failing === data.rank && call === data.calls - 1) {
      collective.abort();
      throw new Error('replica failed on purpose');
    }
    result = collective.weightedSum(values, data.weights[data.rank]!);
  }
  if (data.intoFloat32) {
    const kept = new Float32Array(data.length);
    let returned: Float32Array = kept;
    for (let call = 0; call < data.calls; call++) returned = collective.weightedSum(values, data.weights[data.rank]!, kept);
    const wide = collective.weightedSum(values, data.weights[data.rank]!);
    const rounded = kept.every((v, i) => v === Math.fround(wide[i]!));
    parentPort!.postMessage({ ok: true, keptReturned: returned === kept, rounded, first: kept[0], length: kept.length });
  } else {
    parentPort!.postMessage({ ok: true, first: result[0], last: result[result.length - 1], length: result.length, sum: result.reduce((a, b) => a + b, 0) });
  }
} catch (err) {
  parentPort!.postMessage({ ok: false, message: (err as Error).message });
}
