// Runs a TypeScript worker from source (vitest, tsx, dev): Node 20 ignores `--import tsx` in a
// Worker's execArgv, so the worker registers tsx itself and then imports the real entry, which
// spawnWorker() appends to argv (popped here so the entry sees the argv it would have had).
import { register } from 'tsx/esm/api';

const entry = process.argv.pop();
if (!entry) throw new Error('ts-worker-bootstrap: no entry URL in argv');
register();
await import(entry);
