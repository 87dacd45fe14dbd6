/** The exported model's example page and README. */
import type { ModelInfo } from './model-export';
import { escapeHtml } from './html-gallery';

/**
 * A page that loads model.json with plain @tensorflow/tfjs and draws 16 samples from consecutive
 * seeds (with latent.js, so seed N is the app's seed N). tfjs comes from `local`, the copy shipped
 * in the export, so the page works offline; the CDN is only tried when that file is missing, or
 * first with ?tfjs=cdn. Every failure (a script, the model, a draw) is shown on the page. Browsers
 * refuse fetch() on file:// URLs, so it needs any static web server (the README and the page say how).
 */
export function examplePage(info: ModelInfo, tfjs: { local: string; cdn: string }): string {
  const classes = info.numClasses > 0
    ? `<label>Class <select id="cls"><option value="-1">cycle 0…${info.numClasses - 1}</option>${Array.from({ length: info.numClasses }, (_, k) => `<option value="${k}">${escapeHtml(classLabel(info, k))}</option>`).join('')}</select></label>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>GAN Studio generator — ${escapeHtml(info.runId)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 24px; }
  #grid { display: grid; grid-template-columns: repeat(4, ${info.resolution * 3}px); gap: 6px; margin-top: 12px; }
  canvas { width: ${info.resolution * 3}px; height: ${info.resolution * 3}px; image-rendering: pixelated; background: #000; }
  #status { opacity: 0.7; }
  #status.error { opacity: 1; color: #b00020; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>Samples from run ${escapeHtml(info.runId)}, step ${info.step}</h1>
<p>Seed N gives the same image here as in GAN Studio (latent.js computes z from the seed).</p>
<form id="controls">
  <label>First seed <input id="seed" type="number" min="0" value="0"></label>
  ${classes}
  <button type="submit">Draw</button>
  <span id="status">Loading model…</span>
</form>
<div id="grid"></div>
<script>
  const COUNT = 16;
  const info = ${JSON.stringify({ zDim: info.zDim, numClasses: info.numClasses, distribution: info.distribution })};
  const statusLine = document.getElementById('status');
  function show(err) {
    let message = err && err.message ? err.message : String(err);
    if (location.protocol === 'file:') message += '\\nBrowsers do not load model files into file:// pages: serve this folder (python3 -m http.server) and open http://localhost:8000/.';
    statusLine.textContent = 'Error: ' + message;
    statusLine.className = 'error';
  }
  window.addEventListener('error', (event) => show(event.error || event.message));
  window.addEventListener('unhandledrejection', (event) => show(event.reason));
  const grid = document.getElementById('grid');
  const canvases = Array.from({ length: COUNT }, () => grid.appendChild(document.createElement('canvas')));

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error('Could not load ' + src));
      document.head.appendChild(script);
    });
  }
  // The tfjs copy shipped beside this page; the CDN only if it is missing (or asked for with ?tfjs=cdn).
  const LOCAL = ${JSON.stringify(tfjs.local)};
  const CDN = ${JSON.stringify(tfjs.cdn)};
  async function loadTf() {
    const sources = new URLSearchParams(location.search).get('tfjs') === 'cdn' ? [CDN, LOCAL] : [LOCAL, CDN];
    const failures = [];
    for (const src of sources) {
      try {
        await loadScript(src);
        if (window.tf) return window.tf;
      } catch (err) {
        failures.push(err.message);
      }
    }
    throw new Error('TensorFlow.js did not load (' + failures.join('; ') + '): keep ' + LOCAL + ' beside index.html, or go online for the CDN.');
  }
  const ready = (async () => {
    await loadScript('latent.js').catch(() => { throw new Error('Could not load latent.js: keep it beside index.html.'); });
    const tf = await loadTf();
    const model = await tf.loadLayersModel('model.json').catch((err) => { throw new Error('Could not load model.json: ' + err.message); });
    return { tf, model };
  })();

  async function draw() {
    const { tf, model } = await ready;
    const first = Number(document.getElementById('seed').value) || 0;
    const chosen = info.numClasses > 0 ? Number(document.getElementById('cls').value) : -1;
    const rows = new Float32Array(COUNT * (info.zDim + info.numClasses));
    for (let i = 0; i < COUNT; i++) {
      const z = ganStudioLatent.latentForSeed(first + i, info.zDim, info.distribution, null);
      const cls = chosen >= 0 ? chosen : i % Math.max(1, info.numClasses);
      rows.set(ganStudioLatent.modelInput(z, info.numClasses, cls), i * (info.zDim + info.numClasses));
    }
    const images = tf.tidy(() => {
      const out = model.predict(tf.tensor2d(rows, [COUNT, info.zDim + info.numClasses]));
      // [-1, 1] → [0, 1], and grey images as they are (toPixels takes 1 or 3 channels).
      return tf.unstack(tf.clipByValue(tf.div(tf.add(out, 1), 2), 0, 1));
    });
    try {
      await Promise.all(images.map((image, i) => tf.browser.toPixels(image, canvases[i])));
    } finally {
      tf.dispose(images);
    }
    statusLine.className = '';
    statusLine.textContent = 'Seeds ' + first + '–' + (first + COUNT - 1) + ' (tfjs ' + tf.version.tfjs + ', ' + tf.getBackend() + ')';
    document.body.dataset.drawn = String(first);
  }
  document.getElementById('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    draw().catch(show);
  });
  draw().catch(show);
</script>
</body>
</html>
`;
}

