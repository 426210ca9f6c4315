/**
 * The benchmark's coroutines, each as a native generator and as the frame the transformer is to emit
 * for it (written by hand, in the style of test/frames/hand-frames.ts). The allocation tests use them
 * too, so the numbers and the zero-allocation claims are about the same code.
 */
import type { Fiber } from '../runtime/fiber.js';
import { isFrame, linkFrameClass, type Frame } from '../runtime/frame.js';
import { delegate } from '../runtime/delegate.js';
import { Waiter } from '../runtime/waiter.js';
import { sleep } from '../runtime/sleep.js';
import type { Coroutine } from '../runtime/coroutine.js';
import type { Queue } from '../runtime/queue.js';
import { SUSPEND, type ResumeMode, type Suspend } from '../runtime/protocol.js';

export interface BenchCoroutines {
  /** `for (i < count) yield;` then returns count. */
  spin(count: number): Coroutine<number>;
  /** A `yield*` chain `depth` deep whose leaf yields `leafYields` times; returns depth. */
  chain(depth: number, leafYields: number): Coroutine<number>;
  /** `for (i < count) { total = yield* addOne(total); yield; }`: a sub-call per step that never suspends. */
  callEachStep(count: number): Coroutine<number>;
  /** `yield* sleep(ms)` once per entry of `delays`. */
  sleepFor(delays: readonly number[]): Coroutine<number>;
  /** Puts 0..count-1 into a one-slot mailbox, waiting for room. */
  producer(box: Mailbox, count: number): Coroutine<void>;
  /** Takes `count` items from the mailbox, waiting for each; returns their sum. */
  consumer(box: Mailbox, count: number): Coroutine<number>;
  /** `yield* queue.put(i)` for 0..count-1. */
  queueProducer(queue: Queue<number>, count: number): Coroutine<void>;
  /** `sum += yield* queue.get()`, `count` times; returns the sum. */
  queueConsumer(queue: Queue<number>, count: number): Coroutine<number>;
}

/**
 * A one-slot queue made of Waiters (what runtime/queue.ts waits on), so that S4 measures frames and
 * the loop alone (without runtime/queue.ts's bookkeeping):
 * `put` when full and `take` when empty hand out a Waiter to wait on, woken by the other side.
 */
export class Mailbox {
  private item = 0;
  full = false;
  private roomWaiter: Waiter<void> | null = null;
  private itemWaiter: Waiter<void> | null = null;

  /** A future completed when the slot is empty again. */
  waitForRoom(): Waiter<void> {
    return (this.roomWaiter = new Waiter<void>());
  }

  /** A future completed when an item arrives. */
  waitForItem(): Waiter<void> {
    return (this.itemWaiter = new Waiter<void>());
  }

  put(item: number): void {
    this.item = item;
    this.full = true;
    const waiter = this.itemWaiter;
    if (waiter !== null) {
      this.itemWaiter = null;
      waiter.setResult();
    }
  }

  take(): number {
    this.full = false;
    const waiter = this.roomWaiter;
    if (waiter !== null) {
      this.roomWaiter = null;
      waiter.setResult();
    }
    return this.item;
  }
}

// ---------------------------------------------------------------------------------------------------
// Native generators.

function* nativeAddOne(x: number): Coroutine<number> {
  return x + 1;
}

export const nativeBench: BenchCoroutines = {
  *spin(count) {
    for (let i = 0; i < count; i++) yield;
    return count;
  },
  *chain(depth, leafYields) {
    if (depth === 0) {
      for (let i = 0; i < leafYields; i++) yield;
      return 0;
    }
    return (yield* nativeBench.chain(depth - 1, leafYields)) + 1;
  },
  *callEachStep(count) {
    let total = 0;
    for (let i = 0; i < count; i++) {
      total = yield* nativeAddOne(total);
      yield;
    }
    return total;
  },
  *sleepFor(delays) {
    for (const ms of delays) yield* sleep(ms);
    return delays.length;
  },
  *producer(box, count) {
    for (let i = 0; i < count; i++) {
      while (box.full) yield* box.waitForRoom();
      box.put(i);
    }
  },
  *consumer(box, count) {
    let sum = 0;
    for (let i = 0; i < count; i++) {
      while (!box.full) yield* box.waitForItem();
      sum += box.take();
    }
    return sum;
  },
  *queueProducer(queue, count) {
    for (let i = 0; i < count; i++) yield* queue.put(i);
  },
  *queueConsumer(queue, count) {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += yield* queue.get();
    return sum;
  },
};

