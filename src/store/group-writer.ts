/**
 * A group commit: items added during one turn of the event loop, or while a batch is being
 * written, go to `write` together, at most `max` at a time and one batch after another. Under
 * load each batch costs one commit instead of one per item. `write` settles each item's own
 * promise and must not reject (an item's error belongs to that item).
 */
export class GroupWriter<T> {
  private queue: T[] = [];
  /** The loop writing batches, while one runs. */
  private draining: Promise<void> | null = null;

  constructor(
    private readonly max: number,
    private readonly write: (batch: T[]) => Promise<void>,
  ) {}

  add(item: T): void {
    this.queue.push(item);
    this.draining ??= this.drain();
  }

  /** Waits until every item added so far has been written. */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      // One turn of the event loop: the requests handled meanwhile join this batch.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.queue.length > 0) await this.write(this.queue.splice(0, this.max));
    } finally {
      this.draining = null;
    }
  }
}
