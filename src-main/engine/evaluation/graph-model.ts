/**
 * Feature extractors from TensorFlow.js graph models (model.json + weight shards), such as the
 * Inception-v3 feature-vector model that published FIDs use. A model enters the project's cache
 * once — copied from a folder the user picked or downloaded from a URL — and the cache records the
 * SHA-256 of every file; each load re-checks them, so a damaged or swapped file is refused rather
 * than silently changing every FID computed afterwards. Loading goes through
 * @tensorflow/tfjs-converter's loadGraphModel with a file-system IOHandler (tfjs has none for Node
 * without tfjs-node).
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../project/atomic';
import { copyFileChecked, DOWNLOAD_LIMITS, downloadFile, FileTooLargeError, type HostResolver } from './model-download';
import { formatBytes } from '../../shared/bytes';
import { fitImages, type FeatureExtractor } from './extractor';

/** The cache's record of a model: where it came from and each file's digest. */
export const SIDECAR = 'gan-studio-extractor.json';

const fileNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'weight files must be plain file names');
const sidecarSchema = z.object({
  format: z.literal('gan-studio-extractor'),
  version: z.literal(1),
  name: z.string(),
  source: z.string(),
  /** The pixel range the model was trained on: TF-Hub image models take [0, 1]. */
  inputRange: z.enum(['0,1', '-1,1']),
  /** Graph node to read features from (default: the model's first output). */
  outputNode: z.string().nullable(),
  files: z.record(fileNameSchema, z.string().regex(/^[0-9a-f]{64}$/)),
  cachedAt: z.string(),
});
export type ExtractorSidecar = z.infer<typeof sidecarSchema>;

const modelJsonSchema = z.looseObject({
  modelTopology: z.looseObject({ node: z.array(z.unknown()) }),
  weightsManifest: z.array(z.looseObject({ paths: z.array(fileNameSchema) })),
});

export interface CacheOptions {
  name?: string;
  inputRange?: ExtractorSidecar['inputRange'];
  outputNode?: string | null;
  /** SHA-256 that model.json must have (a pinned download). */
  expectedSha256?: string;
  signal?: AbortSignal;
}

/** Progress of a model entering the cache: which file (of how many known so far) and its bytes. */
export type ModelProgress = (progress: { file: string; index: number; count: number; bytes: number; total: number | null }) => void;

/**
 * Copies (from a folder) or downloads (from the URL of its model.json) a graph model into
 * `cacheDir`, replacing what was there only once every file has arrived. Every file is streamed
 * to disk under DOWNLOAD_LIMITS (model-download.ts); URLs must point at public http(s) hosts.
 */
export async function cacheGraphModel(
  from: { dir: string } | { url: string },
  cacheDir: string,
  options: CacheOptions & { limits?: typeof DOWNLOAD_LIMITS; onProgress?: ModelProgress; resolveHost?: HostResolver } = {},
): Promise<ExtractorSidecar> {
  const limits = options.limits ?? DOWNLOAD_LIMITS;
  const base = 'url' in from ? new URL(from.url) : null;
  const staging = `${cacheDir}.tmp-${randomBytes(4).toString('hex')}`;
  let count = 1;
  const fetchInto = (name: string, index: number, maxBytes: number, expectedSha256?: string) => {
    const onProgress = (bytes: number, total: number | null) => options.onProgress?.({ file: name, index, count, bytes, total });
    const common = { maxBytes, onProgress, ...(expectedSha256 ? { expectedSha256 } : {}), ...(options.signal ? { signal: options.signal } : {}) };
    if (!base) return copyFileChecked(join((from as { dir: string }).dir, name), staging, name, common);
    const url = name === 'model.json' ? base : new URL(name, base);
    // TF Hub-style hosts serve each file with the same query (e.g. ?tfjs-format=file).
    if (name !== 'model.json') url.search = base.search;
    return downloadFile(url, staging, name, { ...common, ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}) });
  };
  if (base && base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error(`Only http(s) URLs can be downloaded, not ${base.protocol}`);
  await mkdir(staging, { recursive: true });
  try {
    const json = await fetchInto('model.json', 0, limits.modelJsonBytes, options.expectedSha256);
    const parsed = modelJsonSchema.safeParse(parseJson(await readFile(join(staging, 'model.json'))));
    if (!parsed.success) throw new Error('This is not a TensorFlow.js graph model (model.json has no graph topology or weights manifest).');
    const files: Record<string, string> = { 'model.json': json.sha256 };
    const names = parsed.data.weightsManifest.flatMap((group) => group.paths);
    count = names.length + 1;
    let total = json.bytes;
    for (const [i, name] of names.entries()) {
      options.signal?.throwIfAborted();
      const left = limits.totalBytes - total;
      if (left <= 0) throw new FileTooLargeError(name, 0);
      const file = await fetchInto(name, i + 1, Math.min(limits.fileBytes, left));
      files[name] = file.sha256;
      total += file.bytes;
    }
    const sidecar: ExtractorSidecar = {
      format: 'gan-studio-extractor',
      version: 1,
      name: options.name ?? 'Inception-v3 (graph model)',
      source: 'dir' in from ? from.dir : from.url,
      inputRange: options.inputRange ?? '0,1',
      outputNode: options.outputNode ?? null,
      files,
      cachedAt: new Date().toISOString(),
    };
    await writeFileAtomic(staging, SIDECAR, [Buffer.from(JSON.stringify(sidecar, null, 2))]);
    await rm(cacheDir, { recursive: true, force: true });
    await mkdir(dirname(cacheDir), { recursive: true });
    await rename(staging, cacheDir);
    return sidecar;
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    if (err instanceof FileTooLargeError) {
      throw new Error(
        `Refused ${err.file} from ${'dir' in from ? from.dir : base!.host}: a model's files may take ${formatBytes(limits.totalBytes)} together, ` +
          `${formatBytes(limits.fileBytes)} each (model.json ${formatBytes(limits.modelJsonBytes)}), so a wrong URL cannot fill the disk. ` +
          'Check that this is a TF.js graph model (Inception-v3 is about 95 MB).',
      );
    }
    throw err;
  }
}

