/**
 * Wraps an async read whose result is sent on (the project's runs list, after each checkpoint):
 * a result is delivered only when no call that started later has delivered already, so two reads
 * that finish out of order never leave the older state last. Every call still returns its own
 * result to its caller.
 */
export function latestOnly<T>(read: () => Promise<T>, deliver: (value: T) => void): () => Promise<T> {
  let started = 0;
  let delivered = 0;
  return async () => {
    const call = ++started;
    const value = await read();
    if (call > delivered) {
      delivered = call;
      deliver(value);
    }
    return value;
  };
}
