/** A node of the timer heap: a TimerHandle, or a task sleeping (each task embeds one node). */
export interface TimerNode {
  /** Deadline on the loop's clock, in ms. */
  when: number;
  /** Scheduling order, so that equal deadlines fire first-scheduled first. */
  seq: number;
  /** Position in the heap, -1 when not in it; lets cancellation remove a node in O(log n). */
  heapIndex: number;
}

/**
 * A binary min-heap of timer nodes ordered by (when, seq), each node knowing its index.
 *
 * Each node's (when, seq) is copied into one Float64Array beside the nodes, in heap order, and the
 * comparisons read it there: the nodes are scattered objects (tasks, handles), and with 10⁵ timers
 * reading a node's `when` was a cache miss per comparison, most of what a pop cost. A node's `when`
 * does not change while it is in the heap.
 */
export class TimerHeap<N extends TimerNode> {
  private readonly nodes: N[] = [];
  // keys[2 * i] and keys[2 * i + 1]: the `when` and `seq` of nodes[i].
  private keys = new Float64Array(64);
  private nextSeq = 0;

  get size(): number {
    return this.nodes.length;
  }

  /** The earliest node, or undefined. */
  peek(): N | undefined {
    return this.nodes[0];
  }

  push(node: N): void {
    const index = this.nodes.length;
    if (2 * index + 2 > this.keys.length) this.grow();
    node.seq = this.nextSeq++;
    node.heapIndex = index;
    this.nodes.push(node);
    this.keys[2 * index] = node.when;
    this.keys[2 * index + 1] = node.seq;
    this.siftUp(index);
  }

  /** Removes and returns the earliest node; the caller checks `size` first. */
  pop(): N {
    const top = this.nodes[0] as N;
    this.removeAt(0);
    return top;
  }

  /** Removes `node` if it is in the heap. */
  remove(node: N): void {
    if (node.heapIndex >= 0 && this.nodes[node.heapIndex] === node) this.removeAt(node.heapIndex);
  }

  private grow(): void {
    const keys = new Float64Array(2 * this.keys.length);
    keys.set(this.keys);
    this.keys = keys;
  }

  private removeAt(index: number): void {
    const nodes = this.nodes;
    const removed = nodes[index] as N;
    removed.heapIndex = -1;
    const last = nodes.pop() as N;
    const lastIndex = nodes.length;
    if (index === lastIndex) return;
    const keys = this.keys;
    nodes[index] = last;
    last.heapIndex = index;
    keys[2 * index] = keys[2 * lastIndex] as number;
    keys[2 * index + 1] = keys[2 * lastIndex + 1] as number;
    this.siftDown(index);
    this.siftUp(last.heapIndex);
  }

  private siftUp(index: number): void {
    const nodes = this.nodes;
    const keys = this.keys;
    const node = nodes[index] as N;
    const when = keys[2 * index] as number;
    const seq = keys[2 * index + 1] as number;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parentWhen = keys[2 * parentIndex] as number;
      const parentSeq = keys[2 * parentIndex + 1] as number;
      if (!before(when, seq, parentWhen, parentSeq)) break;
      const parent = nodes[parentIndex] as N;
      nodes[index] = parent;
      parent.heapIndex = index;
      keys[2 * index] = parentWhen;
      keys[2 * index + 1] = parentSeq;
      index = parentIndex;
    }
    nodes[index] = node;
    node.heapIndex = index;
    keys[2 * index] = when;
    keys[2 * index + 1] = seq;
  }

  private siftDown(index: number): void {
    const nodes = this.nodes;
    const keys = this.keys;
    const length = nodes.length;
    const node = nodes[index] as N;
    const when = keys[2 * index] as number;
    const seq = keys[2 * index + 1] as number;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child =
        right < length && before(keys[2 * right] as number, keys[2 * right + 1] as number, keys[2 * left] as number, keys[2 * left + 1] as number) ? right : left;
      const childWhen = keys[2 * child] as number;
      const childSeq = keys[2 * child + 1] as number;
      if (!before(childWhen, childSeq, when, seq)) break;
      const childNode = nodes[child] as N;
      nodes[index] = childNode;
      childNode.heapIndex = index;
      keys[2 * index] = childWhen;
      keys[2 * index + 1] = childSeq;
      index = child;
    }
    nodes[index] = node;
    node.heapIndex = index;
    keys[2 * index] = when;
    keys[2 * index + 1] = seq;
  }
}

function before(aWhen: number, aSeq: number, bWhen: number, bSeq: number): boolean {
  return aWhen < bWhen || (aWhen === bWhen && aSeq < bSeq);
}
