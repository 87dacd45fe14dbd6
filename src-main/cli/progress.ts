/** A one-line terminal progress display with throughput and ETA (a line per 5% when not a TTY). */
export class ProgressLine {
  private lastPercent = -1;
  private readonly started = performance.now();

  /** `from`: where the work starts (a resumed run's step): the rate, and so the ETA, counts from there. */
  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly from = 0,
  ) {}

  update(done: number, detail: string): void {
    const percent = Math.floor((done / this.total) * 100);
    const elapsed = (performance.now() - this.started) / 1000;
    const eta = done > this.from ? (elapsed / (done - this.from)) * (this.total - done) : Number.NaN;
    const line = `${bar(done / this.total)} ${done}/${this.total} ${detail}  ETA ${formatDuration(eta)}`;
    if (this.out.isTTY) {
      this.out.write(`\r${line.padEnd(this.out.columns ? Math.min(this.out.columns - 1, 120) : 100)}`);
    } else if (Math.floor(percent / 5) !== Math.floor(this.lastPercent / 5) || done === this.total) {
      this.out.write(`${line}\n`);
    }
    this.lastPercent = percent;
  }

  finish(message: string): void {
    this.out.write(`${this.out.isTTY ? '\n' : ''}${message}\n`);
  }
}

function bar(fraction: number, width = 24): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
