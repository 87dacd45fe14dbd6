/**
 * The Twitter emoji sorted into their own categories (emoji.json: Smileys & Emotion, People & Body,
 * Animals & Nature, Food & Drink, Travel & Places, Activities, Objects, Symbols, Flags), one folder
 * each, for the quality bench. Imported with folder labels, they give the app's domain classifier a
 * real task: 9 classes (77 % test accuracy at 32 px) instead of the rotation task it falls back to
 * on an unlabelled folder (42 %, which the Evaluate view flags as weak). Its features make a far
 * better judge of emoji samples; the GANs themselves still train without labels.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

interface EmojiEntry {
  image: string;
  category: string;
  skin_variations?: Record<string, { image: string }>;
}

/**
 * Copies each 64-px emoji (skin tones included) into `into/<category>/`; returns the count. By
 * default the Twitter set (a dev dependency); `packageDir` names another emoji-datasource-<set>
 * package's folder (Google's, Apple's…: the same emoji.json, other drawings), to check a recipe
 * was not tuned to one set.
 */
export async function emojiByCategory(into: string, packageDir?: string): Promise<number> {
  const require = createRequire(import.meta.url);
  const root = packageDir ?? dirname(require.resolve('emoji-datasource-twitter/package.json'));
  const name = (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { name: string }).name;
  const set = /^emoji-datasource-([a-z]+)$/.exec(name)?.[1];
  if (!set) throw new Error(`${root} is not an emoji-datasource-<set> package (its package.json names "${name}")`);
  const entries = JSON.parse(await readFile(join(root, 'emoji.json'), 'utf8')) as EmojiEntry[];
  let copied = 0;
  for (const entry of entries) {
    // The five skin-tone swatches are parts of other emoji, not pictures of their own.
    if (entry.category === 'Component') continue;
    const dir = join(into, entry.category.replace(/[^A-Za-z]+/g, '-'));
    await mkdir(dir, { recursive: true });
    for (const image of [entry.image, ...Object.values(entry.skin_variations ?? {}).map((v) => v.image)]) {
      const source = join(root, 'img', set, '64', image);
      if (!existsSync(source)) continue;
      await copyFile(source, join(dir, image));
      copied++;
    }
  }
  return copied;
}
