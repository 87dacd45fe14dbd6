/**
 * One stream of explorer renders (the current image, the strip, a grid…). Requests are numbered;
 * main renders only the newest one per lane and answers overtaken ones 'superseded', which this
 * ignores, and a reply older than the picture on screen never replaces it. So a slider dragged
 * faster than the engine renders shows the newest picture the engine could make, never a backlog.
 */
import type { RenderRequest, TileLayout } from '../../../../src-main/api/explore';
import { describeError, type ErrorInfo } from '../errors';
import { pngDataUrl } from '../format';
import type { StudioClient } from '../transport';

export interface LaneImage {
  url: string;
  width: number;
  height: number;
  layout: TileLayout;
  checkpoint: { runId: string; file: string; step: number };
  elapsedMs: number;
  /** From the request leaving this window to its reply arriving: slider to pixels, less painting. */
  roundTripMs: number;
  diversity: number | null;
  /** Renders across checkpoints: each tile's training step. */
  steps: number[] | null;
  /** What was asked for, so a view can tell which tiles the picture shows. */
  request: LaneRequest;
}

export type LaneRequest = Omit<RenderRequest, 'lane' | 'seq'>;

/** Lanes are per window: two windows scrubbing at once must not overtake each other's requests. */
const windowId = Math.random().toString(36).slice(2, 10);

export class RenderLane {
  image = $state.raw<LaneImage | null>(null);
  /** A request is on its way (the picture shown is not the newest asked for). */
  busy = $state(false);
  error = $state.raw<ErrorInfo | null>(null);
  readonly lane: string;
  #seq = 0;
  #shown = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly client: StudioClient,
    name: string,
  ) {
    this.lane = `${windowId}:${name}`;
  }

  /**
   * Asks for a render. `delayMs` waits for the input to settle first: pictures that are not the one
   * under the user's hand (a strip, a grid) should not take engine time from the one that is.
   */
  request(input: LaneRequest, delayMs = 0): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.busy = true;
    if (delayMs > 0) {
      this.#timer = setTimeout(() => this.#send(input), delayMs);
      return;
    }
    this.#send(input);
  }

  #send(input: LaneRequest): void {
    this.#timer = null;
    const seq = ++this.#seq;
    const sent = performance.now();
    this.client.request('explore.render', { ...input, lane: this.lane, seq }).then(
      (result) => {
        if (result.status !== 'rendered' || seq < this.#shown) return;
        this.#shown = seq;
        this.image = {
          url: pngDataUrl(result.image.pngBase64),
          width: result.image.width,
          height: result.image.height,
          layout: result.layout,
          checkpoint: result.checkpoint,
          elapsedMs: result.elapsedMs,
          roundTripMs: performance.now() - sent,
          diversity: result.diversity,
          steps: result.steps ?? null,
          request: input,
        };
        this.error = null;
      },
      (err: unknown) => {
        if (seq >= this.#shown) {
          this.#shown = seq;
          this.error = describeError(err);
        }
      },
    ).finally(() => {
      if (seq === this.#seq && !this.#timer) this.busy = false;
    });
  }

  /** Forgets the picture (another run was chosen: its images would mislead). */
  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.busy = false;
    // Replies to requests made before now are dropped; the next request's reply is shown.
    this.#shown = this.#seq + 1;
    this.image = null;
    this.error = null;
  }
}
