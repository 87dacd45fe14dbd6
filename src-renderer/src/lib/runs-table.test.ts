import { describe, expect, it } from 'vitest';
import type { RunTableRow } from '../../../src-main/api/projects';
import { preset } from '../../../src-main/api/training';
import { differingColumns, filterRows, fixedColumns, formatCell, runState, shownCell, sortRows, tableCsv } from './runs-table';

const row = (runId: string, over: Partial<RunTableRow> = {}, config: object = preset('dcgan')): RunTableRow => ({
  runId,
  name: null,
  created: `2026-12-0${runId.length % 9}T00:00:00Z`,
  dataset: 'demo:mnist',
  config: config as Record<string, unknown>,
  steps: 100,
  step: 100,
  lastCheckpointStep: 100,
  endedStep: null,
  damaged: null,
  kid: null,
  fid: null,
  imagesPerSecond: 100,
  trainSeconds: 60,
  notes: '',
  tags: [],
  ...over,
});

const columns = fixedColumns((r) => runState(r, null));
const col = (key: string) => columns.find((c) => c.key === key)!;

describe('runs table', () => {
  const a = row('a', { name: 'fast lr', kid: { best: 0.004, bestStep: 50, latest: 0.005, latestStep: 100 }, tags: ['baseline'] }, { ...preset('dcgan'), optimizer: { ...preset('dcgan').optimizer, gLr: 0.001 } });
  const b = row('bb', { kid: { best: 0.002, bestStep: 100, latest: 0.002, latestStep: 100 }, dataset: 'project:emoji' });
  const c = row('ccc', { lastCheckpointStep: 40, notes: 'diverged?' }, preset('wgan-gp'));

  it('sorts by a column with empty cells last in either direction', () => {
    expect(sortRows([a, b, c], col('kidBest'), false).map((r) => r.runId)).toEqual(['bb', 'a', 'ccc']);
    expect(sortRows([a, b, c], col('kidBest'), true).map((r) => r.runId)).toEqual(['a', 'bb', 'ccc']);
    expect(sortRows([a, b, c], col('state'), false).map((r) => runState(r, null))).toEqual(['completed', 'completed', 'stopped']);
  });

  it('calls a run that ended early (early stopping) at its newest checkpoint completed, and one stopped elsewhere stopped', () => {
    expect(runState(row('e', { lastCheckpointStep: 40, endedStep: 40 }), null)).toBe('completed');
    expect(runState(row('e', { lastCheckpointStep: 45, endedStep: 40 }), null)).toBe('stopped');
    expect(runState(row('e', { lastCheckpointStep: 40, endedStep: 40 }), 'paused')).toBe('paused');
  });

  it('adds a column for each setting that differs between the runs, and only those', () => {
    const keys = differingColumns([a, b, c]).map((c) => c.label);
    expect(keys).toContain('optimizer.gLr');
    expect(keys).toContain('loss.kind');
    expect(keys).toContain('nCritic');
    expect(keys).not.toContain('batchSize');
    const gLr = differingColumns([a, b, c]).find((c) => c.label === 'optimizer.gLr')!;
    expect([a, b, c].map(gLr.value)).toEqual([0.001, 0.0002, 0.0001]);
    expect(gLr.numeric).toBe(true);
  });

  it('filters on every word across names, datasets, tags and notes', () => {
    expect(filterRows([a, b, c], columns, 'baseline').map((r) => r.runId)).toEqual(['a']);
    expect(filterRows([a, b, c], columns, 'emoji').map((r) => r.runId)).toEqual(['bb']);
    expect(filterRows([a, b, c], columns, 'wgan diverged').map((r) => r.runId)).toEqual(['ccc']);
    expect(filterRows([a, b, c], columns, '')).toHaveLength(3);
  });

  it('exports the shown columns as CSV, numbers unformatted', () => {
    const csv = tableCsv([a], [col('name'), col('kidBest'), col('tags')]);
    expect(csv).toBe('run_id,Run,Best KID ×10³,Tags\r\na,fast lr,4,baseline\r\n');
  });

  it('shows small settings with their digits: learning rates that differ do not both read 0', () => {
    expect([0.0003, 0.0002, 0.001, 0.5, 1234.5678, 2e-5, 1.5e-7, 42, null].map(formatCell)).toEqual(['0.0003', '0.0002', '0.001', '0.5', '1,235', '2e-5', '1.5e-7', '42', '—']);
  });

  it('shows training time in minutes to a tenth or a hundredth, and keeps the exact value in the CSV', () => {
    const time = col('time');
    expect([22.05, 750, 9000].map((trainSeconds) => shownCell(time, row('t', { trainSeconds })))).toEqual(['0.37', '12.5', '150']);
    expect(tableCsv([row('t', { trainSeconds: 22.05 })], [time])).toBe('run_id,Training time (min)\r\nt,0.3675\r\n');
  });

  it('names a dataset as the Data view does, the first one too, and says when it is gone', () => {
    const named = fixedColumns((r) => runState(r, null), new Map([['project', 'emoji-ds'], ['project:cats', 'Cats']])).find((c) => c.key === 'dataset')!;
    expect([row('p', { dataset: 'project' }), row('q', { dataset: 'project:cats' }), row('r', { dataset: 'project:gone' }), a].map(named.value)).toEqual(['emoji-ds', 'Cats', 'gone (deleted)', 'digits (demo)']);
    // Before the list has loaded: the ref, never "deleted".
    const unloaded = fixedColumns((r) => runState(r, null)).find((c) => c.key === 'dataset')!;
    expect([row('p', { dataset: 'project' }), row('q', { dataset: 'project:cats' })].map(unloaded.value)).toEqual(['first dataset', 'cats']);
  });
});
