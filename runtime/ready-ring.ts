/**
 * The loop's FIFO ready queue: a ring of slot ids in an Int32Array. Storing ids rather than object
 * pointers keeps V8's write barrier off the hot path (DESIGN.md §3: 6 ns against 14.5 ns per step).
 * The loop stores a task's slot id as it is and a callback handle's complemented (`~slot`, negative),
 * so that a tick tells them apart by the sign of the id.
 */
export class ReadyRing {
  private buffer = new Int32Array(1024);
  private mask = 1023;
  private head = 0;
  /** Number of ids queued. */
  size = 0;

  push(id: number): void {
    if (this.size === this.buffer.length) this.grow();
    this.buffer[(this.head + this.size) & this.mask] = id;
    this.size++;
  }

  /** Removes and returns the oldest id; the caller checks `size` first. */
  shift(): number {
    const id = this.buffer[this.head] as number;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return id;
  }

  private grow(): void {
    const old = this.buffer;
    const bigger = new Int32Array(old.length * 2);
    for (let i = 0; i < this.size; i++) bigger[i] = old[(this.head + i) & this.mask] as number;
    this.buffer = bigger;
    this.mask = bigger.length - 1;
    this.head = 0;
  }
}
