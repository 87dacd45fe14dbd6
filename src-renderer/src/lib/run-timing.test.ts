import { describe, expect, it } from 'vitest';
import { etaMs, formatDuration, RateMeter, RunClock } from './run-timing';

describe('RateMeter', () => {
  it('needs a second of observations with progress before it reports a speed', () => {
    const meter = new RateMeter();
    expect(meter.stepsPerSecond()).toBeNull();
    meter.add(0, 0);
    meter.add(5, 500);
    expect(meter.stepsPerSecond()).toBeNull();
    meter.add(20, 2000);
    expect(meter.stepsPerSecond()).toBeCloseTo(10, 9);
  });

  it('forgets observations older than its window', () => {
    const meter = new RateMeter(10_000);
    meter.add(0, 0);
    meter.add(10, 1_000); // fast start…
    for (let t = 2_000; t <= 30_000; t += 1_000) meter.add(10 + (t - 1_000) / 1_000, t); // …then 1 step/s
    expect(meter.stepsPerSecond()).toBeCloseTo(1, 9);
  });

  it('starts over after a rollback or a reset', () => {
    const meter = new RateMeter();
    meter.add(100, 0);
    meter.add(200, 1_000);
    meter.add(50, 2_000);
    expect(meter.stepsPerSecond()).toBeNull();
    meter.add(60, 4_000);
    expect(meter.stepsPerSecond()).toBeCloseTo(5, 9);
    meter.reset();
    expect(meter.stepsPerSecond()).toBeNull();
  });
});

describe('etaMs', () => {
  it('divides the remaining steps by the speed', () => {
    expect(etaMs(100, 1100, 10)).toBe(100_000);
    expect(etaMs(1100, 1100, 10)).toBe(0);
    expect(etaMs(10, 100, null)).toBeNull();
    expect(etaMs(10, 100, 0)).toBeNull();
  });
});

describe('formatDuration', () => {
  it('picks units a person reads at a glance', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(2 * 3_600_000 + 7 * 60_000)).toBe('2 h 07 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 4 h');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('RunClock', () => {
  it('counts running time only, across pauses', () => {
    const clock = new RunClock();
    clock.begin(0, true);
    clock.setRunning(true, 0);
    clock.setRunning(false, 10_000);
    expect(clock.elapsed(50_000)).toBe(10_000);
    clock.setRunning(true, 60_000);
    clock.setRunning(true, 61_000); // repeated status events do not restart the interval
    expect(clock.elapsed(65_000)).toBe(15_000);
  });

  it('measures the time to the first grid for runs it saw start', () => {
    const clock = new RunClock();
    clock.begin(1_000, true);
    expect(clock.waitingForGrid(3_000)).toBe(2_000);
    clock.markGrid(4_500);
    clock.markGrid(9_000);
    expect(clock.firstGridMs).toBe(3_500);
    expect(clock.waitingForGrid(9_000)).toBeNull();

    clock.begin(0, false);
    clock.markGrid(5_000);
    expect(clock.firstGridMs).toBeNull();
    expect(clock.partial).toBe(true);
  });
});
