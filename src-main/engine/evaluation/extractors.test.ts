/**
 * Feature extractors: the digit classifier learns the digits (stated accuracy: at least 95% on the
 * 1,000 held-out demo digits; about 96.6% measured with the defaults), survives a save/load, caches
 * itself, and gives gradients; graph models load through the file-system handler, compute what
 * their graph says, and are refused when a file no longer matches its checksum.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setUpBackends } from '../backend/kernels/testing';
import { loadMnistDemo, type LabelledImages } from '../dataset/mnist-demo';
import { DomainClassifier, classifierExtractor, classifierFor, guessingScore, savedChance } from './classifier';
import { extractAll, labelledImageSource } from './extractor';
import { cacheGraphModel, loadGraphModelExtractor } from './graph-model';
import { writeTinyGraphModel } from './testing';

let work: string;
let digits: DomainClassifier;

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
  work = await mkdtemp(join(tmpdir(), 'gan-extractors-'));
  digits = await DomainClassifier.train(loadMnistDemo());
}, 180_000);

afterAll(() => digits?.dispose());

describe('DomainClassifier on the demo digits', () => {
  it('reaches at least 95% accuracy on the held-out digits', () => {
    expect(digits.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(digits.task).toBe('labels');
    expect(digits.testAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('gives 128-d features and logits for images of any size and channel count', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const grey28 = tf.randomUniform([3, 28, 28, 1], -1, 1) as tf.Tensor4D;
      const rgb64 = tf.randomUniform([2, 64, 64, 3], -1, 1) as tf.Tensor4D;
      expect(digits.features(grey28).shape).toEqual([3, 128]);
      expect(digits.logits(rgb64).shape).toEqual([2, 10]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has logits differentiable with respect to the images (for classifier-gradient directions)', () => {
    tf.tidy(() => {
      const images = tf.randomUniform([2, 28, 28, 1], -1, 1) as tf.Tensor4D;
      const pick3 = tf.oneHot(tf.tensor1d([3, 3], 'int32'), 10);
      const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(digits.logits(x as tf.Tensor4D), pick3)))(images);
      expect(grad.shape).toEqual([2, 28, 28, 1]);
      expect(tf.max(tf.abs(grad)).dataSync()[0]).toBeGreaterThan(0);
    });
  });

  it('saves and loads to the same predictions, with a digest of the file', async () => {
    const file = join(work, 'digits.gsc');
    await digits.save(file);
    const loaded = await DomainClassifier.load(file);
    expect(loaded.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.testAccuracy).toBe(digits.testAccuracy);
    // Guessing the most common digit of the 1,000 test images: a little over 1 in 10.
    expect(digits.chance).toBeGreaterThan(0.1);
    expect(digits.chance).toBeLessThan(0.14);
    expect(loaded.chance).toBe(digits.chance);
    const images = tf.randomUniform([4, 28, 28, 1], -1, 1, 'float32', 3) as tf.Tensor4D;
    const [a, b] = [digits.logits(images), loaded.logits(images)];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([images, a, b]);
    loaded.dispose();
    // A flipped byte fails the checkpoint digest.
    const bytes = await readFile(file);
    bytes[bytes.length - 100]! ^= 0xff;
    await writeFile(join(work, 'damaged.gsc'), bytes);
    await expect(DomainClassifier.load(join(work, 'damaged.gsc'))).rejects.toThrow(/checksum/);
  });

  it('as an extractor: real digits of a class sit closer to each other than to other classes', async () => {
    const data = loadMnistDemo();
    const extractor = classifierExtractor(digits);
    const { features, logits } = await extractAll(extractor, labelledImageSource(data, Array.from({ length: 200 }, (_, i) => i)));
    expect(features.n).toBe(200);
    expect(logits).toHaveLength(200 * 10);
    const centroid = (label: number) => {
      const c = new Float64Array(features.dim);
      let count = 0;
      for (let i = 0; i < 200; i++) if (data.labels[i] === label) { count++; for (let j = 0; j < features.dim; j++) c[j]! += features.data[i * features.dim + j]!; }
      return c.map((v) => v / count);
    };
    const dist = (a: Float64Array, i: number) => a.reduce((s, v, j) => s + (v - features.data[i * features.dim + j]!) ** 2, 0);
    const [c0, c1] = [centroid(0), centroid(1)];
    const zeros = Array.from({ length: 200 }, (_, i) => i).filter((i) => data.labels[i] === 0);
    expect(zeros.filter((i) => dist(c0, i) < dist(c1, i)).length / zeros.length).toBeGreaterThan(0.9);
  });
});

describe('classifierFor', () => {
  it('trains once, caches in the folder, and loads from the cache afterwards', async () => {
    const cacheDir = join(work, 'cache');
    let progress = 0;
    const first = await classifierFor('demo:mnist', { cacheDir, epochs: 1, maxTrainImages: 1000, onProgress: () => progress++ });
    expect(progress).toBeGreaterThan(0);
    const file = join(cacheDir, 'classifier-demo-mnist.gsc');
    expect((await stat(file)).size).toBeGreaterThan(0);
    progress = 0;
    const second = await classifierFor('demo:mnist', { cacheDir, onProgress: () => progress++ });
    expect(progress).toBe(0);
    expect(second.digest).toBe(first.digest);
    first.dispose();
    second.dispose();
  });

  it('falls back to the rotation task for unlabelled images', async () => {
    const demo = loadMnistDemo();
    const unlabelled: LabelledImages = { ...demo, labels: new Int32Array(demo.count).fill(-1), classNames: [] };
    const classifier = await DomainClassifier.train(unlabelled, { epochs: 2, maxTrainImages: 3000 });
    expect(classifier.task).toBe('rotation');
    expect(classifier.classNames).toHaveLength(4);
    expect(classifier.testAccuracy).toBeGreaterThan(0.5);
    expect(classifier.chance).toBe(0.25);
    expect(classifierExtractor(classifier).classes).toBe(0);
    classifier.dispose();
  }, 120_000);
});

describe('guessingScore and savedChance', () => {
  it('scores the training images’ most common label on the test images, or 1 in k where that is less', () => {
    expect(guessingScore([0, 1, 1, 1, 2, 1, 0, 1, 1, 1], [1, 1, 0, 2])).toBe(0.5);
    // The test images' own majority (0) is not what the guess learned (1): a random guess does better.
    expect(guessingScore([1, 1, 0], [0, 0, 0, 1])).toBe(0.5);
    // Four balanced classes and a small test split that happens to hold few of the guessed class.
    const train = Array.from({ length: 274 }, (_, i) => (i < 70 ? 0 : 1 + (i % 3)));
    const test = [...Array(4).fill(0), ...Array(9).fill(1), ...Array(9).fill(2), ...Array(8).fill(3)];
    expect(guessingScore(train, test)).toBe(0.25);
    expect(guessingScore([3], [3])).toBe(1);
    expect(guessingScore([2], [])).toBe(0);
  });

  it('reads a saved share, and null for a classifier cached before it was kept or a damaged value', () => {
    expect(savedChance(0.7)).toBe(0.7);
    expect([undefined, null, '0.7', -0.1, 1.5, Number.NaN].map(savedChance)).toEqual([null, null, null, null, null, null]);
  });
});

describe('graph-model extractor', () => {
  it('loads a cached graph model and computes exactly its graph, on images fitted to its input', async () => {
    const model = await writeTinyGraphModel(join(work, 'tiny-src'));
    const cache = join(work, 'extractors', 'inception');
    const sidecar = await cacheGraphModel({ dir: model.dir }, cache, { name: 'Tiny test model', inputRange: '-1,1' });
    expect(Object.keys(sidecar.files).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const extractor = await loadGraphModelExtractor(cache);
    expect(extractor.dim).toBe(4);
    tf.tidy(() => {
      const x = tf.randomUniform([3, 8, 8, 3], -1, 1, 'float32', 5) as tf.Tensor4D;
      const { features } = extractor.apply(x);
      const expected = model.reference(x).dataSync();
      features.dataSync().forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
      // Greyscale 16×16 input is resized and tiled to the model's 8×8 RGB.
      expect(extractor.apply(tf.zeros([2, 16, 16, 1])).features.shape).toEqual([2, 4]);
    });
    extractor.dispose();
  });

  it('refuses a cached file that no longer matches its checksum', async () => {
    const model = await writeTinyGraphModel(join(work, 'tiny-src-2'));
    const cache = join(work, 'extractors', 'tampered');
    await cacheGraphModel({ dir: model.dir }, cache);
    const shard = join(cache, 'group1-shard1of1.bin');
    const bytes = await readFile(shard);
    bytes[0]! ^= 1;
    await writeFile(shard, bytes);
    await expect(loadGraphModelExtractor(cache)).rejects.toThrow(/checksum/);
  });

  it('downloads from a URL once, and refuses a download whose model.json is not the pinned one', async () => {
    const model = await writeTinyGraphModel(join(work, 'served'));
    const requests: string[] = [];
    const server: Server = createServer(async (req, res) => {
      requests.push(req.url ?? '');
      const name = new URL(req.url ?? '/', 'http://x').pathname.split('/').at(-1)!;
      try {
        res.end(await readFile(join(model.dir, name)));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const url = `http://127.0.0.1:${port}/models/tiny/model.json?tfjs-format=file`;
    try {
      const pinned = (await import('node:crypto')).createHash('sha256').update(await readFile(join(model.dir, 'model.json'))).digest('hex');
      // The test server is on loopback, which real downloads refuse (model-download.test.ts).
      const resolveHost = async (host: string) => [{ address: host, family: 4 }];
      const sidecar = await cacheGraphModel({ url }, join(work, 'extractors', 'downloaded'), { expectedSha256: pinned, resolveHost });
      expect(sidecar.source).toBe(url);
      expect(requests).toEqual(['/models/tiny/model.json?tfjs-format=file', '/models/tiny/group1-shard1of1.bin?tfjs-format=file']);
      const extractor = await loadGraphModelExtractor(join(work, 'extractors', 'downloaded'));
      expect(extractor.dim).toBe(4);
      extractor.dispose();
      await expect(cacheGraphModel({ url }, join(work, 'extractors', 'wrong'), { expectedSha256: '0'.repeat(64), resolveHost })).rejects.toThrow(/not the pinned one/);
    } finally {
      server.close();
    }
  });
});