// ---------------------------------------------------------------------------------------------------
// Hand-written frames.

class Spin$Frame {
  state = 0;
  caller: Frame | null = null;
  private i = 0;
  constructor(private readonly count: number) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown): number | Suspend {
    for (;;) {
      switch (this.state) {
        case 0:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.i = 0;
        // falls through: the loop head
        case 1:
          if (!(this.i < this.count)) {
            this.state = -1; /* STATE_DONE */
            return this.count;
          }
          fiber.top = this;
          fiber.signal = 0; /* YIELDED */
          fiber.yielded = undefined;
          this.state = 2;
          return SUSPEND;
        case 2:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.i++;
          this.state = 1;
          continue;
        default:
          return this.exitWith(mode, value);
      }
    }
  }
}
interface Spin$Frame extends Frame<number> {}
linkFrameClass(Spin$Frame);

class Chain$Frame {
  state = 0;
  caller: Frame | null = null;
  private i = 0;
  constructor(
    private readonly depth: number,
    private readonly leafYields: number,
  ) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown, budget: number): number | Suspend {
    for (;;) {
      switch (this.state) {
        case 0: {
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          if (this.depth === 0) {
            this.i = 0;
            this.state = 2;
            continue;
          }
          const child = frameBench.chain(this.depth - 1, this.leafYields);
          let result: unknown;
          if (isFrame(child) && budget > 0) {
            result = child.step(fiber, 0 /* NEXT */, undefined, budget - 1);
            if (result === SUSPEND) {
              child.caller = this;
              this.state = 1;
              return SUSPEND;
            }
          } else {
            result = delegate(fiber, this, child);
            if (result === SUSPEND) {
              this.state = 1;
              return SUSPEND;
            }
          }
          mode = 0; /* NEXT */
          value = result;
        }
        // falls through
        case 1:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.state = -1; /* STATE_DONE */
          return (value as number) + 1;
        case 2:
          if (!(this.i < this.leafYields)) {
            this.state = -1; /* STATE_DONE */
            return 0;
          }
          fiber.top = this;
          fiber.signal = 0; /* YIELDED */
          fiber.yielded = undefined;
          this.state = 3;
          return SUSPEND;
        case 3:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.i++;
          this.state = 2;
          continue;
        default:
          return this.exitWith(mode, value);
      }
    }
  }
}
interface Chain$Frame extends Frame<number> {}
linkFrameClass(Chain$Frame);

class AddOne$Frame {
  state = 0;
  caller: Frame | null = null;
  constructor(private readonly x: number) {
  }

  step(_fiber: Fiber, mode: ResumeMode, value: unknown): number | Suspend {
    if (this.state !== 0 || mode !== 0 /* NEXT */) return this.exitWith(mode, value);
    this.state = -1; /* STATE_DONE */
    return this.x + 1;
  }
}
interface AddOne$Frame extends Frame<number> {}
linkFrameClass(AddOne$Frame);

/** The factory the transformer emits with the coroutine's signature. */
function addOne(x: number): Coroutine<number> {
  return new AddOne$Frame(x);
}

