/**
 * Assembles ./kernels.wat with wabt (WebAssembly's own text-format toolkit, a dev dependency)
 * into the bytes ./kernels.generated.ts embeds: one module that imports an ordinary memory
 * (tfjs-backend-wasm's single-thread build) and one that imports a shared memory (its threaded
 * build). The app never loads wabt; `npm run build:kernels` writes the file, and a test checks that
 * it matches the .wat.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
export const GENERATED = here('./kernels.generated.ts');
const IMPORT = '(import "env" "memory" (memory 1))';
/** A shared memory must declare a maximum: tfjs' threaded heap may grow to 4 GB (65,536 pages). */
const SHARED_IMPORT = '(import "env" "memory" (memory 1 65536 shared))';

export async function assembleKernels(): Promise<{ plain: Uint8Array; shared: Uint8Array }> {
  const source = await readFile(here('./kernels.wat'), 'utf8');
  if (!source.includes(IMPORT)) throw new Error(`kernels.wat must import its memory as ${IMPORT}`);
  const toolkit = await wabt();
  const assemble = (text: string, threads: boolean) => {
    const features = { simd: true, bulk_memory: true, threads };
    const module = toolkit.parseWat('kernels.wat', text, features);
    try {
      // wabt's typings leave out validate's features (without them a shared memory is refused).
      (module.validate as (options: typeof features) => void)(features);
      return module.toBinary({}).buffer;
    } finally {
      module.destroy();
    }
  };
  return { plain: assemble(source, false), shared: assemble(source.replace(IMPORT, SHARED_IMPORT), true) };
}

export function generatedSource(bytes: { plain: Uint8Array; shared: Uint8Array }): string {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  return `// Generated from kernels.wat by \`npm run build:kernels\` (build.ts): do not edit.
export const KERNELS_WASM = '${b64(bytes.plain)}';
export const KERNELS_WASM_SHARED_MEMORY = '${b64(bytes.shared)}';
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = generatedSource(await assembleKernels());
  await writeFile(`${GENERATED}.tmp`, text);
  await rename(`${GENERATED}.tmp`, GENERATED);
  process.stdout.write(`Wrote ${GENERATED} (${text.length} characters)\n`);
}
