/**
 * A run's past, read back from its folder, so a reopened run (or a window that was closed while it
 * trained) shows the same charts and timelapse as if it had watched from the start.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { coachWarningSchema, liveParamsSchema, type CoachWarningShape, type LiveParamsShape, type StepPoint } from '../api/training';
import { z } from 'zod';

const coachLineSchema = z.object({
  step: z.number().int(),
  message: z.string(),
  coach: coachWarningSchema.shape.kind,
  since: z.number().int(),
  suggestion: z.string().catch(''),
});
import { readMetricsLog } from './metrics-log';
import { toStepPoint } from './step-point';
import { SAMPLE_FILE, runFiles } from './layout';

/** Grids sent with the history; the timeline thins to this many, newest always included. */
const MAX_GRIDS = 60;

export interface RunHistory {
  points: StepPoint[];
  warnings: CoachWarningShape[];
  samples: { step: number; width: number; height: number; pngBase64: string }[];
  /** Sample grids that could not be read (0-byte, torn), by path: skipped, not fatal. */
  skippedSamples?: string[];
  /** Changes made while training, in step order: what was in effect from that step on. */
  paramChanges: { step: number; live: LiveParamsShape }[];
}

/** `samples: false` skips the grids (a chart overlay of another run needs only its points). */
export async function readRunHistory(runDir: string, options: { samples?: boolean } = {}): Promise<RunHistory> {
  const { lines } = await readMetricsLog(runFiles(runDir).metrics);
  // A resumed run logs the steps after its last checkpoint twice; the later line is the real one.
  const byStep = new Map<number, StepPoint>();
  for (const line of lines) if (line.type === 'step') byStep.set(line.step as number, toStepPoint(line));
  const points = [...byStep.values()].sort((a, b) => a.step - b.step);
  const warnings = lines.flatMap((line) => {
    const parsed = line.type === 'event' ? coachLineSchema.safeParse(line) : null;
    return parsed?.success ? [{ kind: parsed.data.coach, since: parsed.data.since, step: parsed.data.step, message: parsed.data.message, suggestion: parsed.data.suggestion }] : [];
  });

  const paramChanges = lines.flatMap((line) => {
    if (line.type !== 'params') return [];
    const { type: _, step, ...rest } = line;
    const live = liveParamsSchema.safeParse(rest);
    return live.success && typeof step === 'number' ? [{ step, live: live.data }] : [];
  });

  if (options.samples === false) return { points, samples: [], warnings, paramChanges };
  const files = (await readdir(runFiles(runDir).samples).catch(() => [] as string[])).filter((f) => SAMPLE_FILE.test(f)).sort();
  const stride = Math.max(1, Math.ceil(files.length / MAX_GRIDS));
  const picked = files.filter((_, i) => i % stride === 0 || i === files.length - 1);
  const read = await Promise.all(
    picked.map(async (file) => {
      const png = await readFile(join(runFiles(runDir).samples, file)).catch(() => null);
      const size = png ? pngSize(png) : null;
      // A 0-byte or torn grid (a kill mid-write, a full disk) is skipped and named, not fatal.
      if (!png || !size) return { file };
      return { step: Number(/\d+/.exec(file)![0]), ...size, pngBase64: png.toString('base64') };
    }),
  );
  const samples = read.flatMap((r) => ('pngBase64' in r ? [r] : []));
  const skippedSamples = read.flatMap((r) => ('pngBase64' in r ? [] : [join(runFiles(runDir).samples, r.file)]));
  return { points, samples, warnings, paramChanges, ...(skippedSamples.length ? { skippedSamples } : {}) };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk (right after the signature), or null if it is not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } | null {
  if (png.length < 33 || !png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString('latin1', 12, 16) !== 'IHDR') return null;
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  return width > 0 && height > 0 ? { width, height } : null;
}
