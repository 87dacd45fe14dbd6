/**
 * gan-studio command line. `serve` runs web mode; more commands (train, sample, import, export,
 * eval) share the same engine and services as the app.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { backendPreferenceSchema } from '../api/schemas';
import { EngineHost } from '../services/engine-host';
import { nodeEngineLauncher } from '../services/engine-process';
import { StudioService } from '../services/studio-service';
import { startWebServer } from '../server/web-server';

const usage = `Usage: gan-studio <command> [options]

Commands:
  serve      Run GAN Studio in the browser (web mode) on 127.0.0.1

Options for serve:
  --port <n>       Port to listen on (default: a free one)
  --host <addr>    Loopback address to bind (default 127.0.0.1)
  --backend <b>    auto | tensorflow | wasm | cpu (default auto)
  -h, --help       Show this help
`;

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      backend: { type: 'string', default: 'auto' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(usage);
  if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(values.host)) {
    throw new Error(`Refusing to listen on ${values.host}: web mode binds to loopback only. Use an SSH tunnel to reach it from another machine.`);
  }
  const backend = backendPreferenceSchema.parse(values.backend);
  const engine = new EngineHost({
    launcher: nodeEngineLauncher({
      entry: fileURLToPath(new URL('./engine.js', import.meta.url)),
      env: { GAN_STUDIO_BACKEND: backend },
    }),
  });
  const service = new StudioService({ engine, app: { name: 'GAN Studio', version, mode: 'web', platform: process.platform } });
  void engine.start();
  const server = await startWebServer({
    service,
    staticDir: fileURLToPath(new URL('../renderer', import.meta.url)),
    host: values.host,
    port: Number(values.port),
  });
  process.stdout.write(`GAN Studio ${version} (web mode)\n  Open: ${server.url}\n  Press Ctrl+C to stop.\n`);
  const shutdown = async () => {
    await server.close();
    await engine.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(usage);
      return;
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${usage}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`gan-studio: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
