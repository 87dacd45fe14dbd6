/**
 * The Gallery form's fields → an export request, checked with the same schema main enforces, so a
 * field out of range is named before a round trip.
 */
import { z } from 'zod';
import {
  consecutiveWalks,
  exportRequestSchema,
  walkFrames,
  type ExportKind,
  type ExportRequest,
  type ExportRequestInput,
} from '../../../../src-main/api/export';
import { formatIssues } from '../../../../src-main/api/rpc';

type Num = number | null | undefined;

export interface ExportDraft {
  kind: ExportKind;
  /** '' = let main name it. */
  name: string;
  runId: string | null;
  /** null = the newest checkpoint. */
  checkpoint: string | null;
  firstSeed: Num;
  /** Images for the image set and the HTML gallery. */
  count: Num;
  rows: Num;
  cols: Num;
  /** null = cycle through the classes (conditional models). */
  cls: number | null;
  psi: Num;
  padding: Num;
  background: string;
  scale: Num;
  captions: 'none' | 'seed' | 'class' | 'seed-class';
  keyframes: Num;
  framesPerSegment: Num;
  walks: Num;
  path: 'slerp' | 'linear';
  loop: boolean;
  format: 'gif' | 'webp' | 'mp4';
  delayMs: Num;
  maxFrames: Num;
  stepCaption: boolean;
  title: string;
  thumbnailScale: Num;
}

export function defaultDraft(): ExportDraft {
  return {
    kind: 'grid',
    name: '',
    runId: null,
    checkpoint: null,
    firstSeed: 0,
    count: 1000,
    rows: 8,
    cols: 8,
    cls: null,
    psi: 1,
    padding: 2,
    background: '#000000',
    scale: 2,
    captions: 'none',
    keyframes: 4,
    framesPerSegment: 12,
    walks: 1,
    path: 'slerp',
    loop: true,
    format: 'gif',
    delayMs: 80,
    maxFrames: 120,
    stepCaption: true,
    title: 'GAN Studio gallery',
    thumbnailScale: 2,
  };
}

const whole = (label: string, min: number, max: number) =>
  z.number({ error: `${label}: enter a whole number` }).int(`${label}: a whole number`).min(min, `${label}: at least ${min}`).max(max, `${label}: at most ${max.toLocaleString('en-US')}`);

/** The numbers each kind uses, with the limits the request schema applies (and a few it implies). */
function numbersFor(kind: ExportKind) {
  const seed = { firstSeed: whole('First seed', 0, 2 ** 31 - 1), psi: z.number({ error: 'ψ: enter a number' }).min(0, 'ψ: 0 to 1').max(1, 'ψ: 0 to 1') };
  const canvas = { padding: whole('Padding', 0, 64), scale: whole('Zoom', 1, 16) };
  switch (kind) {
    case 'grid':
      return z.object({ ...seed, ...canvas, rows: whole('Rows', 1, 64), cols: whole('Columns', 1, 64) });
    case 'images':
      return z.object({ ...seed, count: whole('Images', 1, 50_000) });
    case 'html':
      return z.object({ ...seed, count: whole('Images', 1, 2000), thumbnailScale: whole('Thumbnail zoom', 1, 8) });
    case 'animation':
      return z.object({
        ...seed,
        ...canvas,
        keyframes: whole('Keyframes', 2, 64),
        framesPerSegment: whole('Frames between keyframes', 1, 500),
        walks: whole('Walks', 1, 64),
        cols: whole('Columns', 1, 64),
        delayMs: whole('Frame time', 20, 10_000),
      });
    case 'timelapse':
      return z.object({ scale: whole('Zoom', 1, 8), delayMs: whole('Frame time', 20, 10_000), maxFrames: whole('Frames', 2, 1000) });
    case 'model':
      return z.object({});
  }
}

export type Checked = { ok: true; request: ExportRequest } | { ok: false; message: string; issues: string[] };

export function buildRequest(draft: ExportDraft): Checked {
  if (!draft.runId) return { ok: false, message: 'Choose a run to export from.', issues: [] };
  const numbers = numbersFor(draft.kind).safeParse(draft);
  if (!numbers.success) return { ok: false, message: 'Some settings are out of range.', issues: numbers.error.issues.map((i) => i.message) };
  const n = draft as Required<{ [K in keyof ExportDraft]: Exclude<ExportDraft[K], null | undefined> }>;
  const checkpoint = { runId: draft.runId, ...(draft.checkpoint ? { file: draft.checkpoint } : {}) };
  const shared = { checkpoint, class: draft.cls, truncation: { psi: n.psi, threshold: null } };
  const seeds = (count: number) => ({ from: 'seeds' as const, first: n.firstSeed, count, ...shared });
  const common = { ...(draft.name.trim() ? { name: draft.name.trim() } : {}), onExisting: 'rename' as const };
  const layout = { cols: n.cols, padding: n.padding, background: draft.background, scale: n.scale, captions: draft.captions };
  const animation = { format: draft.format, delayMs: n.delayMs, loop: draft.loop };
  let input: ExportRequestInput;
  switch (draft.kind) {
    case 'grid':
      input = { kind: 'grid', source: seeds(n.rows * n.cols), layout, ...common };
      break;
    case 'images':
      input = { kind: 'images', source: seeds(n.count), ...common };
      break;
    case 'html':
      input = { kind: 'html', source: seeds(n.count), title: draft.title, thumbnailScale: n.thumbnailScale, ...common };
      break;
    case 'animation': {
      const walks = consecutiveWalks(n.firstSeed, n.walks, n.keyframes);
      const source = { from: 'walks' as const, walks, framesPerSegment: n.framesPerSegment, closed: draft.loop, path: draft.path, ...shared };
      input = { kind: 'animation', source, tilesPerFrame: n.walks, layout: { ...layout, cols: Math.min(n.cols, n.walks) }, animation, ...common };
      break;
    }
    case 'timelapse':
      input = { kind: 'timelapse', runId: draft.runId, maxFrames: n.maxFrames, caption: draft.stepCaption, scale: n.scale, animation, ...common };
      break;
    case 'model':
      input = { kind: 'model', checkpoint, ...common };
      break;
  }
  const parsed = exportRequestSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: 'Some settings are out of range.', issues: formatIssues(parsed.error) };
  return { ok: true, request: parsed.data };
}

/** Frames an interpolation draft makes (for the form's summary line). */
export function frameCount(draft: Pick<ExportDraft, 'keyframes' | 'framesPerSegment' | 'loop'>): number {
  return Math.max(0, walkFrames(draft.keyframes ?? 0, draft.framesPerSegment ?? 0, draft.loop));
}
