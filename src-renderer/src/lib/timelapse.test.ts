import { describe, expect, it } from 'vitest';
import { addFrame, type Frame } from './timelapse';

describe('addFrame', () => {
  const frame = (step: number): Frame => ({ step, url: `data:${step}`, width: 242, height: 242 });

  it('appends in order and returns a new array', () => {
    const a = addFrame([], frame(1));
    const b = addFrame(a, frame(50));
    expect(b).not.toBe(a);
    expect(b.map((f) => f.step)).toEqual([1, 50]);
  });

  it('drops frames after a rollback point', () => {
    const frames = [1, 50, 100, 150].map(frame);
    expect(addFrame(frames, frame(100)).map((f) => f.step)).toEqual([1, 50, 100]);
  });

  it('thins older frames past the cap but keeps the first and the newest', () => {
    let frames: Frame[] = [];
    for (let step = 1; step <= 11; step++) frames = addFrame(frames, frame(step), 10);
    expect(frames.length).toBeLessThanOrEqual(10);
    expect(frames[0]!.step).toBe(1);
    expect(frames.at(-1)!.step).toBe(11);
  });
});
