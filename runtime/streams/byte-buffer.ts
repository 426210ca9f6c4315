/** Storage above this size is given back to the allocator once the buffer empties. */
const RETAINED_CAPACITY = 256 * 1024;
const MIN_CAPACITY = 4096;
const EMPTY = Buffer.alloc(0);

/**
 * The StreamReader's buffer (asyncio's bytearray): bytes appended at the end, consumed from the
 * front. One contiguous region with a moving start, so consuming is O(1) and appending is amortized
 * O(1): the live bytes are moved to the front only when the dead prefix is at least half the storage,
 * else the storage doubles.
 */
export class ByteBuffer {
  private storage: Buffer = EMPTY;
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  append(chunk: Uint8Array): void {
    const size = chunk.length;
    if (size === 0) return;
    if (this.end + size > this.storage.length) this.makeRoom(size);
    this.storage.set(chunk, this.end);
    this.end += size;
  }

  /** Removes the first `count` bytes (at most what is there) and returns them as a new Buffer the caller owns. */
  take(count: number): Buffer {
    const size = Math.min(count, this.length);
    const out = Buffer.allocUnsafe(size);
    this.storage.copy(out, 0, this.start, this.start + size);
    this.skip(size);
    return out;
  }

  /** Drops the first `count` bytes. */
  skip(count: number): void {
    this.start += Math.min(count, this.length);
    if (this.start === this.end) this.clear();
  }

  clear(): void {
    this.start = 0;
    this.end = 0;
    if (this.storage.length > RETAINED_CAPACITY) this.storage = EMPTY;
  }

  /** The index (from the front) of the first occurrence of `needle` at or after `from`, or -1. */
  indexOf(needle: Uint8Array, from: number): number {
    return this.storage.subarray(this.start, this.end).indexOf(needle, from);
  }

  /** True if the bytes at `at` (from the front) are `prefix`. */
  startsWith(prefix: Uint8Array, at: number): boolean {
    if (at + prefix.length > this.length) return false;
    const base = this.start + at;
    for (let i = 0; i < prefix.length; i++) if (this.storage[base + i] !== prefix[i]) return false;
    return true;
  }

  private makeRoom(extra: number): void {
    const live = this.length;
    const capacity = this.storage.length;
    if (live + extra <= capacity && this.start >= capacity / 2) {
      // Moving `live` bytes frees at least capacity / 2: amortized over the bytes consumed meanwhile.
      this.storage.copyWithin(0, this.start, this.end);
    } else {
      const grown = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, capacity * 2, live + extra));
      this.storage.copy(grown, 0, this.start, this.end);
      this.storage = grown;
    }
    this.start = 0;
    this.end = live;
  }
}
