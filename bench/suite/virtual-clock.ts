/**
 * A virtual clock for S6 in the implementations that have none of their own (async/await, co,
 * effection, plain JavaScript): a binary heap of timers by (deadline, order of scheduling). `drain`
 * fires every timer due at the earliest deadline, then lets the host run what that woke (Promise
 * reactions, through one macrotask turn), and repeats, so promise-based code sees time jump as
 * tsyncio's virtual clock makes it jump.
 */
export interface Timer {
  when: number;
  seq: number;
  callback: (() => void) | null;
}

export class VirtualClock {
  now = 0;
  private readonly heap: Timer[] = [];
  private seq = 0;

  /** Calls `callback` `ms` from now (unless cancelled first). */
  schedule(ms: number, callback: () => void): Timer {
    const timer: Timer = { when: this.now + ms, seq: this.seq++, callback };
    const heap = this.heap;
    let index = heap.length;
    heap.push(timer);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = heap[parent] as Timer;
      if (!before(timer, above)) break;
      heap[index] = above;
      index = parent;
    }
    heap[index] = timer;
    return timer;
  }

  /** Cancelled timers stay in the heap and are skipped when they come up. */
  cancel(timer: Timer): void {
    timer.callback = null;
  }

  /** Runs timers synchronously until none is left (for callback code: no Promise in between). */
  runSync(): void {
    for (;;) {
      const timer = this.pop();
      if (timer === undefined) return;
      this.now = timer.when;
      timer.callback?.();
    }
  }

  /** Runs timers, letting Promise reactions settle after each deadline, until `done` is true. */
  async drain(done: () => boolean): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (done()) return;
      const first = this.pop();
      if (first === undefined) throw new Error('virtual clock: nothing scheduled and the work is not done');
      this.now = first.when;
      first.callback?.();
      while (this.heap.length > 0 && (this.heap[0] as Timer).when === first.when) (this.pop() as Timer).callback?.();
    }
  }

  private pop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right] as Timer, heap[left] as Timer) ? right : left;
      if (!before(heap[child] as Timer, last)) break;
      heap[index] = heap[child] as Timer;
      index = child;
    }
    heap[index] = last;
    return top;
  }
}

/** What a cancelled Sleeper's pending sleep rejects with. */
export class Cancelled extends Error {}

/** Promise sleeps on a VirtualClock, one at a time, that `cancel` rejects (for code without task cancellation). */
export class Sleeper {
  private timer: Timer | null = null;
  private reject: ((error: Error) => void) | null = null;

  constructor(private readonly clock: VirtualClock) {}

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.reject = reject;
      this.timer = this.clock.schedule(ms, () => {
        this.timer = null;
        this.reject = null;
        resolve();
      });
    });
  }

  cancel(): void {
    if (this.timer === null) return;
    this.clock.cancel(this.timer);
    this.timer = null;
    this.reject?.(new Cancelled());
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.when < b.when || (a.when === b.when && a.seq < b.seq);
}
