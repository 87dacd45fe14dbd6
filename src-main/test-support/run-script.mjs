// Runs the script passed in ENGINE_SCRIPT (a data: URL) as a misbehaving engine process.
await import(process.env.ENGINE_SCRIPT);
