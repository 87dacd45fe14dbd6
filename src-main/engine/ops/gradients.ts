/**
 * tfjs-core's package entry registers no gradients (the union @tensorflow/tfjs package does that
 * by importing dist/register_all_gradients). That file is only published as extension-less ESM,
 * which bundlers and vitest load fine but plain Node/tsx cannot: its `./gradients` import resolves
 * to the dist/gradients/ directory (ERR_UNSUPPORTED_DIR_IMPORT). Under Node we therefore install
 * a resolve hook that tries `<specifier>.js` first for relative imports inside tfjs-core's dist.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerSecondOrderGradients } from './second-order';

const hook = `
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('.') && !/\\.[cm]?js$/.test(specifier) &&
      context.parentURL && context.parentURL.includes('/@tensorflow/tfjs-core/dist/')) {
    try { return await next(specifier + '.js', context); } catch {}
  }
  return next(specifier, context);
}`;

let pending: Promise<void> | null = null;

export function gradientsRegistered(): boolean {
  return tf.getGradient(tf.Sum) != null && tf.getGradient(tf.Conv2D) != null;
}

/**
 * Registers every tfjs gradient, plus the zero/adjoint gradients of ./second-order, once; safe to
 * call repeatedly and from any entry point.
 */
export function ensureGradientsRegistered(): Promise<void> {
  if (gradientsRegistered()) {
    registerSecondOrderGradients();
    return Promise.resolve();
  }
  pending ??= (async () => {
    const nodeModule = await loadNodeModule();
    try {
      nodeModule?.register?.(`data:text/javascript,${encodeURIComponent(hook)}`, import.meta.url);
    } catch {
      // No hooks (a browser, an old runtime): a bundler must then have resolved the import below.
    }
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
    if (!gradientsRegistered()) throw new Error('tfjs gradients did not register');
    registerSecondOrderGradients();
  })();
  return pending;
}

type NodeModule = { register?: (specifier: string, parentURL: string) => void };

async function loadNodeModule(): Promise<NodeModule | null> {
  try {
    return (await import('node:module')) as NodeModule;
  } catch {
    return null;
  }
}
