/**
 * gan-studio command line: the same engine and services as the app, for headless machines,
 * scripts and benchmarks.
 */
import { createRequire } from 'node:module';
import { serve, serveUsage } from './serve';
import { train, trainUsage } from './train';
import { sample, sampleUsage } from './sample';
import { importFolder, importUsage } from './import';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const usage = `GAN Studio ${version}

Usage: gan-studio <command> [options]

Commands:
  serve      Run GAN Studio in the browser (web mode) on 127.0.0.1
  import     Import a folder of images into a project's dataset
  train      Train a GAN from the terminal
  sample     Render a sample grid from a run's newest checkpoint

Run \`gan-studio <command> --help\` for a command's options.
`;

const commands: Record<string, { run: (args: string[], version: string) => Promise<void>; usage: string }> = {
  serve: { run: serve, usage: serveUsage },
  import: { run: importFolder, usage: importUsage },
  train: { run: train, usage: trainUsage },
  sample: { run: sample, usage: sampleUsage },
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
  process.stderr.write(`gan-studio: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