/** The sidecar of a cached model, or null when the folder holds none. */
export async function readSidecar(dir: string): Promise<ExtractorSidecar | null> {
  let text: string;
  try {
    text = await readFile(join(dir, SIDECAR), 'utf8');
  } catch {
    return null;
  }
  const parsed = sidecarSchema.safeParse(parseJson(Buffer.from(text)));
  if (!parsed.success) throw new Error(`${join(dir, SIDECAR)} is damaged: re-import the model`);
  return parsed.data;
}

/** A tfjs IOHandler reading model.json and its shards from `dir`, each checked against `digests`. */
export function fileSystemModelHandler(dir: string, digests: Record<string, string>): tf.io.IOHandler {
  const readChecked = async (name: string): Promise<Buffer> => {
    fileNameSchema.parse(name);
    const expected = digests[name];
    if (!expected) throw new Error(`${name} is not among the files recorded when the model was cached`);
    const bytes = await readFile(join(dir, name));
    if (sha256(bytes) !== expected) throw new Error(`${name} in ${basename(dir)} does not match its recorded checksum (damaged or replaced): re-import the model`);
    return bytes;
  };
  return {
    load: async () => {
      const modelJson = parseJson(await readChecked('model.json')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const buffers = [];
        for (const group of manifest) for (const path of group.paths) buffers.push(await readChecked(path));
        const joined = Buffer.concat(buffers);
        return [tf.io.getWeightSpecs(manifest), joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength)];
      });
    },
  };
}

/** Loads a cached graph model as a feature extractor (checksums verified). */
export async function loadGraphModelExtractor(dir: string): Promise<FeatureExtractor> {
  const sidecar = await readSidecar(dir);
  if (!sidecar) throw new Error(`No feature-extractor model has been imported into ${dir}`);
  const model = await loadGraphModel(fileSystemModelHandler(dir, sidecar.files));
  try {
    return graphExtractor(model, sidecar);
  } catch (err) {
    model.dispose();
    throw err;
  }
}

function graphExtractor(model: GraphModel, sidecar: ExtractorSidecar): FeatureExtractor {
  const input = model.inputs[0];
  if (!input) throw new Error('The model has no input');
  const shape = input.shape ?? [];
  // Inception-v3's input is 299 × 299 RGB; a model that leaves the size open gets that.
  const [height, width, channels] = [shape[1] ?? -1, shape[2] ?? -1, shape[3] ?? 3].map((d, i) => (d > 0 ? d : i < 2 ? 299 : 3)) as [number, number, number];
  const output = sidecar.outputNode ?? model.outputs[0]?.name;
  if (!output) throw new Error('The model has no output');
  const run = (images: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => {
      let x = fitImages(images, height, width, channels);
      if (sidecar.inputRange === '0,1') x = tf.div(tf.add(x, 1), 2);
      const out = model.execute(x, output) as tf.Tensor;
      return tf.reshape(out, [images.shape[0], -1]) as tf.Tensor2D;
    });
  const probe = run(tf.zeros([1, height, width, channels]));
  const dim = probe.shape[1];
  probe.dispose();
  const digest = sha256(Buffer.from(JSON.stringify(Object.entries(sidecar.files).sort()))).slice(0, 16);
  return {
    kind: 'graph-model',
    key: `graph-${digest}`,
    label: `${sidecar.name} (${dim}-d features, ${width}×${height} input)`,
    dim,
    classes: 0,
    batchSize: 16,
    // Inception-v3 is ~6 GFLOP per 299-px image: 5,000 real images are already minutes on a CPU.
    realLimit: 5000,
    apply: (images) => ({ features: run(images), logits: null }),
    dispose: () => model.dispose(),
  };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Error('model.json is not valid JSON');
  }
}