class CallEachStep$Frame {
  state = 0;
  caller: Frame | null = null;
  private total = 0;
  private i = 0;
  constructor(private readonly count: number) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown, budget: number): number | Suspend {
    for (;;) {
      switch (this.state) {
        case 0:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.total = 0;
          this.i = 0;
        // falls through: the loop head
        case 1: {
          if (!(this.i < this.count)) {
            this.state = -1; /* STATE_DONE */
            return this.total;
          }
          const child = addOne(this.total);
          let result: unknown;
          if (isFrame(child) && budget > 0) {
            result = child.step(fiber, 0 /* NEXT */, undefined, budget - 1);
            if (result === SUSPEND) {
              child.caller = this;
              this.state = 2;
              return SUSPEND;
            }
          } else {
            result = delegate(fiber, this, child);
            if (result === SUSPEND) {
              this.state = 2;
              return SUSPEND;
            }
          }
          mode = 0; /* NEXT */
          value = result;
        }
        // falls through
        case 2:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.total = value as number;
          fiber.top = this;
          fiber.signal = 0; /* YIELDED */
          fiber.yielded = undefined;
          this.state = 3;
          return SUSPEND;
        case 3:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.i++;
          this.state = 1;
          continue;
        default:
          return this.exitWith(mode, value);
      }
    }
  }
}
interface CallEachStep$Frame extends Frame<number> {}
linkFrameClass(CallEachStep$Frame);

class SleepFor$Frame {
  state = 0;
  caller: Frame | null = null;
  private i = 0;
  constructor(private readonly delays: readonly number[]) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown): number | Suspend {
    for (;;) {
      switch (this.state) {
        case 0:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.i = 0;
        // falls through: the loop head (for-of over an array, lowered to an index by hand here)
        case 1: {
          if (!(this.i < this.delays.length)) {
            this.state = -1; /* STATE_DONE */
            return this.delays.length;
          }
          const result = delegate(fiber, this, sleep(this.delays[this.i] as number));
          if (result === SUSPEND) {
            this.state = 2;
            return SUSPEND;
          }
          mode = 0; /* NEXT */
          value = result;
        }
        // falls through
        case 2:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.i++;
          this.state = 1;
          continue;
        default:
          return this.exitWith(mode, value);
      }
    }
  }
}
interface SleepFor$Frame extends Frame<number> {}
linkFrameClass(SleepFor$Frame);

class Producer$Frame {
  state = 0;
  caller: Frame | null = null;
  private i = 0;
  constructor(
    private readonly box: Mailbox,
    private readonly count: number,
  ) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown): void | Suspend {
    for (;;) {
      switch (this.state) {
        case 0:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.i = 0;
        // falls through: the for head
        case 1:
          if (!(this.i < this.count)) {
            this.state = -1; /* STATE_DONE */
            return;
          }
        // falls through: the while head
        case 2: {
          if (!this.box.full) {
            this.box.put(this.i);
            this.i++;
            this.state = 1;
            continue;
          }
          const result = delegate(fiber, this, this.box.waitForRoom());
          if (result === SUSPEND) {
            this.state = 3;
            return SUSPEND;
          }
          mode = 0; /* NEXT */
          value = result;
        }
        // falls through
        case 3:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.state = 2;
          continue;
        default:
          return this.exitWith(mode, value);
      }
    }
  }
}
interface Producer$Frame extends Frame<void> {}
linkFrameClass(Producer$Frame);

class Consumer$Frame {
  state = 0;
  caller: Frame | null = null;
  private i = 0;
  private sum = 0;
  constructor(
    private readonly box: Mailbox,
    private readonly count: number,
  ) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown): number | Suspend {
    for (;;) {
      switch (this.state) {
        case 0:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.i = 0;
          this.sum = 0;
        // falls through: the for head
        case 1:
          if (!(this.i < this.count)) {
            this.state = -1; /* STATE_DONE */
            return this.sum;
          }
        // falls through: the while head
        case 2: {
          if (this.box.full) {
            this.sum += this.box.take();
            this.i++;
            this.state = 1;
            continue;
          }
          const result = delegate(fiber, this, this.box.waitForItem());
          if (result === SUSPEND) {
            this.state = 3;
            return SUSPEND;
          }
          mode = 0; /* NEXT */
          value = result;
        }
        // falls through
        case 3:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.state = 2;
          continue;
        default:
          return this.exitWith(mode, value);
      }
    }
  }
}
interface Consumer$Frame extends Frame<number> {}
linkFrameClass(Consumer$Frame);

