/**
 * Trains a real tiny run into the server's project with the CLI (the same engine code, in its own
 * process), for specs that need finished runs without driving the Train view for each one.
 * The app lists it after a reload (project.current reads runs/ from disk).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function trainRunWithCli(project: string, args: string[] = []): Promise<string> {
  const { stdout, stderr } = await run(
    process.execPath,
    ['out/main/cli.js', 'train', '--out', project, '--backend', 'wasm', '--preset', 'mlp', '--steps', '20', '--batch', '8', ...args],
    { timeout: 120_000 },
  );
  // The CLI reports on stderr ("Samples and checkpoints: <project>/runs/<id>").
  const runId = /runs[/\\]([^/\\\s]+)/.exec(stderr + stdout)?.[1];
  if (!runId) throw new Error(`could not find the run id in the CLI output:\n${stdout}${stderr}`);
  return runId;
}
