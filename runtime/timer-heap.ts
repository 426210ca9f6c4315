/** A node of the timer heap: a TimerHandle, or a task sleeping (each task embeds one node). */
export interface TimerNode {
  /** Deadline on the loop's clock, in ms. */
  when: number;
  /** Scheduling order, so that equal deadlines fire first-scheduled first. */
  seq: number;
  /** Position in the heap, -1 when not in it; lets cancellation remove a node in O(log n). */
  heapIndex: number;
}

/** A binary min-heap of timer nodes ordered by (when, seq), each node knowing its index. */
export class TimerHeap<N extends TimerNode> {
  private readonly nodes: N[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.nodes.length;
  }

  /** The earliest node, or undefined. */
  peek(): N | undefined {
    return this.nodes[0];
  }

  push(node: N): void {
    node.seq = this.nextSeq++;
    node.heapIndex = this.nodes.length;
    this.nodes.push(node);
    this.siftUp(node.heapIndex);
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

  private removeAt(index: number): void {
    const nodes = this.nodes;
    const removed = nodes[index] as N;
    removed.heapIndex = -1;
    const last = nodes.pop() as N;
    if (index === nodes.length) return;
    nodes[index] = last;
    last.heapIndex = index;
    this.siftDown(index);
    this.siftUp(last.heapIndex);
  }

  private siftUp(index: number): void {
    const nodes = this.nodes;
    const node = nodes[index] as N;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = nodes[parentIndex] as N;
      if (!before(node, parent)) break;
      nodes[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    nodes[index] = node;
    node.heapIndex = index;
  }

  private siftDown(index: number): void {
    const nodes = this.nodes;
    const length = nodes.length;
    const node = nodes[index] as N;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && before(nodes[right] as N, nodes[left] as N) ? right : left;
      const childNode = nodes[child] as N;
      if (!before(childNode, node)) break;
      nodes[index] = childNode;
      childNode.heapIndex = index;
      index = child;
    }
    nodes[index] = node;
    node.heapIndex = index;
  }
}

function before(a: TimerNode, b: TimerNode): boolean {
  return a.when < b.when || (a.when === b.when && a.seq < b.seq);
}
