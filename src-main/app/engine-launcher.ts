/** Electron's way to run the engine: a utilityProcess, so a crash never takes a window down. */
import { utilityProcess } from 'electron';
import type { EngineLauncher } from '../services/engine-process';
import { engineProcessEnv } from '../shared/engine-env';

export function utilityEngineLauncher(entry: string, env: Record<string, string>): EngineLauncher {
  return () => {
    const child = utilityProcess.fork(entry, [], {
      serviceName: 'GAN Studio engine',
      env: { ...process.env, ...engineProcessEnv(), ...env },
      stdio: 'inherit',
    });
    return {
      get pid() {
        return child.pid ?? null;
      },
      send: (message) => child.postMessage(message),
      onMessage: (listener) => void child.on('message', listener),
      onExit: (listener) => void child.on('exit', (code) => listener({ code, signal: null })),
      kill: () => void child.kill(),
    };
  };
}
