/**
 * Up to 50,000 single PNGs (e.g. for FID/KID with external tools), streamed: a chunk is rendered,
 * encoded and written before the next one is drawn, so memory stays bounded by the chunk size
 * whatever the count. images.csv maps each file to its seed(s), t and class.
 */
import type { SampleSpec } from '../../api/sampling';
import type { RawImage } from '../image/grid';
import { encodePng } from '../image/png';
import type { DirectionVectors, LoadedGenerator } from '../sampling';
import { asRaw, background, geometry, paintTiles } from './canvas';
import type { ExportJob } from './job';
import { renderChunks } from './render';
import { renderProgress, tilesOf } from './grid-export';
import { csvCell } from '../../shared/csv';

/** Files written at once: enough to keep the disk busy while sharp encodes, few enough for any fd limit. */
const WRITE_CONCURRENCY = 8;
const PREVIEW_TILES = 16;

export async function exportImageSet(
  generator: LoadedGenerator,
  spec: SampleSpec,
  directions: DirectionVectors,
  job: ExportJob,
  classNames: readonly string[] = [],
): Promise<RawImage> {
  const { n, tile, tileBytes } = tilesOf(generator, spec);
  const digits = Math.max(5, String(n - 1).length);
  const fileName = (i: number) => `images/${String(i).padStart(digits, '0')}.png`;
  const previewCount = Math.min(PREVIEW_TILES, n);
  const previewTiles = new Uint8Array(previewCount * tileBytes);

  const between = renderProgress(job, n);
  for await (const { start, count, bytes } of renderChunks(generator, spec, directions, between)) {
    if (start < previewCount) previewTiles.set(bytes.subarray(0, (previewCount - start) * tileBytes), start * tileBytes);
    const encoded = await Promise.all(
      Array.from({ length: count }, (_, k) => encodePng({ data: bytes.subarray(k * tileBytes, (k + 1) * tileBytes), ...tile })),
    );
    let next = 0;
    const writer = async () => {
      while (next < count) {
        const k = next++;
        await job.folder.write(fileName(start + k), [encoded[k]!]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, count) }, writer));
  }

  // class_name: the folder a conditional class came from (RFC 4180 quoting: folder names may hold commas).
  const nameOf = (k: number | null) => (k === null || classNames[k] === undefined ? '' : csvCell(classNames[k]!));
  const rows = spec.images.map((r, i) => `${fileName(i).slice('images/'.length)},${r.seeds.join(' ')},${r.t},${r.path},${r.class ?? ''},${nameOf(r.class)}`);
  await job.folder.write('images.csv', [Buffer.from(['file,seeds,t,path,class,class_name', ...rows].join('\n') + '\n')]);
  job.note(`${n.toLocaleString('en-US')} PNGs of ${tile.width}×${tile.height} px in images/, listed with their latents in images.csv.`);

  const layout = { cols: 4, padding: 2, background: '#000000', scale: 1 };
  const g = geometry(previewCount, tile, layout, null);
  const canvas = await background(g, layout.background, null);
  paintTiles(canvas, g, previewTiles, tile, 0, previewCount);
  return asRaw(canvas, g);
}
