/** `gan-studio serve`: web mode, the app's services on loopback behind a token. */
import { fileURLToPath } from 'node:url';
import { basename, dirname, join, resolve } from 'node:path';
import { backendPreferenceSchema } from '../api/schemas';
import { EngineHost } from '../services/engine-host';
import { nodeEngineLauncher } from '../services/engine-process';
import { StudioService } from '../services/studio-service';
import { startWebServer } from '../server/web-server';
import { defaultProjectDir } from '../services/workspace';
import { installSafetyNet } from '../api/process-net';
import { resolveThreads, threadsEnvVar } from '../engine/backend/threads';
import { parseFlags, wholeFlag } from './flags';
import { serveUsage } from './usage';

export async function serve(args: string[], version: string): Promise<void> {
  const { values } = parseFlags({
    args,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      backend: { type: 'string', default: 'auto' },
      threads: { type: 'string' },
      project: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(serveUsage);
  if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(values.host)) {
    throw new Error(`Refusing to listen on ${values.host}: web mode binds to loopback only. Use an SSH tunnel to reach it from another machine.`);
  }
  const port = wholeFlag('port', values.port, 0, 65535, '0 (the default) picks a free port');
  // One failing handler must not end the server for every client (and the engine with it).
  installSafetyNet(process, { name: 'web server' });
  const backend = backendPreferenceSchema.parse(values.backend);
  const engine = new EngineHost({
    launcher: nodeEngineLauncher({
      entry: join(builtMainDir(), 'engine.js'),
      // Checked here, so a bad value is a message now rather than an engine that fails to start.
      env: { GAN_STUDIO_BACKEND: backend, [threadsEnvVar]: String(resolveThreads(values.threads)) },
    }),
  });
  const service = new StudioService({ engine, app: { name: 'GAN Studio', version, mode: 'web', platform: process.platform },
  });
  const project = await service.openProject(resolve(values.project ?? defaultProjectDir()), { create: true });
  void engine.start();
  const server = await startWebServer({
    service,
    staticDir: join(builtMainDir(), '..', 'renderer'),
    host: values.host,
    port,
  });
  process.stdout.write(`GAN Studio ${version} (web mode)\n  Project: ${project.dir}\n  Open: ${server.url}\n  Press Ctrl+C to stop.\n`);
  const shutdown = async () => {
    // engine.stop() lets a run in progress save its checkpoint first: say why the prompt waits.
    process.stdout.write('\nStopping GAN Studio: a run in progress saves a checkpoint first…\n');
    await server.close();
    await engine.stop();
    // The lock goes with the server: the next app or command opens the project without a takeover.
    await service.closeProject();
    process.stdout.write('Stopped.\n');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

/**
 * out/main, where the build puts engine.js (beside cli.js) and ../renderer: this module runs from
 * out/main/chunks/ when the CLI loads it on demand.
 */
function builtMainDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return basename(here) === 'chunks' ? dirname(here) : here;
}
