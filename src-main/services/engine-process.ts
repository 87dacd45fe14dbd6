/** How main starts the engine: a launcher hides child_process vs Electron's utilityProcess. */
import { fork } from 'node:child_process';
import type { HostToEngine } from '../engine/protocol';
import { engineProcessEnv } from '../shared/engine-env';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

export interface EngineProcess {
  readonly pid: number | null;
  send(message: HostToEngine): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (info: ExitInfo) => void): void;
  kill(): void;
}

export type EngineLauncher = () => EngineProcess;

export interface NodeLauncherOptions {
  /** The engine entry: out/main/engine.js when built, the .ts file under tsx in tests. */
  entry: string;
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Plain Node (web mode, CLI, tests): child_process.fork with an IPC channel. */
export function nodeEngineLauncher(options: NodeLauncherOptions): EngineLauncher {
  return () => {
    const child = fork(options.entry, [], {
      execArgv: options.execArgv ?? [],
      // Read at process start: WebGPU's Vulkan loader (if the system has none) and glibc's allocator settings.
      env: { ...process.env, ...engineProcessEnv(), ...options.env },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return {
      get pid() {
        return child.pid ?? null;
      },
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => void child.on('message', listener),
      onExit: (listener) => void child.on('exit', (code, signal) => listener({ code, signal })),
      kill: () => void child.kill('SIGKILL'),
    };
  };
}