/** "3", or "3: cats" where the class has a name other than its number. */
function classLabel(info: ModelInfo, k: number): string {
  const name = info.classNames[k];
  return name === undefined || name === String(k) ? String(k) : `${k}: ${name}`;
}

export function readme(info: ModelInfo, directions: number, tfjsVersion: string): string {
  const names = info.classNames.some((name, k) => name !== String(k)) ? ` The classes: ${info.classNames.map((name, k) => `${k} = ${name}`).join(', ')} (also in model.json's metadata, \`classNames\`).` : '';
  const input = info.numClasses > 0
    ? `\`[batch, ${info.zDim + info.numClasses}]\`: the latent z (${info.zDim} values) followed by a one-hot class vector (${info.numClasses} values: 1 at the class, 0 elsewhere).${names}`
    : `\`[batch, ${info.zDim}]\`: the latent z.`;
  return `# GAN Studio generator

Run \`${info.runId}\`, checkpoint \`${info.checkpoint}\` (step ${info.step}), SHA-256 \`${info.sha256}\`.
A ${info.architecture} generator of ${info.resolution}×${info.resolution} px images with ${info.channels === 1 ? '1 channel (grey)' : '3 channels (RGB)'}.

## Files

- \`model.json\`, \`weights.bin\`: a TensorFlow.js layers model. Load it with plain @tensorflow/tfjs:
  \`const model = await tf.loadLayersModel('model.json')\`.
  - **Input** ${input}
  - **Output** \`[batch, ${info.resolution}, ${info.resolution}, ${info.channels}]\`, values in [-1, 1] (map to pixels with \`(x + 1) / 2\`).
  - Batch normalisation uses the statistics gathered in training (inference mode), so an image does not depend on the others in its batch.
- \`latent.js\`: \`ganStudioLatent.latentForSeed(seed, ${info.zDim}, '${info.distribution}', threshold)\` gives the z GAN Studio uses for a seed
  (threshold: null, or a truncation bound; values beyond it are redrawn). \`ganStudioLatent.modelInput(z, ${info.numClasses}, cls)\` builds one input row.
- \`mean-latent.json\`: the mean latent, a zero vector: these generators take z directly (there is no mapping network as in StyleGAN)
  and z is drawn from a centred distribution, so the average latent is the origin. Truncation ψ is \`z · ψ\`.
- \`directions.json\`: the run's saved latent directions (${directions}), unit vectors in z space; edit with \`z + amount · vector\`.
- \`index.html\`: an example page drawing 16 samples. Browsers do not fetch files from \`file://\` pages, so serve the folder:
  \`python3 -m http.server\` (or \`npx http-server\`) here, then open http://localhost:8000/. It needs no network: it loads
  \`tf.min.js\`, the TensorFlow.js build shipped here (open \`index.html?tfjs=cdn\` to load it from the CDN instead).
- \`tf.min.js\`: TensorFlow.js ${tfjsVersion} (Apache-2.0), the stock browser build, for the example page.
- \`sidecar.json\`: how this export was made; GAN Studio can make it again from it.
`;
}
