import { describe, expect, it } from 'vitest';
import type { LearnFrame } from '../../../../src-main/api/learn';
import { captionsFor } from './captions';

function frame(over: Partial<LearnFrame> & { diagnostics?: Partial<LearnFrame['diagnostics']> }): LearnFrame {
  const { diagnostics, ...rest } = over;
  return {
    step: 500,
    playing: true,
    loss: 'bce',
    real: [],
    fake: [],
    heat: [],
    heatScale: { min: 0, max: 1, probability: true },
    arrows: [],
    dLoss: 1,
    gLoss: 1,
    updatesPerSecond: 60,
    ...rest,
    diagnostics: { modes: { covered: 8, total: 8 }, dReal: 0.5, dFake: 0.45, gradNorm: 0.5, ...diagnostics },
  };
}

const ids = (f: LearnFrame) => captionsFor(f).map((c) => c.id);

describe('Learn captions', () => {
  it('name mode collapse with the count of modes covered', () => {
    const captions = captionsFor(frame({ diagnostics: { modes: { covered: 2, total: 8 } } }));
    expect(captions[0]!.title).toBe('Mode collapse: 2 of 8 modes');
    expect(ids(frame({}))).toContain('all-modes');
  });

  it('say when D overpowers G and when the gradients vanish, for the saturating losses only', () => {
    expect(ids(frame({ diagnostics: { dReal: 0.95, dFake: 0.03, gradNorm: 0.001 } }))).toEqual(expect.arrayContaining(['d-overpowers', 'vanishing']));
    expect(ids(frame({ loss: 'wgan-gp', diagnostics: { dReal: 5, dFake: -3, gradNorm: 0.001 } }))).toEqual(['all-modes', 'critic-informative']);
    expect(ids(frame({}))).toContain('balanced');
  });

  it('explain only the start before 50 updates', () => {
    expect(ids(frame({ step: 10, diagnostics: { modes: { covered: 1, total: 8 } } }))).toEqual(['warming-up']);
  });

  it('have nothing to count on distributions without separate modes', () => {
    expect(ids(frame({ loss: 'hinge', diagnostics: { modes: null } }))).toEqual(['hinge']);
  });
});
