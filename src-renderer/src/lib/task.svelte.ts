/** A `Task` (lib/task.ts) whose state is reactive, for stores the views read. */
import { idleTask, Task } from './task';

export function createTask<P>(requestCancel: () => Promise<unknown>): Task<P> {
  return new Task<P>(requestCancel, $state(idleTask<P>()));
}
