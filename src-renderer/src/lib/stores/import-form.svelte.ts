/**
 * The Data view's import settings. Kept for the app's lifetime, so the native menu's
 * "Import image folder…" and a drop anywhere on the window use whatever the user set last.
 */
import type { z } from 'zod';
import { importOptionsSchema } from '../../../../src-main/api/dataset';
import { formatIssues } from '../../../../src-main/api/rpc';
import type { ErrorInfo } from '../errors';

export type ImportOptionsInput = z.input<typeof importOptionsSchema>;
export type Fit = 'crop' | 'pad' | 'stretch';
export const sizePresets = [28, 32, 64, 128] as const;
export const MIN_SIDE = 16;
export const MAX_SIDE = 512;

export class ImportForm {
  /** Side of a square target (the presets). */
  size = $state<number>(64);
  nonSquare = $state(false);
  width = $state<number | null | undefined>(64);
  height = $state<number | null | undefined>(64);
  fit = $state<Fit>('crop');
  channels = $state<1 | 3>(3);
  background = $state('#000000');
  labelsFromFolders = $state(true);

  /** Switching to non-square starts from the square size; switching back keeps the preset. */
  setNonSquare(on: boolean): void {
    if (on && !this.nonSquare) {
      this.width = this.size;
      this.height = this.size;
    }
    this.nonSquare = on;
  }

  sideError(value: number | null | undefined): string | undefined {
    if (value === null || value === undefined || !Number.isFinite(value)) return 'Enter a number of pixels.';
    if (!Number.isInteger(value) || value < MIN_SIDE || value > MAX_SIDE) return `A whole number from ${MIN_SIDE} to ${MAX_SIDE}.`;
    return undefined;
  }

  /** The request's options, checked with the schema main enforces, or what is wrong with them. */
  parse(): { ok: true; options: ImportOptionsInput } | { ok: false; error: ErrorInfo } {
    const options: ImportOptionsInput = {
      width: this.nonSquare ? (this.width ?? NaN) : this.size,
      height: this.nonSquare ? (this.height ?? NaN) : this.size,
      fit: this.fit,
      channels: this.channels,
      background: this.background,
      labelsFromFolders: this.labelsFromFolders,
    };
    const parsed = importOptionsSchema.safeParse(options);
    if (!parsed.success) return { ok: false, error: { message: 'Some import settings are out of range.', issues: formatIssues(parsed.error) } };
    return { ok: true, options };
  }

  /** "64 × 64 px · RGB · center-crop", for the progress line and the summary. */
  describe(): string {
    const w = this.nonSquare ? this.width : this.size;
    const h = this.nonSquare ? this.height : this.size;
    const fit = { crop: 'center-crop', pad: 'letterbox', stretch: 'stretch' }[this.fit];
    return `${w ?? '?'} × ${h ?? '?'} px · ${this.channels === 1 ? 'grayscale' : 'RGB'} · ${fit}`;
  }
}
