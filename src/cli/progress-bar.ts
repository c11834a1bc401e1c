/** A one-line progress bar redrawn with \r, for a terminal only (the caller checks isTTY). */
export class ProgressBar {
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly width = 30,
  ) {}

  /** Redraws the line: label, bar, done/total. */
  update(label: string, done: number, total: number): void {
    const filled = total > 0 ? Math.round((Math.min(done, total) / total) * this.width) : this.width;
    this.out.write(`\r\x1b[K${label} [${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${done}/${total}`);
    this.drawn = true;
  }

  /** Erases the line, so what follows starts on a clean one. */
  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}
