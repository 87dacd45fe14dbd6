/**
 * A forward pass recorded now and differentiated later, with other work in between: the step's
 * generator forward feeds the discriminator's update (as a constant) and then the generator's own
 * update (through the recording), so G runs forward once per step instead of twice. This is what
 * PyTorch's DCGAN example does with `netG(noise)`, `fake.detach()` for D and `netD(fake)` for G.
 *
 * tfjs has no public way to keep a tape across calls, so this reaches into its engine (pinned at
 * 4.22 in package.json): `startTape`/`endTape` and `state.activeTape` are what `engine.gradients`
 * itself uses. The recorded nodes keep the tensors their gradients need (tfjs keeps clones of
 * them); `gradients` appends the nodes to the new tape before the rest of the loss is built, so
 * tfjs' own backward pass runs through them and frees what they kept, as it does for any tape.
 * `dispose` frees them when no gradient is taken. The trainer's tests check the numbers against
 * a G forward recorded inside the gradient call, and that no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs-core';

interface TapeNode {
  saved?: tf.Tensor[];
}
interface EngineInternals {
  state: { gradientDepth: number; activeTape: TapeNode[] | null };
  startTape(): void;
  endTape(): void;
}

const engine = () => tf.engine() as unknown as EngineInternals;

export class RecordedForward<T extends tf.Tensor> {
  private constructor(
    /** The forward's result, kept (outside every tidy) until `gradients` or `dispose`. */
    readonly value: T,
    /** The recorded tape; null once spent or disposed. */
    private nodes: TapeNode[] | null,
  ) {}

  /** Runs `f` with the tape on and keeps its record. Not inside another gradient computation. */
  static record<T extends tf.Tensor>(f: () => T): RecordedForward<T> {
    const e = engine();
    if (e.state.gradientDepth !== 0) throw new Error('RecordedForward.record cannot run inside a gradient computation');
    e.startTape();
    let value: T;
    let nodes: TapeNode[];
    try {
      value = tf.tidy(f);
    } catch (error) {
      // What the nodes recorded so far kept would outlive the failed forward: free it.
      freeSaved(e.state.activeTape ?? []);
      throw error;
    } finally {
      nodes = e.state.activeTape ?? [];
      e.endTape();
      e.state.activeTape = null;
    }
    return new RecordedForward(tf.keep(value), nodes);
  }

  /**
   * tf.variableGrads of `loss` over `vars`, where `loss` is built from `value`: the gradients flow
   * through the recorded forward. Once only; the recording is spent (and `value` freed) after it.
   */
  gradients(loss: () => tf.Scalar, vars: tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    const nodes = this.nodes;
    if (!nodes) throw new Error('RecordedForward.gradients: this recording was already used or disposed');
    if (engine().state.gradientDepth !== 0) throw new Error('RecordedForward.gradients cannot run inside another gradient computation');
    this.nodes = null;
    let tape = nodes;
    try {
      return tf.variableGrads(() => {
        // The new tape starts empty: the recorded nodes go first, in the order they ran.
        tape = engine().state.activeTape!;
        tape.push(...nodes);
        return loss();
      }, vars);
    } finally {
      // tfjs frees what a tape's nodes kept when its gradient succeeds; after a failure it does
      // not, so free them here, the loss's own nodes too (disposing a tensor twice is a no-op).
      freeSaved(tape);
      this.value.dispose();
    }
  }

  /** Frees the recording without taking a gradient (a step that failed or stopped early). */
  dispose(): void {
    if (!this.nodes) return;
    freeSaved(this.nodes);
    this.nodes = null;
    this.value.dispose();
  }
}

function freeSaved(nodes: TapeNode[]): void {
  for (const node of nodes) for (const t of node.saved ?? []) t.dispose();
}
