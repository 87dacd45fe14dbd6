/**
 * How far V8 lets an engine process's heap grow between full garbage collections.
 *
 * onnxruntime-node returns every product as a fresh copy in a new ArrayBuffer, even when the output
 * was passed in (see shared/engine-env.ts): a 32-px RGB DCGAN step makes tens of MB of them. V8
 * counts ArrayBuffers against the old generation's limit, which it sets to the live size times a
 * factor it picks from recent GC speed: here about 1.3 (94 MB live, limit 121). So the copies
 * started a full mark-compact more than once per step. Measured 2026-12-05 (`tmp` script, one wasm
 * thread, 60 steps of the emoji DCGAN): 78 full GCs, 17 ms per step of main-thread pauses and a
 * concurrent marker busy beside it, 218 ms of CPU per 228-ms step. With a fixed factor of 2: 7 full
 * GCs, 179 ms of CPU per 202-ms step, the same resident memory (450 MB).
 *
 * A factor of 2 lets garbage reach the live heap's size before it is collected: tens of MB here.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 100;

/** Sets V8's heap growing factor to 1 + HEAP_GROWING_PERCENT/100 for this process (every engine
 *  entry point calls it through initRuntime; the flag is read at each limit computation). */
export function tuneHeapGrowth(setFlags: (flags: string) => void = setFlagsFromString): void {
  setFlags(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
