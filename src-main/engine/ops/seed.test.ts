/** tfjs reads seed 0 as "no seed": every seeded random op in the engine must still repeat itself. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParamStore } from '../models/params';
import { drawLatents } from '../training/latents';
import { tfSeed, ZERO_SEED } from './seed';

const model = { zDim: 8, zDistribution: 'normal', numClasses: 0 } as Parameters<typeof drawLatents>[0];

describe('tfSeed', () => {
  it('keeps every seed but 0, which becomes a value no 32-bit seed takes', () => {
    expect(tfSeed(1)).toBe(1);
    expect(tfSeed(0xffffffff)).toBe(0xffffffff);
    expect(tfSeed(0)).toBe(ZERO_SEED);
    expect(ZERO_SEED).toBeGreaterThan(0xffffffff);
    expect(() => tfSeed(Number.NaN)).toThrow(/finite/);
  });

  it('makes seed 0 repeat: latents and initial weights', async () => {
    await tf.setBackend('cpu');
    const draw = () => tf.tidy(() => drawLatents(model, 4, 0).z.arraySync());
    expect(draw()).toEqual(draw());
    const init = () => {
      const store = new ParamStore(0);
      const value = store.create('w', [5, 3], { kind: 'normal', mean: 0, std: 1 }).arraySync();
      store.dispose();
      return value;
    };
    expect(init()).toEqual(init());
  });

  it('wraps every seed the engine passes to a tfjs random op', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(path);
      }
    };
    walk(root);
    const unwrapped: string[] = [];
    const op = /\btf\.(randomNormal|randomUniform|randomUniformInt|truncatedNormal|randomGamma|randomStandardNormal|dropout|multinomial)\(/g;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(op)) {
        // The call's text up to its closing parenthesis.
        let depth = 0;
        let end = match.index + match[0].length - 1;
        for (; end < text.length; end++) {
          if (text[end] === '(') depth++;
          else if (text[end] === ')' && --depth === 0) break;
        }
        const call = text.slice(match.index, end + 1);
        if (!call.includes('tfSeed(')) unwrapped.push(`${file.slice(root.length)}: ${call}`);
      }
    }
    expect(unwrapped).toEqual([]);
  });
});
