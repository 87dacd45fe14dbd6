import sharp from 'sharp';
import type { RawImage } from './grid';
import type { PngImage } from '../../api/schemas';

export async function encodePng(image: RawImage): Promise<Buffer> {
  if (image.channels !== 1 && image.channels !== 3 && image.channels !== 4) {
    throw new Error(`Cannot encode ${image.channels}-channel image as PNG`);
  }
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  // sharp would widen single-channel input to RGB; keep greyscale PNGs greyscale (a third the size).
  return (image.channels === 1 ? pipeline.toColourspace('b-w') : pipeline).png({ compressionLevel: 6 }).toBuffer();
}

export async function toPngImage(image: RawImage): Promise<PngImage> {
  const png = await encodePng(image);
  return { width: image.width, height: image.height, pngBase64: png.toString('base64') };
}