/** `yield* queue.put(i)`: Queue.put is a native generator (until the runtime is compiled), so `delegate`. */
class QueueProducer$Frame {
  state = 0;
  caller: Frame | null = null;
  private i = 0;
  constructor(
    private readonly queue: Queue<number>,
    private readonly count: number,
  ) {}

  step(fiber: Fiber, mode: ResumeMode, value: unknown, budget: number): void | Suspend {
    for (;;) {
      switch (this.state) {
        case 0:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.i = 0;
        // falls through: the loop head
        case 1: {
          if (!(this.i < this.count)) {
            this.state = -1; /* STATE_DONE */
            return;
          }
          const child = this.queue.put(this.i);
          let result: unknown;
          if (isFrame(child) && budget > 0) {
            result = child.step(fiber, 0 /* NEXT */, undefined, budget - 1);
            if (result === SUSPEND) {
              child.caller = this;
              this.state = 2;
              return SUSPEND;
            }
          } else {
            result = delegate(fiber, this, child);
            if (result === SUSPEND) {
              this.state = 2;
              return SUSPEND;
            }
          }
          mode = 0; /* NEXT */
          value = result;
        }
        // falls through
        case 2:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.i++;
          this.state = 1;
          continue;
        default:
          return this.exitWith(mode, value);
      }
    }
  }
}
interface QueueProducer$Frame extends Frame<void> {}
linkFrameClass(QueueProducer$Frame);

class QueueConsumer$Frame {
  state = 0;
  caller: Frame | null = null;
  private i = 0;
  private sum = 0;
  constructor(
    private readonly queue: Queue<number>,
    private readonly count: number,
  ) {}

  step(fiber: Fiber, mode: ResumeMode, value: unknown, budget: number): number | Suspend {
    for (;;) {
      switch (this.state) {
        case 0:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.i = 0;
          this.sum = 0;
        // falls through: the loop head
        case 1: {
          if (!(this.i < this.count)) {
            this.state = -1; /* STATE_DONE */
            return this.sum;
          }
          const child = this.queue.get();
          let result: unknown;
          if (isFrame(child) && budget > 0) {
            result = child.step(fiber, 0 /* NEXT */, undefined, budget - 1);
            if (result === SUSPEND) {
              child.caller = this;
              this.state = 2;
              return SUSPEND;
            }
          } else {
            result = delegate(fiber, this, child);
            if (result === SUSPEND) {
              this.state = 2;
              return SUSPEND;
            }
          }
          mode = 0; /* NEXT */
          value = result;
        }
        // falls through
        case 2:
          if (mode !== 0 /* NEXT */) return this.exitWith(mode, value);
          this.sum += value as number;
          this.i++;
          this.state = 1;
          continue;
        default:
          return this.exitWith(mode, value);
      }
    }
  }
}
interface QueueConsumer$Frame extends Frame<number> {}
linkFrameClass(QueueConsumer$Frame);

export const frameBench: BenchCoroutines = {
  spin: (count) => new Spin$Frame(count),
  chain: (depth, leafYields) => new Chain$Frame(depth, leafYields),
  callEachStep: (count) => new CallEachStep$Frame(count),
  sleepFor: (delays) => new SleepFor$Frame(delays),
  producer: (box, count) => new Producer$Frame(box, count),
  consumer: (box, count) => new Consumer$Frame(box, count),
  queueProducer: (queue, count) => new QueueProducer$Frame(queue, count),
  queueConsumer: (queue, count) => new QueueConsumer$Frame(queue, count),
};
