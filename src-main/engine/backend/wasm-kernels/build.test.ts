import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { GENERATED, assembleKernels, generatedSource } from './build';

it('the embedded kernels are kernels.wat as it stands (after editing it, run npm run build:kernels)', async () => {
  expect(await readFile(GENERATED, 'utf8')).toBe(generatedSource(await assembleKernels()));
});
