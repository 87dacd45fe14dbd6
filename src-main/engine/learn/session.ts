/**
 * One Learn playground and its play loop: the state the view sees (settings, step, playing) and
 * the frames it draws. While playing it runs as many updates as fit in FRAME_BUDGET_MS, then one
 * frame, then yields, so requests (pause, a new learning rate) get through between frames.
 */
import { defaultLearnSettings, type LearnFrame, type LearnSettings, type LearnState } from '../../api/learn';
import { needsRestart, Playground } from './playground';

const FRAME_BUDGET_MS = 40;

export class LearnSession {
  private playground: Playground | null = null;
  private settings: LearnSettings = defaultLearnSettings;
  private playing = false;
  private loop: Promise<void> | null = null;
  /** Why the play loop stopped by itself (reported by the next request). */
  private failure: Error | null = null;

  constructor(private readonly emit: (frame: LearnFrame) => void) {}

  state(): LearnState | null {
    return this.playground ? this.current() : null;
  }

  async configure(settings: LearnSettings): Promise<LearnState> {
    if (settings.distribution === 'drawn' && settings.drawn.length === 0) {
      throw new Error('The drawn density is empty: switch to Draw, paint some points on the plot, then train.');
    }
    this.settings = settings;
    if (this.playground && !needsRestart(this.playground.current, settings)) {
      this.playground.retune(settings);
      if (!this.playing) await this.sendFrame(0);
      return this.current();
    }
    return this.reset();
  }

  async reset(): Promise<LearnState> {
    const wasPlaying = this.playing;
    await this.pause();
    this.playground?.dispose();
    this.playground = new Playground(this.settings);
    this.failure = null;
    await this.sendFrame(0);
    if (wasPlaying) this.play();
    return this.current();
  }

  async step(n: number): Promise<LearnState> {
    await this.pause();
    const playground = await this.ready();
    let started = performance.now();
    for (let i = 0; i < n; i++) {
      playground.update();
      if (performance.now() - started > FRAME_BUDGET_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        started = performance.now();
      }
    }
    await this.sendFrame(0);
    return this.current();
  }

  play(): LearnState {
    this.throwFailure();
    if (!this.playing) {
      this.playing = true;
      this.loop = this.run().catch((error: unknown) => {
        this.playing = false;
        this.failure = error instanceof Error ? error : new Error(String(error));
      });
    }
    return this.current();
  }

  async pause(): Promise<LearnState> {
    this.playing = false;
    await this.loop;
    this.loop = null;
    return this.current();
  }

  async dispose(): Promise<void> {
    await this.pause();
    this.playground?.dispose();
    this.playground = null;
  }

  private async run(): Promise<void> {
    const playground = await this.ready();
    while (this.playing) {
      const started = performance.now();
      const before = playground.step;
      while (performance.now() - started < FRAME_BUDGET_MS) playground.update();
      const seconds = (performance.now() - started) / 1000;
      await this.sendFrame((playground.step - before) / seconds);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await this.sendFrame(0);
  }

  private async ready(): Promise<Playground> {
    this.throwFailure();
    if (!this.playground) await this.reset();
    return this.playground!;
  }

  private throwFailure(): void {
    if (!this.failure) return;
    const failure = this.failure;
    this.failure = null;
    throw new Error(`The playground stopped: ${failure.message}. Press Reset to start it again.`);
  }

  private async sendFrame(updatesPerSecond: number): Promise<void> {
    if (this.playground) this.emit(await this.playground.frame(this.playing, updatesPerSecond));
  }

  private current(): LearnState {
    return { settings: this.settings, step: this.playground?.step ?? 0, playing: this.playing };
  }
}
