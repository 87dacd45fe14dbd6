/** Paths between latents: straight lines, and great-circle arcs that keep a Gaussian z's norm. */

export function lerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + (b[i]! - a[i]!) * t;
  return out;
}

/**
 * Spherical interpolation (Shoemake; White 2016 for GANs): a straight line between two Gaussian
 * samples passes near the origin, where z has a norm the generator never saw in training; the arc
 * stays on the shell where samples live. Nearly parallel vectors fall back to lerp.
 */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  const cos = Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb || 1)));
  const omega = Math.acos(cos);
  const sin = Math.sin(omega);
  if (sin < 1e-6) return lerp(a, b, t);
  const wa = Math.sin((1 - t) * omega) / sin;
  const wb = Math.sin(t * omega) / sin;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i]! + wb * b[i]!;
  return out;
}

/** The point at t ∈ [0, 1] on the path through evenly spaced keyframes. */
export function alongPath(keyframes: readonly Float32Array[], t: number, path: 'slerp' | 'linear'): Float32Array {
  if (keyframes.length === 0) throw new Error('a path needs at least one keyframe');
  if (keyframes.length === 1) return keyframes[0]!.slice();
  const segments = keyframes.length - 1;
  const position = Math.min(Math.max(t, 0), 1) * segments;
  const i = Math.min(Math.floor(position), segments - 1);
  const step = path === 'slerp' ? slerp : lerp;
  return step(keyframes[i]!, keyframes[i + 1]!, position - i);
}
