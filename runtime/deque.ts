/**
 * A double-ended queue on a growable ring buffer: O(1) at both ends, where an array's `shift()`
 * would move every element. Holds the items of a FIFO Queue and the waiters of every primitive.
 */
export class Deque<T> implements Iterable<T> {
  // Allocated on the first push: most locks and events never get a waiter.
  private buffer: (T | undefined)[] | null = null;
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    let buffer = this.buffer;
    if (buffer === null) buffer = this.buffer = new Array<T | undefined>(8).fill(undefined);
    else if (this.count === buffer.length) buffer = this.grow(buffer);
    buffer[(this.head + this.count) & (buffer.length - 1)] = item;
    this.count++;
  }

  /** Removes and returns the first item (undefined when empty). */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const buffer = this.buffer as (T | undefined)[];
    const item = buffer[this.head];
    buffer[this.head] = undefined;
    this.head = (this.head + 1) & (buffer.length - 1);
    this.count--;
    return item;
  }

  /** Removes and returns the last item (undefined when empty). */
  pop(): T | undefined {
    if (this.count === 0) return undefined;
    const buffer = this.buffer as (T | undefined)[];
    const index = (this.head + this.count - 1) & (buffer.length - 1);
    const item = buffer[index];
    buffer[index] = undefined;
    this.count--;
    return item;
  }

  /** The item at `index` from the front (undefined when out of range). */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.count) return undefined;
    const buffer = this.buffer as (T | undefined)[];
    return buffer[(this.head + index) & (buffer.length - 1)];
  }

  /** Removes the first occurrence of `item`, keeping the order of the rest; false if absent. */
  remove(item: T): boolean {
    const buffer = this.buffer;
    if (buffer === null) return false;
    const mask = buffer.length - 1;
    for (let i = 0; i < this.count; i++) {
      if (buffer[(this.head + i) & mask] !== item) continue;
      for (let j = i; j < this.count - 1; j++) buffer[(this.head + j) & mask] = buffer[(this.head + j + 1) & mask];
      buffer[(this.head + this.count - 1) & mask] = undefined;
      this.count--;
      return true;
    }
    return false;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.count; i++) yield this.at(i) as T;
  }

  private grow(buffer: (T | undefined)[]): (T | undefined)[] {
    const larger = new Array<T | undefined>(buffer.length * 2).fill(undefined);
    for (let i = 0; i < this.count; i++) larger[i] = buffer[(this.head + i) & (buffer.length - 1)];
    this.head = 0;
    this.buffer = larger;
    return larger;
  }
}
