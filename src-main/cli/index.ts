/**
 * gan-studio command line: the same engine and services as the app, for headless machines,
 * scripts and benchmarks.
 */
import { createRequire } from 'node:module';
import { serve, serveUsage } from './serve';
import { train, trainUsage } from './train';
import { sample, sampleUsage } from './sample';
import { importFolder, importUsage } from './import';
import { exportCommand, exportUsage } from './export';
import { evaluate, evalUsage } from './eval';
import { StudioError } from '../api/rpc';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const usage = `GAN Studio ${version}

Usage: gan-studio <command> [options]

Commands:
  serve      Run GAN Studio in the browser (web mode) on 127.0.0.1
  import     Import a folder of images into a project's dataset
  train      Train a GAN from the terminal
  sample     Render a sample grid from a run's newest checkpoint
  export     Export grids, image sets, animations, HTML galleries or the model
  eval       Evaluate a checkpoint: KID, FID, IS, precision/recall, density/coverage

Run \`gan-studio <command> --help\` for a command's options.
`;

const commands: Record<string, { run: (args: string[], version: string) => Promise<void>; usage: string }> = {
  serve: { run: serve, usage: serveUsage },
  import: { run: importFolder, usage: importUsage },
  train: { run: train, usage: trainUsage },
  sample: { run: sample, usage: sampleUsage },
  export: { run: exportCommand, usage: exportUsage },
  eval: { run: evaluate, usage: evalUsage },
};

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help') {
    process.stdout.write(usage);
    return;
  }
  const entry = commands[command];
  if (!entry) {
    process.stderr.write(`Unknown command: ${command}\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  await entry.run(rest, version);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const issues = err instanceof StudioError && err.issues ? err.issues.map((issue) => `\n  ${issue}`).join('') : '';
  process.stderr.write(`gan-studio: ${err instanceof Error ? err.message : String(err)}${issues}\n`);
  process.exit(1);
});
