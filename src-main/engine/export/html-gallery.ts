/**
 * A self-contained HTML gallery: one index.html with every image embedded as a data: URL, captions,
 * and a few lines of inline script to view an image large. No network, no other files: it opens
 * offline from a USB stick or an e-mail attachment.
 */
import type { ExportRequest } from '../../api/export';
import type { LatentRecipe, SampleSpec } from '../../api/sampling';
import type { RawImage } from '../image/grid';
import { encodePng } from '../image/png';
import type { DirectionVectors, LoadedGenerator } from '../sampling';
import { asRaw, background, geometry, paintTiles } from './canvas';
import type { ExportJob } from './job';
import { renderAll } from './render';
import { renderProgress, tilesOf } from './grid-export';
import { classCaption } from './class-names';

type HtmlRequest = Extract<ExportRequest, { kind: 'html' }>;

export interface GalleryContext {
  runId: string;
  step: number;
  checkpoint: string;
  directions: SampleSpec['directions'];
  truncation: SampleSpec['truncation'];
}

export async function exportHtmlGallery(
  generator: LoadedGenerator,
  spec: SampleSpec,
  request: HtmlRequest,
  directions: DirectionVectors,
  job: ExportJob,
  classNames: readonly string[] = [],
): Promise<RawImage> {
  const { n, tile, tileBytes } = tilesOf(generator, spec);
  const bytes = await renderAll(generator, spec, directions, renderProgress(job, n));
  const figures: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 64 === 0) {
      job.progress('encode', i, n);
      await job.tick();
    }
    const png = await encodePng({ data: bytes.subarray(i * tileBytes, (i + 1) * tileBytes), ...tile });
    figures.push(figure(png.toString('base64'), spec.images[i]!, i, classNames));
  }
  const { identity } = generator;
  const html = galleryPage(request, { runId: identity.runId, step: identity.step, checkpoint: identity.file, directions: spec.directions, truncation: spec.truncation }, tile, figures);
  await job.folder.write('index.html', [Buffer.from(html)]);
  job.note(`index.html embeds all ${n} images; it needs no network and no other file.`);

  const previewCount = Math.min(16, n);
  const g = geometry(previewCount, tile, { cols: 4, padding: 2, background: '#000000', scale: 1 }, null);
  const canvas = await background(g, '#000000', null);
  paintTiles(canvas, g, bytes.subarray(0, previewCount * tileBytes), tile, 0, previewCount);
  return asRaw(canvas, g);
}

function figure(pngBase64: string, recipe: LatentRecipe, index: number, classNames: readonly string[]): string {
  const seeds = recipe.seeds.length === 1 ? `seed ${recipe.seeds[0]}` : `seeds ${recipe.seeds.join('→')} · t ${recipe.t}`;
  const caption = [seeds, recipe.class !== null ? classCaption(classNames, recipe.class) : null].filter(Boolean).join(' · ');
  return `<figure><button type="button" aria-label="View image ${index + 1} large"><img src="data:image/png;base64,${pngBase64}" alt="${escapeHtml(caption)}"></button><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

export function galleryPage(request: HtmlRequest, context: GalleryContext, tile: { width: number; height: number }, figures: readonly string[]): string {
  const size = tile.width * request.thumbnailScale;
  const details = [
    `Run ${context.runId}, checkpoint ${context.checkpoint} (step ${context.step.toLocaleString('en-US')})`,
    `${figures.length} images of ${tile.width}×${tile.height} px`,
    context.truncation.psi !== 1 ? `ψ ${context.truncation.psi}` : null,
    context.truncation.threshold !== null ? `truncated at ±${context.truncation.threshold}` : null,
    ...context.directions.filter((d) => d.amount !== 0).map((d) => `direction ${d.id} × ${d.amount}`),
  ].filter(Boolean) as string[];
  // Inline style and script only: the page must work from file:// with no network.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${escapeHtml(request.title)}</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 24px; }
  header p { margin: 4px 0; opacity: 0.75; font-size: 14px; }
  main { display: grid; grid-template-columns: repeat(auto-fill, minmax(${size + 8}px, 1fr)); gap: 12px; margin-top: 16px; }
  figure { margin: 0; display: flex; flex-direction: column; align-items: center; gap: 4px; }
  figure button { padding: 0; border: 0; background: none; cursor: zoom-in; }
  figure img { width: ${size}px; height: auto; image-rendering: pixelated; display: block; }
  figcaption { font-size: 12px; opacity: 0.8; text-align: center; }
  dialog { padding: 12px; border: 0; border-radius: 8px; }
  dialog img { width: min(80vw, 80vh); height: auto; image-rendering: pixelated; display: block; }
  dialog p { margin: 8px 0 0; text-align: center; font-size: 14px; }
</style>
</head>
<body>
<header>
<h1>${escapeHtml(request.title)}</h1>
${details.map((d) => `<p>${escapeHtml(d)}</p>`).join('\n')}
<p>Made with GAN Studio; sidecar.json beside this page reproduces every image.</p>
</header>
<main>
${figures.join('\n')}
</main>
<dialog id="large"><form method="dialog"><button type="submit" aria-label="Close"><img alt=""></button><p></p></form></dialog>
<script>
  const dialog = document.getElementById('large');
  document.querySelector('main').addEventListener('click', (event) => {
    const figure = event.target.closest('figure');
    if (!figure) return;
    dialog.querySelector('img').src = figure.querySelector('img').src;
    dialog.querySelector('p').textContent = figure.querySelector('figcaption').textContent;
    dialog.showModal();
  });
</script>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
