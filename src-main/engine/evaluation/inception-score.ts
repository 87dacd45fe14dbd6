/**
 * Inception Score (Salimans et al. 2016): exp(E_x KL(p(y|x) ‖ p(y))), computed per split of the
 * samples and reported as mean ± standard deviation over splits. It is 1 when every image gets the
 * same class distribution and the number of classes when each image is confidently one class and
 * the classes are used equally. With the domain classifier's logits it measures that classifier's
 * classes, not ImageNet's, so it is comparable only between runs on the same dataset.
 */

export interface InceptionScoreResult {
  mean: number;
  std: number;
  splits: number;
}

/** `logits` is row-major [n × classes]. */
export function inceptionScore(logits: Float32Array, classes: number, splits = 10): InceptionScoreResult {
  const n = logits.length / classes;
  if (!Number.isInteger(n) || n < 1) throw new Error(`Logits of ${logits.length} values do not split into rows of ${classes}`);
  const parts = Math.max(1, Math.min(splits, n));
  const logProbs = logSoftmaxRows(logits, n, classes);
  const scores: number[] = [];
  for (let s = 0; s < parts; s++) {
    const start = Math.floor((s * n) / parts);
    const end = Math.floor(((s + 1) * n) / parts);
    scores.push(Math.exp(meanKl(logProbs, start, end, classes)));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((a, v) => a + (v - mean) ** 2, 0) / scores.length);
  return { mean, std, splits: parts };
}

/** Mean over rows start…end−1 of KL(p(y|x) ‖ p(y)), p(y) being those rows' marginal. */
function meanKl(logProbs: Float64Array, start: number, end: number, classes: number): number {
  const marginal = new Float64Array(classes);
  for (let i = start; i < end; i++) for (let c = 0; c < classes; c++) marginal[c]! += Math.exp(logProbs[i * classes + c]!);
  const count = end - start;
  const logMarginal = marginal.map((p) => Math.log(p / count));
  let kl = 0;
  for (let i = start; i < end; i++) {
    for (let c = 0; c < classes; c++) {
      const lp = logProbs[i * classes + c]!;
      const p = Math.exp(lp);
      // p·log p → 0 as p → 0; skipping exact zeros avoids 0·(−∞).
      if (p > 0) kl += p * (lp - logMarginal[c]!);
    }
  }
  return kl / count;
}

function logSoftmaxRows(logits: Float32Array, n: number, classes: number): Float64Array {
  const out = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[i * classes + c]!);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[i * classes + c]! - max);
    const logSum = max + Math.log(sum);
    for (let c = 0; c < classes; c++) out[i * classes + c] = logits[i * classes + c]! - logSum;
  }
  return out;
}
