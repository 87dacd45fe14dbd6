#!/usr/bin/env node
// The CLI is built together with the app (electron-vite build → out/main/cli.js).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('gan-studio: not built yet. Run `npm run build` in the GAN Studio folder first.');
  process.exit(1);
}
await import(cli);
