import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { defaultLearnSettings, learnFrameSchema, learnSettingsSchema, type LearnFrame } from '../../api/learn';
import { initRuntime } from '../runtime';
import { Rng } from '../rng';
import { modesCovered, modesOf, samplePoints } from './distributions';
import { Playground } from './playground';
import { LearnSession } from './session';
import { LearnController } from './controller';

beforeAll(async () => {
  await initRuntime('wasm', { threads: 1 });
});

describe('toy distributions', () => {
  it('draw the same points from the same seed, on the ring’s eight modes', () => {
    const a = samplePoints('ring8', 400, new Rng(3));
    expect(Array.from(a)).toEqual(Array.from(samplePoints('ring8', 400, new Rng(3))));
    expect(modesCovered(a, modesOf('ring8')!)).toBe(8);
    // Points piled on one mode cover one.
    const one = new Float32Array(400).map((_, i) => (i % 2 === 0 ? 1.2 : 0));
    expect(modesCovered(one, modesOf('ring8')!)).toBe(1);
    for (const d of ['spiral', 'moons'] as const) {
      const p = samplePoints(d, 200, new Rng(1));
      expect(p.every((v) => Number.isFinite(v) && Math.abs(v) < 2)).toBe(true);
    }
  });

  it('draw around the drawn points, and refuse an empty drawing', () => {
    const p = samplePoints('drawn', 100, new Rng(1), [0.5, -0.5]);
    for (let i = 0; i < 100; i++) expect(Math.hypot(p[2 * i]! - 0.5, p[2 * i + 1]! + 0.5)).toBeLessThan(0.3);
    expect(() => samplePoints('drawn', 1, new Rng(1), [])).toThrow(/draw some points/);
  });

  it('settings refuse what the playground cannot use', () => {
    for (const bad of [{ gLr: 1 }, { zDim: 0 }, { drawn: [0, 9] }, { drawn: [0] }, { loss: 'wgan' }, { nCritic: 11 }, { extra: 1 }]) {
      expect(learnSettingsSchema.safeParse({ ...defaultLearnSettings, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('the playground', () => {
  it('is reproducible from its seed, keeps its tensor count flat, and learns the ring', async () => {
    const settings = { ...defaultLearnSettings, loss: 'lsgan' as const };
    const a = new Playground(settings);
    const b = new Playground(settings);
    const start = await a.frame(false, 0);
    expect(learnFrameSchema.safeParse(start).success).toBe(true);
    for (let i = 0; i < 3; i++) {
      a.update();
      b.update();
    }
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      a.update();
      b.update();
    }
    await a.frame(true, 0);
    expect(tf.memory().numTensors).toBe(tensors);
    expect((await a.frame(false, 0)).fake).toEqual((await b.frame(false, 0)).fake);
    b.dispose();
    for (let i = 0; i < 480; i++) a.update();
    const later = await a.frame(false, 0);
    expect(later.step).toBe(503);
    expect(later.diagnostics.modes!.covered).toBeGreaterThan(start.diagnostics.modes!.covered);
    expect(later.diagnostics.modes!.covered).toBeGreaterThanOrEqual(3);
    a.dispose();
  }, 120_000);

  it('trains every loss, WGAN-GP with its second-order penalty included', async () => {
    for (const loss of ['bce', 'wgan-gp', 'hinge'] as const) {
      const p = new Playground({ ...defaultLearnSettings, loss, nCritic: 2 });
      for (let i = 0; i < 5; i++) p.update();
      const frame = await p.frame(false, 0);
      expect([frame.dLoss, frame.gLoss, frame.diagnostics.gradNorm].every(Number.isFinite), loss).toBe(true);
      expect(frame.heatScale.probability).toBe(loss === 'bce');
      expect(Math.min(...frame.heat)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...frame.heat)).toBeLessThanOrEqual(1);
      p.dispose();
    }
  });
});

describe('a Learn session', () => {
  it('steps exactly, plays and pauses, and keeps the models when only a learning rate changes', async () => {
    const frames: LearnFrame[] = [];
    const session = new LearnSession((frame) => frames.push(frame));
    await expect(session.configure({ ...defaultLearnSettings, distribution: 'drawn', drawn: [] })).rejects.toThrow(/drawn density is empty/);
    expect((await session.configure(defaultLearnSettings)).step).toBe(0);
    expect((await session.step(7)).step).toBe(7);
    expect(frames.at(-1)!.step).toBe(7);
    expect((await session.configure({ ...defaultLearnSettings, gLr: 1e-3 })).step).toBe(7);
    expect((await session.configure({ ...defaultLearnSettings, loss: 'hinge' })).step).toBe(0);
    session.play();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const paused = await session.pause();
    expect(paused.playing).toBe(false);
    expect(paused.step).toBeGreaterThan(0);
    expect(frames.some((f) => f.playing && f.updatesPerSecond > 0)).toBe(true);
    expect(frames.at(-1)).toMatchObject({ step: paused.step, playing: false });
    await session.dispose();
  }, 60_000);
});

describe('the Learn controller', () => {
  let controller: LearnController;
  const events: { event: string; payload: unknown }[] = [];
  afterAll(() => controller.dispose());

  it('runs the playground in its own worker thread and forwards its frames', async () => {
    controller = new LearnController((event, payload) => events.push({ event, payload }));
    expect(await controller.call({ method: 'state' })).toBeNull();
    expect((await controller.call({ method: 'step', n: 3 })).step).toBe(3);
    const frame = learnFrameSchema.parse(events.at(-1)!.payload);
    expect(events.at(-1)!.event).toBe('learn.frame');
    expect(frame.step).toBe(3);
    await expect(controller.call({ method: 'configure', settings: { ...defaultLearnSettings, zDim: 99 } })).rejects.toThrow(/zDim|16/);
    expect((await controller.call({ method: 'state' }))!.step).toBe(3);
  }, 60_000);

  it('runs a reset sent during a long step after the step, not under it', async () => {
    const long = controller.call({ method: 'step', n: 300 });
    const reset = controller.call({ method: 'reset' });
    expect((await long).step).toBe(303);
    expect((await reset).step).toBe(0);
    expect((await controller.call({ method: 'step', n: 2 })).step).toBe(2);
  }, 60_000);
});
