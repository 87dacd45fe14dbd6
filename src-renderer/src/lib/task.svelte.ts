/** A `Task` (lib/task.ts) whose state is reactive, for stores the views read. */
import { idleTask, Task, type TaskState } from './task';

export function createTask<P>(requestCancel: () => Promise<unknown>): Task<P> {
  const state: TaskState<P> = $state(idleTask<P>());
  return new Task<P>(requestCancel, state);
}
