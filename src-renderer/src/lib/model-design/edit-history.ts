import { diffConfigs } from '../config-diff';

/**
 * Undo and redo over snapshots of a value that is edited in place. Quick changes to the same
 * field (typing a number, dragging a slider) are one step; clicks on different controls are steps
 * of their own; a restored snapshot is not recorded as a new change.
 */
export class EditHistory<T> {
  #past: string[] = [];
  #future: string[] = [];
  #current: string;
  #lastChangeAt = Number.NEGATIVE_INFINITY;
  /** Which fields the last change touched. */
  #lastFields = '';

  constructor(
    initial: T,
    /** Changes closer together than this are one step. */
    private readonly groupMs = 500,
    private readonly limit = 100,
  ) {
    this.#current = JSON.stringify(initial);
  }

  get canUndo(): boolean {
    return this.#past.length > 0;
  }

  get canRedo(): boolean {
    return this.#future.length > 0;
  }

  /** Called with every new value; `now` in ms. */
  record(value: T, now: number): void {
    const text = JSON.stringify(value);
    if (text === this.#current) return;
    const fields = diffConfigs(JSON.parse(this.#current), value).map((row) => row.path).join('|');
    if (now - this.#lastChangeAt >= this.groupMs || fields !== this.#lastFields) {
      this.#past.push(this.#current);
      if (this.#past.length > this.limit) this.#past.shift();
    }
    this.#future = [];
    this.#current = text;
    this.#lastChangeAt = now;
    this.#lastFields = fields;
  }

  /** The value before the last step, or null; the caller puts it in place. */
  undo(): T | null {
    const previous = this.#past.pop();
    if (previous === undefined) return null;
    this.#future.push(this.#current);
    return this.#restore(previous);
  }

  redo(): T | null {
    const next = this.#future.pop();
    if (next === undefined) return null;
    this.#past.push(this.#current);
    return this.#restore(next);
  }

  #restore(text: string): T {
    this.#current = text;
    // The next edit starts a step of its own, even if it comes at once.
    this.#lastChangeAt = Number.NEGATIVE_INFINITY;
    return JSON.parse(text) as T;
  }
}

