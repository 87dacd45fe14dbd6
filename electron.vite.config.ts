import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';
import { metaContentSecurityPolicy } from './src-main/services/csp';

/** The renderer's CSP as a meta tag, from the same source web mode sends as a header. */
function injectCsp(): Plugin {
  return {
    name: 'gan-studio:csp',
    transformIndexHtml: {
      order: 'pre',
      handler: () => [
        { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: metaContentSecurityPolicy }, injectTo: 'head-prepend' },
      ],
    },
  };
}

// Packages resolved at run time from node_modules rather than bundled: native addons, wasm
// binaries located relative to their package, and the optional GPU backend that may be absent.
const runtimeExternal = [
  '@tensorflow/tfjs-node-gpu',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  'onnxruntime-node',
  'sharp',
  'mnist',
  'fflate',
];

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: { include: runtimeExternal },
      rollupOptions: {
        input: {
          index: resolve('src-main/app/index.ts'),
          engine: resolve('src-main/engine/process/engine-main.ts'),
          cli: resolve('src-main/cli/index.ts'),
          // Image decoding runs in worker threads, which load this file next to engine.js.
          'decode-worker': resolve('src-main/engine/dataset/decode-worker.ts'),
          'learn-worker': resolve('src-main/engine/learn/learn-worker.ts'),
          'train-worker': resolve('src-main/engine/training/train-worker.ts'),
          'replica-worker': resolve('src-main/engine/training/parallel/replica-worker.ts'),
        },
        external: runtimeExternal,
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { preload: resolve('src-main/app/preload.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [svelte({ configFile: false }), injectCsp()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: resolve('src-renderer/index.html') },
    },
  },
});
