/**
 * A script that relaunches itself with the engine's environment (engine-env.test.ts drives it):
 * prints its pid and GLIBC_TUNABLES, then `exit <code>`, `signals <ms>` (counts SIGINTs for ms,
 * exits with 10 + the count), `busy <ms>` (handles one SIGINT as train does, process.once, exiting
 * with 21 soon after; computes synchronously for ms first) or `wait` (runs until killed).
 */
import { relaunchWithEngineEnv } from '../shared/engine-env';

await relaunchWithEngineEnv();
const [mode, value] = process.argv.slice(2);
let sigints = 0;
if (mode === 'signals') process.on('SIGINT', () => void sigints++);
process.stdout.write(`${process.pid} ${process.env.GLIBC_TUNABLES ?? ''} ${process.env.GAN_STUDIO_RELAUNCHED ?? 'unmarked'}\n`);
if (mode === 'exit') process.exit(Number(value));
if (mode === 'signals') setTimeout(() => process.exit(10 + sigints), Number(value));
if (mode === 'wait') setInterval(() => undefined, 1000);
if (mode === 'busy') {
  process.once('SIGINT', () => setTimeout(() => process.exit(21), 300));
  setInterval(() => undefined, 1000);
  const until = Date.now() + Number(value);
  while (Date.now() < until); // a training step: the event loop does not turn
}
