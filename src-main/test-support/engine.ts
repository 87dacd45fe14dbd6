/** Starts the real engine process from source (through tsx) for tests of main-side services. */
import { fileURLToPath } from 'node:url';
import { EngineHost } from '../services/engine-host';
import { nodeEngineLauncher } from '../services/engine-process';

export const engineEntry = fileURLToPath(new URL('../engine/process/engine-main.ts', import.meta.url));

export function sourceEngineHost(env: Record<string, string> = {}): EngineHost {
  return new EngineHost({
    launcher: nodeEngineLauncher({ entry: engineEntry, execArgv: ['--import', 'tsx'], env: { GAN_STUDIO_BACKEND: 'wasm', ...env } }),
    startupTimeoutMs: 60_000,
  });
}

/** An engine stand-in written as a real script, for failure modes the real engine must never show. */
export function scriptEngineHost(script: string): EngineHost {
  const entry = `data:text/javascript,${encodeURIComponent(script)}`;
  return new EngineHost({
    launcher: nodeEngineLauncher({ entry: fileURLToPath(new URL('./run-script.mjs', import.meta.url)), env: { ENGINE_SCRIPT: entry } }),
    startupTimeoutMs: 5_000,
    shutdownTimeoutMs: 1_000,
  });
}
