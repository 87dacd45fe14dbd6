/**
 * The Learn playground's speed and dynamics: for each loss on the ring of 8 Gaussians (defaults
 * otherwise), generator updates per second and the modes covered after --seconds of training, on
 * the backend and threads the playground uses (its own worker: wasm on one thread).
 *
 *   npx tsx bench/learn.ts [--seconds 10] [--threads 1] [--losses bce,lsgan,wgan-gp,hinge] [--distribution ring8]
 */
import { initRuntime } from '../src-main/engine/runtime';
import { defaultLearnSettings, learnLosses, type LearnDistribution, type LearnLoss } from '../src-main/api/learn';
import { Playground } from '../src-main/engine/learn/playground';
import { relaunchWithEngineEnv } from '../src-main/shared/engine-env';

// The engine's allocator settings (src-main/shared/engine-env.ts), as the app's engine process has them.
await relaunchWithEngineEnv();

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const seconds = Number(arg('seconds') ?? 10);
const threads = Number(arg('threads') ?? 1);
const losses = (arg('losses')?.split(',') ?? learnLosses) as LearnLoss[];
const distribution = (arg('distribution') ?? 'ring8') as LearnDistribution;
const backend = await initRuntime('wasm', { threads });
console.log(`Learn playground, ${distribution}, ${backend.active} on ${backend.threads ?? 1} thread(s), ${seconds} s per loss\n`);
console.log('| loss | updates/s | frame ms | modes covered at 1 s | at 3 s | at end |');
console.log('|---|---|---|---|---|---|');
for (const loss of losses) {
  const playground = new Playground({ ...defaultLearnSettings, distribution, loss });
  const started = performance.now();
  const covered: string[] = [];
  const marks = [1, 3];
  let frames = 0;
  let frameMs = 0;
  while (performance.now() - started < seconds * 1000) {
    const batch = performance.now();
    while (performance.now() - batch < 40) playground.update();
    const t = performance.now();
    const frame = await playground.frame(true, 0);
    frameMs += performance.now() - t;
    frames++;
    const elapsed = (performance.now() - started) / 1000;
    if (marks.length && elapsed >= marks[0]!) {
      marks.shift();
      covered.push(`${frame.diagnostics.modes?.covered ?? '–'}`);
    }
  }
  const last = await playground.frame(false, 0);
  const elapsed = (performance.now() - started) / 1000;
  console.log(`| ${loss} | ${(playground.step / elapsed).toFixed(0)} | ${(frameMs / frames).toFixed(1)} | ${covered.join(' | ')} | ${last.diagnostics.modes?.covered ?? '–'} of ${last.diagnostics.modes?.total ?? '–'} (step ${playground.step}) |`);
  playground.dispose();
}
