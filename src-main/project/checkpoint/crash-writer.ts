/**
 * Child process for the kill -9 test: saves checkpoints in a tight loop until killed, printing
 * "saved <step>" after each save has returned (so it is durable).
 * Usage: node --import tsx crash-writer.ts <dir> <first-step> <floats-per-array>
 */
import { CheckpointStore } from './store';
import { stateForStep } from './testing';

const [dir, first, floats] = process.argv.slice(2);
if (!dir) throw new Error('usage: crash-writer.ts <dir> <first-step> <floats-per-array>');
const store = new CheckpointStore(dir, { keepLast: 2 });
for (let step = Number(first ?? 0); ; step++) {
  await store.save(stateForStep(step, Number(floats ?? 1024)), { best: step % 4 === 0 });
  process.stdout.write(`saved ${step}\n`);
}
