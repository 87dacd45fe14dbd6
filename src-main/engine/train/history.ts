/**
 * A run's past, read back from its folder, so a reopened run (or a window that was closed while it
 * trained) shows the same charts and timelapse as if it had watched from the start.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { coachWarningSchema, type CoachWarningShape, type StepPoint } from '../../api/training';
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

/** Grids sent with the history; the timeline thins to this many, newest always included. */
const MAX_GRIDS = 60;

export interface RunHistory {
  points: StepPoint[];
  warnings: CoachWarningShape[];
  samples: { step: number; width: number; height: number; pngBase64: string }[];
}

/** `samples: false` skips the grids (a chart overlay of another run needs only its points). */
export async function readRunHistory(runDir: string, options: { samples?: boolean } = {}): Promise<RunHistory> {
  const { lines } = await readMetricsLog(join(runDir, 'metrics.jsonl'));
  // A resumed run logs the steps after its last checkpoint twice; the later line is the real one.
  const byStep = new Map<number, StepPoint>();
  for (const line of lines) if (line.type === 'step') byStep.set(line.step as number, toStepPoint(line));
  const points = [...byStep.values()].sort((a, b) => a.step - b.step);
  const warnings = lines.flatMap((line) => {
    const parsed = line.type === 'event' ? coachLineSchema.safeParse(line) : null;
    return parsed?.success ? [{ kind: parsed.data.coach, since: parsed.data.since, step: parsed.data.step, message: parsed.data.message, suggestion: parsed.data.suggestion }] : [];
  });

  if (options.samples === false) return { points, samples: [], warnings };
  const files = (await readdir(join(runDir, 'samples')).catch(() => [] as string[])).filter((f) => /^step-\d+\.png$/.test(f)).sort();
  const stride = Math.max(1, Math.ceil(files.length / MAX_GRIDS));
  const picked = files.filter((_, i) => i % stride === 0 || i === files.length - 1);
  const samples = await Promise.all(
    picked.map(async (file) => {
      const png = await readFile(join(runDir, 'samples', file));
      // Width and height are the first fields of the IHDR chunk, right after the 8-byte signature.
      return { step: Number(/\d+/.exec(file)![0]), width: png.readUInt32BE(16), height: png.readUInt32BE(20), pngBase64: png.toString('base64') };
    }),
  );
  return { points, samples, warnings };
}
