/**
 * gan-studio command line: the same engine and services as the app, for headless machines,
 * scripts and benchmarks. Commands load on demand, so `--help` and `--version` answer at once
 * without loading TensorFlow.js or sharp.
 */
import { createRequire } from 'node:module';
import { StudioError } from '../api/rpc';
import * as usages from './usage';
import { relaunchWithEngineEnv } from '../shared/engine-env';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const usage = `GAN Studio ${version}

Usage: gan-studio <command> [options]

Commands:
  serve           Run GAN Studio in the browser (web mode) on 127.0.0.1
  import          Import a folder of images into a project's dataset
  train           Train a GAN from the terminal
  sample          Render a sample grid from a run's checkpoint
  export          Export grids, image sets, animations, HTML galleries or the model
  export-dataset  Export the project's dataset for StyleGAN2-ADA (a dataset zip)
  eval            Evaluate a checkpoint: KID, FID, IS, precision/recall, density/coverage
  metrics         A run's logged metrics: summary, CSV, TensorBoard event files

Run \`gan-studio <command> --help\` for a command's options, \`gan-studio --version\` for the version.
`;

type Command = (args: string[], version: string) => Promise<void>;
const commands: Record<string, { usage: string; load: () => Promise<Command> }> = {
  serve: { usage: usages.serveUsage, load: async () => (await import('./serve')).serve },
  import: { usage: usages.importUsage, load: async () => (await import('./import')).importFolder },
  train: { usage: usages.trainUsage, load: async () => (await import('./train')).train },
  sample: { usage: usages.sampleUsage, load: async () => (await import('./sample')).sample },
  export: { usage: usages.exportUsage, load: async () => (await import('./export')).exportCommand },
  'export-dataset': { usage: usages.exportDatasetUsage, load: async () => (await import('./export-dataset')).exportDataset },
  eval: { usage: usages.evalUsage, load: async () => (await import('./eval')).evaluate },
  metrics: { usage: usages.metricsUsage, load: async () => (await import('./metrics')).metrics },
};

/**
 * Commands that run the engine in this process. On wasm (where ONNX Runtime computes) they run with
 * the engine process's allocator settings, as the app's engine does: relaunched once with them
 * (shared/engine-env.ts) before anything else happens, such as taking the project's lock.
 */
const engineCommands = new Set(['train', 'sample', 'export', 'eval']);

function backendFlag(args: string[]): string {
  const at = args.indexOf('--backend');
  if (at >= 0) return args[at + 1] ?? 'auto';
  return args.find((a) => a.startsWith('--backend='))?.slice('--backend='.length) ?? 'auto';
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help') return void process.stdout.write(usage);
  if (command === '-v' || command === '--version') return void process.stdout.write(`${version}\n`);
  const entry = commands[command];
  if (!entry) {
    process.stderr.write(`Unknown command: ${command}\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  if (rest.includes('-h') || rest.includes('--help')) return void process.stdout.write(entry.usage);
  if (engineCommands.has(command) && ['auto', 'wasm'].includes(backendFlag(rest))) await relaunchWithEngineEnv();
  await (await entry.load())(rest, version);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const issues = err instanceof StudioError && err.issues ? err.issues.map((issue) => `\n  ${issue}`).join('') : '';
  process.stderr.write(`gan-studio: ${err instanceof Error ? err.message : String(err)}${issues}\n`);
  process.exit(1);
});
