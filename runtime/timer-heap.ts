/** A node of the timer heap: a TimerHandle, or a task sleeping (each task embeds one node). */
export interface TimerNode {
  /** Deadline on the loop's clock, in ms. */
  when: number;
  /** Scheduling order, so that equal deadlines fire first-scheduled first. */
  seq: number;
  /** Its entry in the heap, -1 when not in it; lets cancellation remove a node in O(log n). */
  heapIndex: number;
}

/**
 * A binary min-heap of timer nodes ordered by (when, seq).
 *
 * The sifts touch no node: with 10⁵ timers the nodes are scattered objects (tasks, handles), and
 * reading a node's `when` for each comparison, or writing its position at each move, was a cache
 * miss every time, most of what a pop cost. So each heap position holds the node's (when, seq) in
 * one Float64Array and its entry number in an Int32Array; the entry (the node's heapIndex, fixed
 * while it is in the heap) finds the node and its current position. A node's `when` does not change
 * while it is in the heap.
 */
export class TimerHeap<N extends TimerNode> {
  private count = 0;
  // By heap position p: keys[2 * p] and keys[2 * p + 1], the when and seq; ids[p], the entry.
  private keys = new Float64Array(64);
  private ids = new Int32Array(32);
  // By entry: the node, and its heap position. Entries are reused, so there are never more than
  // the most nodes the heap has held at once.
  private readonly entries: (N | undefined)[] = [];
  private positions = new Int32Array(32);
  private readonly freeEntries: number[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.count;
  }

  /** The earliest node, or undefined. */
  peek(): N | undefined {
    return this.count > 0 ? this.entries[this.ids[0] as number] : undefined;
  }

  push(node: N): void {
    const position = this.count;
    if (position === this.ids.length) this.grow();
    const entry = this.freeEntries.length > 0 ? (this.freeEntries.pop() as number) : this.entries.length;
    this.entries[entry] = node;
    node.seq = this.nextSeq++;
    node.heapIndex = entry;
    this.count = position + 1;
    this.place(position, node.when, node.seq, entry);
    this.siftUp(position);
  }

  /** Removes and returns the earliest node; the caller checks `size` first. */
  pop(): N {
    const top = this.entries[this.ids[0] as number] as N;
    this.removeAt(0);
    return top;
  }

  /** Removes `node` if it is in the heap. */
  remove(node: N): void {
    const entry = node.heapIndex;
    if (entry >= 0 && this.entries[entry] === node) this.removeAt(this.positions[entry] as number);
  }

  private grow(): void {
    const capacity = 2 * this.ids.length;
    const keys = new Float64Array(2 * capacity);
    keys.set(this.keys);
    this.keys = keys;
    const ids = new Int32Array(capacity);
    ids.set(this.ids);
    this.ids = ids;
    const positions = new Int32Array(capacity);
    positions.set(this.positions);
    this.positions = positions;
  }

  private removeAt(position: number): void {
    const ids = this.ids;
    const entry = ids[position] as number;
    (this.entries[entry] as N).heapIndex = -1;
    this.entries[entry] = undefined;
    this.freeEntries.push(entry);
    const last = --this.count;
    if (position === last) return;
    const keys = this.keys;
    const moved = ids[last] as number;
    this.place(position, keys[2 * last] as number, keys[2 * last + 1] as number, moved);
    this.siftDown(position);
    this.siftUp(this.positions[moved] as number);
  }

  private siftUp(position: number): void {
    const keys = this.keys;
    const ids = this.ids;
    const when = keys[2 * position] as number;
    const seq = keys[2 * position + 1] as number;
    const id = ids[position] as number;
    while (position > 0) {
      const parent = (position - 1) >> 1;
      const parentWhen = keys[2 * parent] as number;
      const parentSeq = keys[2 * parent + 1] as number;
      if (!before(when, seq, parentWhen, parentSeq)) break;
      this.place(position, parentWhen, parentSeq, ids[parent] as number);
      position = parent;
    }
    this.place(position, when, seq, id);
  }

  private siftDown(position: number): void {
    const keys = this.keys;
    const ids = this.ids;
    const length = this.count;
    const when = keys[2 * position] as number;
    const seq = keys[2 * position + 1] as number;
    const id = ids[position] as number;
    for (;;) {
      const left = 2 * position + 1;
      if (left >= length) break;
      const right = left + 1;
      const child =
        right < length && before(keys[2 * right] as number, keys[2 * right + 1] as number, keys[2 * left] as number, keys[2 * left + 1] as number) ? right : left;
      const childWhen = keys[2 * child] as number;
      const childSeq = keys[2 * child + 1] as number;
      if (!before(childWhen, childSeq, when, seq)) break;
      this.place(position, childWhen, childSeq, ids[child] as number);
      position = child;
    }
    this.place(position, when, seq, id);
  }

  /** Puts the entry `id`, with its key (when, seq), at heap position `position`. */
  private place(position: number, when: number, seq: number, id: number): void {
    this.keys[2 * position] = when;
    this.keys[2 * position + 1] = seq;
    this.ids[position] = id;
    this.positions[id] = position;
  }
}

function before(aWhen: number, aSeq: number, bWhen: number, bSeq: number): boolean {
  return aWhen < bWhen || (aWhen === bWhen && aSeq < bSeq);
}
