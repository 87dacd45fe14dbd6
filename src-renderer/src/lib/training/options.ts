/**
 * Words for the Train view: chart notes worded after the GAN course notes, and the datasets a run can
 * use. The settings themselves, and their explanations, live with the Model view (../model/options).
 */
import { fieldHints } from '../model-design/options';
import { R1_EVERY } from '../../../../src-main/api/train-config';

export const datasetOptions = [{ value: 'demo:mnist', label: 'MNIST digits (demo)' }] as const;

/** For the live-parameter form: the same explanations as the Model view. */
export const hints = {
  labelSmoothing: fieldHints['loss.labelSmoothing'],
};

export const chartNotes = {
  loss: 'Neither loss should run to zero or blow up; a D loss near zero means the discriminator has won.',
  probabilities: 'Both drift towards 0.5 as G improves. D(x) → 1 with D(G(z)) → 0 means D is overpowering G.',
  wasserstein: 'The critic’s distance estimate should shrink as samples improve; the penalty should stay small.',
  r1: `How steep D is at the real images, measured on the steps R1 runs (one in ${R1_EVERY}). R1 pulls it towards 0; a climb means D is sharpening its edge around the data. D's gradient norm jumps on those steps by R1's share.`,
  gradients: 'A G gradient norm sinking towards zero means vanishing gradients: G has stopped learning.',
  throughput: 'Training speed: batch size divided by step time.',
  adaptive:
    'r_t (left axis, −1…1): the share of real images D scores as real, minus the share it scores as fake. Above 0.6, D is memorising the data and p (right axis, 0…1: the chance each augmentation applies to an image) rises; below, it falls.',
};
