import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BACKENDS, onBackend, setUpBackends } from '../backend/kernels/testing';
import { RecordedForward } from './recorded';
import { createGenerator } from '../models/generator';
import { generatorSpecOf } from '../models/spec';
import { createDiscriminator } from '../models/discriminator';
import { tinyConfig } from '../training/testing-config';

beforeAll(setUpBackends);

const values = (grads: tf.NamedTensorMap) => Object.fromEntries(Object.entries(grads).map(([k, t]) => [k, Array.from(t.dataSync())]));

describe.each(BACKENDS)('RecordedForward on %s', (backend) => {
  it('gives the gradients of a forward recorded inside the gradient call, with the other network updated in between', () =>
    onBackend(backend, () => {
      // The trainer's use: G's forward (batch norm in training mode, leaky and ReLU, tanh) is
      // recorded, D is updated, then G's loss through the updated D is differentiated.
      const config = tinyConfig();
      const g = createGenerator(generatorSpecOf(config.model), 5);
      const d = createDiscriminator(config.model, 6);
      const gVars = g.params.trainable();
      const dVars = d.params.trainable();
      const z = tf.randomNormal([4, config.model.zDim], 0, 1, 'float32', 9) as tf.Tensor2D;
      const before = tf.memory().numTensors;

      const recorded = RecordedForward.record(() => g.forward(z, true));
      // D's update in between: its own gradient (a separate tape), then new weights.
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.mean(d.forward(recorded.value, null, true)) as tf.Scalar, dVars);
        for (const v of dVars) v.assign(tf.sub(v, tf.mul(grads[v.name]!, 0.5)));
      });
      const { value, grads } = recorded.gradients(() => tf.mean(tf.square(d.forward(recorded.value, null, true))) as tf.Scalar, gVars);
      const got = values(grads);
      const gotLoss = value.dataSync()[0];
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      expect(recorded.value.isDisposed).toBe(true);

      // The reference: G's forward inside the gradient call, against the same (updated) D.
      const reference = tf.variableGrads(() => tf.mean(tf.square(d.forward(g.forward(z, true), null, true))) as tf.Scalar, gVars);
      expect(gotLoss).toBe(reference.value.dataSync()[0]);
      expect(Object.keys(got).sort()).toEqual(gVars.map((v) => v.name).sort());
      for (const [name, t] of Object.entries(reference.grads)) expect(got[name], name).toEqual(Array.from(t.dataSync()));
      tf.dispose([reference.value, ...Object.values(reference.grads), z]);
      g.dispose();
      d.dispose();
    }));

  it('frees everything it kept when disposed unused, and after a loss that throws', () =>
    onBackend(backend, () => {
      const w = tf.variable(tf.tensor2d([[0.5, -1], [2, 0.25]]));
      const x = tf.tensor2d([[1, 2]]);
      const before = tf.memory().numTensors;
      const unused = RecordedForward.record(() => tf.tanh(tf.matMul(x, w)));
      expect(tf.memory().numTensors).toBeGreaterThan(before);
      unused.dispose();
      unused.dispose(); // twice is harmless
      expect(tf.memory().numTensors).toBe(before);

      const failing = RecordedForward.record(() => tf.sigmoid(tf.matMul(x, w)));
      expect(() =>
        failing.gradients(() => {
          tf.sum(failing.value);
          throw new Error('boom');
        }, [w]),
      ).toThrow('boom');
      expect(tf.memory().numTensors).toBe(before);
      expect(() => failing.gradients(() => tf.sum(failing.value) as tf.Scalar, [w])).toThrow(/already used/);
      // A forward that throws part way frees what its recorded nodes kept.
      expect(() =>
        RecordedForward.record(() => {
          tf.tanh(tf.matMul(x, w));
          throw new Error('forward failed');
        }),
      ).toThrow('forward failed');
      expect(tf.memory().numTensors).toBe(before);
      // The engine is left ready for ordinary gradients.
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.matMul(x, w)) as tf.Scalar, [w]);
      expect(Array.from(grads[w.name]!.dataSync())).toEqual([1, 1, 2, 2]);
      tf.dispose([value, grads[w.name]!, x, w]);
    }));

  it('refuses to record inside a gradient computation', () =>
    onBackend(backend, () => {
      const x = tf.scalar(2);
      expect(() => tf.grad((v: tf.Tensor) => RecordedForward.record(() => tf.square(v)).value)(x)).toThrow(/inside a gradient/);
      x.dispose();
    }));
});
