/**
 * The Learn view's state: the playground's settings, the newest frame the engine sent, and what the
 * user is drawing. One store per window for the app's lifetime, so the playground keeps its picture
 * (and keeps playing in the engine) while other views show.
 */
import {
  defaultLearnSettings,
  learnSettingsSchema,
  MAX_DRAWN_POINTS,
  type LearnFrame,
  type LearnSettings,
} from '../../../../src-main/api/learn';
import { formatIssues } from '../../../../src-main/api/rpc';
import { describeError, type ErrorInfo } from '../errors';
import type { StudioClient } from '../transport';
import { defineStore } from './app-lifetime.svelte';

export class LearnStore {
  settings = $state<LearnSettings>({ ...defaultLearnSettings });
  frame = $state.raw<LearnFrame | null>(null);
  playing = $state(false);
  step = $state(0);
  error = $state<ErrorInfo | null>(null);
  /** Mouse drags on the plot add points to the drawn density instead of nothing. */
  drawing = $state(false);
  private started = false;

  constructor(private readonly client: StudioClient) {}

  start(): () => void {
    return this.client.on('learn.frame', (frame) => {
      this.frame = frame;
      this.step = frame.step;
      this.playing = frame.playing;
    });
  }

  /** The first visit starts the playground (or picks up the engine's, e.g. after a reload). */
  async open(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.guard(async () => {
      const state = await this.client.request('learn.state', {});
      if (state) this.settings = state.settings;
      const next = await this.client.request('learn.configure', { settings: $state.snapshot(this.settings) });
      this.step = next.step;
      this.playing = next.playing;
    });
  }

  /**
   * Applies a change of settings; distribution, loss, z size and seed start the models afresh.
   * False when the change was refused (the settings, and the engine, keep what they had).
   */
  async change(patch: Partial<LearnSettings>): Promise<boolean> {
    const parsed = learnSettingsSchema.safeParse({ ...$state.snapshot(this.settings), ...patch });
    if (!parsed.success) {
      this.error = { message: 'That setting is out of range; the playground keeps its current value.', issues: formatIssues(parsed.error) };
      return false;
    }
    if (parsed.data.distribution === 'drawn' && parsed.data.drawn.length === 0) {
      // Nothing to learn yet: switch to drawing and wait for points.
      this.settings = parsed.data;
      this.drawing = true;
      this.error = null;
      return true;
    }
    return this.guard(async () => {
      const state = await this.client.request('learn.configure', { settings: parsed.data });
      this.settings = state.settings;
      this.step = state.step;
    });
  }

  play = () => this.guard(async () => void (this.playing = (await this.client.request('learn.play', {})).playing));
  pause = () => this.guard(async () => void (this.playing = (await this.client.request('learn.pause', {})).playing));
  step1 = () => this.guard(async () => void (this.step = (await this.client.request('learn.step', { n: 1 })).step));
  reset = () => this.guard(async () => void (this.step = (await this.client.request('learn.reset', {})).step));

  toggle(): Promise<boolean> {
    return this.playing ? this.pause() : this.play();
  }

  /** Adds drawn points ([x, y, …] in plot coordinates), keeping the newest MAX_DRAWN_POINTS. */
  async draw(points: number[]): Promise<void> {
    const drawn = [...this.settings.drawn, ...points].slice(-2 * MAX_DRAWN_POINTS);
    await this.change({ distribution: 'drawn', drawn });
  }

  async clearDrawing(): Promise<void> {
    const wasPlaying = this.playing;
    if (wasPlaying) await this.pause();
    this.settings = { ...this.settings, drawn: [] };
    this.drawing = true;
  }

  private async guard(action: () => Promise<void>): Promise<boolean> {
    try {
      await action();
      this.error = null;
      return true;
    } catch (error) {
      this.error = describeError(error);
      return false;
    }
  }
}

export const learnStore = defineStore((studio) => {
  const store = new LearnStore(studio.client);
  store.start();
  return store;
});
