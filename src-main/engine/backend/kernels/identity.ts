/**
 * Identity on wasm without a copy. tfjs-wasm's own kernel copies the tensor; the gradient tape,
 * tf.customGrad and the optimizers call it hundreds of times per training step (a DCGAN-64 step:
 * 451 calls, 91 ms, 3.5 % of the step). Like wasm's Reshape and cpu's Identity, this shares the data
 * and counts the reference: no kernel writes into its inputs, so sharing is safe.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { input, stockKernel, type KernelArgs } from './runner';

interface RefCounting {
  incRef(dataId: object): void;
}

export function identityConfig(backendName: string): KernelConfig {
  return {
    kernelName: tf.Identity,
    backendName,
    kernelFunc: (args) => {
      const x = input((args as KernelArgs).inputs, 'x');
      const backend = args.backend as unknown as Partial<RefCounting>;
      if (x.dtype === 'string' || typeof backend.incRef !== 'function') {
        const stock = stockKernel(tf.Identity, backendName);
        if (!stock) throw new Error(`No stock Identity kernel for backend '${backendName}'`);
        return stock.kernelFunc(args);
      }
      backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype } satisfies TensorInfo;
    },
  };
}
