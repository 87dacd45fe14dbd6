/**
 * Where a run's learning rates, n_critic or label smoothing were changed while it trained, as chart
 * markers: a step and what changed ("G lr 0.0002 → 0.001"). Each change is compared with what was in
 * effect before it: the run's config for the first, the previous change after that.
 */
import type { LiveParamsShape } from '../../../src-main/api/training';
import { formatValue } from './charts';

export interface ParamMarker {
  step: number;
  label: string;
}

const names: Record<keyof LiveParamsShape, string> = { gLr: 'G lr', dLr: 'D lr', nCritic: 'n_critic', labelSmoothing: 'smoothing' };

export function paramMarkers(initial: LiveParamsShape, changes: readonly { step: number; live: LiveParamsShape }[]): ParamMarker[] {
  const markers: ParamMarker[] = [];
  let before = initial;
  for (const change of changes) {
    const parts = (Object.keys(names) as (keyof LiveParamsShape)[])
      .filter((key) => change.live[key] !== before[key])
      .map((key) => `${names[key]} ${formatValue(before[key])} → ${formatValue(change.live[key])}`);
    if (parts.length) markers.push({ step: change.step, label: parts.join(', ') });
    before = change.live;
  }
  return markers;
}
