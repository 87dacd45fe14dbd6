/**
 * What the Learn playground's frame shows, in the course's words: each caption ties something
 * visible on the plot to the idea it illustrates. Pure, so the rules are tested.
 */
import type { LearnFrame } from '../../../../src-main/api/learn';

export interface Caption {
  id: 'warming-up' | 'mode-collapse' | 'all-modes' | 'd-overpowers' | 'vanishing' | 'critic-informative' | 'balanced' | 'lsgan' | 'hinge';
  title: string;
  text: string;
}

/** Below this mean gradient length the generator barely moves (the arrows have all but vanished). */
export const VANISHING_GRADIENT = 0.02;

export function captionsFor(frame: LearnFrame): Caption[] {
  const { diagnostics: d, loss, step } = frame;
  const out: Caption[] = [];
  if (step < 50) {
    out.push({ id: 'warming-up', title: 'Starting out', text: 'Both networks start from random weights: the generated points (purple) lie wherever G’s untrained layers put them, and D’s surface knows nothing yet about where the real points (green) are. Press Play and watch the arrows pull the generated points towards the data.' });
    return out;
  }
  if (d.modes) {
    if (d.modes.covered <= d.modes.total / 2) {
      out.push({
        id: 'mode-collapse',
        title: `Mode collapse: ${d.modes.covered} of ${d.modes.total} modes`,
        text: 'The generator has found a few places the discriminator accepts and sends most of its points there. It is not penalised for ignoring the other modes until D learns to reject the crowded ones, so the crowd hops from mode to mode.',
      });
    } else if (d.modes.covered === d.modes.total) {
      out.push({ id: 'all-modes', title: `All ${d.modes.total} modes covered`, text: 'The generated points reach every mode: the generator’s distribution has spread to match the real one, not only its most convincing part.' });
    }
  }
  if (loss === 'bce' && d.dReal > 0.85 && d.dFake < 0.15) {
    out.push({
      id: 'd-overpowers',
      title: 'The discriminator is overpowering the generator',
      text: `D gives real points ${pct(d.dReal)} and generated ones ${pct(d.dFake)}: it separates them almost perfectly. Where its sigmoid saturates, the gradient it passes to G shrinks — lower D’s learning rate or raise G’s.`,
    });
  }
  if ((loss === 'bce' || loss === 'lsgan') && d.gradNorm < VANISHING_GRADIENT) {
    out.push({ id: 'vanishing', title: 'Vanishing gradients', text: 'The arrows have all but disappeared: the generator’s loss is flat where its points are, so it stops learning even though it has not matched the data.' });
  }
  if (loss === 'wgan-gp') {
    out.push({
      id: 'critic-informative',
      title: 'A critic, not a classifier',
      text: 'WGAN-GP’s critic outputs a score, not a probability, and the gradient penalty keeps its slope near 1 everywhere. Its gradient never saturates, so the arrows keep pointing the way to the real data — at the cost of n_critic updates per generator update.',
    });
  }
  if (loss === 'lsgan') {
    out.push({ id: 'lsgan', title: 'Least squares', text: 'LSGAN penalises points by their squared distance from the “real” target, so even points D classifies correctly keep being pulled towards the data: fewer flat regions than BCE.' });
  }
  if (loss === 'hinge') {
    out.push({ id: 'hinge', title: 'Hinge loss', text: 'The discriminator stops pushing on points once they are beyond its margin (score above 1 or below −1), which keeps it from becoming over-confident; the generator simply raises its score.' });
  }
  if (loss === 'bce' && !out.some((c) => c.id === 'd-overpowers' || c.id === 'mode-collapse') && Math.abs(d.dReal - d.dFake) < 0.2) {
    out.push({ id: 'balanced', title: 'A balanced game', text: `D is unsure (${pct(d.dReal)} on real, ${pct(d.dFake)} on generated points): near the equilibrium, where it can no longer tell them apart, D outputs ½ everywhere on the data.` });
  }
  return out;
}

function pct(p: number): string {
  return `${Math.round(p * 100)} %`;
}
