import { Queue } from './queue.js';

/** Orders two items: negative if `a` comes first, positive if `b` does, 0 if they tie. */
export type Compare<T> = (a: T, b: T) => number;

/**
 * asyncio.PriorityQueue: a Queue that returns the smallest item first (a binary min-heap).
 *
 * Give the priority the Python way, as a `[priority, item]` tuple compared by `naturalOrder`:
 *
 *     const jobs = new PriorityQueue<[number, string]>();
 *     yield* jobs.put([2, 'later']);
 *     yield* jobs.put([1, 'first']);
 *     const [, next] = yield* jobs.get();            // 'first'
 *
 * or pass a comparator, the TypeScript way, to order any items:
 *
 *     const jobs = new PriorityQueue<Job>(0, (a, b) => a.deadline - b.deadline);
 *
 * Ties come out in insertion order (FIFO; heapq promises no order). As in Python, when two
 * `[priority, object]` tuples tie on the priority the default order goes on to compare the objects
 * and throws TypeError: pass a comparator on the priority alone, e.g. `(a, b) => a[0] - b[0]`.
 */
export class PriorityQueue<T> extends Queue<T> {
  private readonly heap: T[] = [];
  // Insertion numbers, parallel to `heap`: the tie-break that makes equal items FIFO.
  private readonly order: number[] = [];
  private insertions = 0;
  // Reused by takeItem: the children the hole moves through.
  private readonly siftPath: number[] = [];
  private readonly compare: Compare<T>;

  /** `maxsize` as for Queue; `compare` orders the items (default: `naturalOrder`). */
  constructor(maxsize = 0, compare: Compare<T> = naturalOrder) {
    super(maxsize);
    this.compare = compare;
  }

  override qsize(): number {
    return this.heap.length;
  }

  // Both operations make every comparison before moving anything, so a comparator that throws
  // (naturalOrder on items Python could not order either) leaves the heap as it was.
  protected override putItem(item: T): void {
    const heap = this.heap;
    const order = this.order;
    const sequence = this.insertions;
    let target = heap.length;
    while (target > 0) {
      const parent = (target - 1) >> 1;
      if (!this.before(item, sequence, heap[parent] as T, order[parent] as number)) break;
      target = parent;
    }
    this.insertions++;
    let index = heap.length;
    heap.push(item);
    order.push(sequence);
    while (index > target) {
      const parent = (index - 1) >> 1;
      heap[index] = heap[parent] as T;
      order[index] = order[parent] as number;
      index = parent;
    }
    heap[target] = item;
    order[target] = sequence;
  }

  protected override takeItem(): T {
    const heap = this.heap;
    const order = this.order;
    const top = heap[0] as T;
    const size = heap.length - 1;
    const lastItem = heap[size] as T;
    const lastSequence = order[size] as number;
    // The hole left at the root moves down along the smaller children until the last item fits.
    const path = this.siftPath;
    path.length = 0;
    let index = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && this.before(heap[right] as T, order[right] as number, heap[child] as T, order[child] as number)) child = right;
      if (!this.before(heap[child] as T, order[child] as number, lastItem, lastSequence)) break;
      path.push(child);
      index = child;
    }
    let hole = 0;
    for (const child of path) {
      heap[hole] = heap[child] as T;
      order[hole] = order[child] as number;
      hole = child;
    }
    heap[hole] = lastItem;
    order[hole] = lastSequence;
    heap.pop();
    order.pop();
    return top;
  }

  private before(a: T, aSequence: number, b: T, bSequence: number): boolean {
    const result = this.compare(a, b);
    return result < 0 || (result === 0 && aSequence < bSequence);
  }
}

/**
 * Python's ordering for the values a priority is usually made of: numbers, bigints and booleans by
 * value, strings by UTF-16 code units, arrays lexicographically like tuples (a prefix comes first).
 * Anything else, or two values of different kinds, cannot be ordered: TypeError, as Python's `<`
 * raises. NaN ties with everything.
 */
export function naturalOrder(a: unknown, b: unknown): number {
  if (isNumeric(a) && isNumeric(b)) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    const shared = Math.min(a.length, b.length);
    for (let i = 0; i < shared; i++) {
      // Python compares tuples element by element, looking only as far as the first difference.
      if (a[i] === b[i]) continue;
      const result = naturalOrder(a[i], b[i]);
      if (result !== 0) return result;
    }
    return a.length - b.length;
  }
  throw new TypeError(`'<' not supported between instances of '${kindOf(a)}' and '${kindOf(b)}'`);
}

function isNumeric(value: unknown): value is number | bigint | boolean {
  return typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean';
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'Object';
  return typeof value;
}
