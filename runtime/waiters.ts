import type { Coroutine } from './coroutine.js';
import { Deque } from './deque.js';
import { RuntimeError } from './errors.js';
import type { EventLoop } from './loop.js';
import { getRunningLoop } from './running.js';
import { Waiter } from './waiter.js';

/**
 * What the queues and synchronization primitives share: binding to one loop (asyncio's
 * mixins._LoopBoundMixin) and FIFO queues of waiters.
 *
 * A waiter (waiter.ts; asyncio uses a Future) is what a blocked coroutine waits on with `yield*`.
 * Waking it means setting its result; the waiter's task then runs on a later turn. Until it runs, the
 * task can still be cancelled: the coroutine then sees CancelledError although its waiter was woken,
 * and each primitive decides how to pass that wake-up on (see the `finally` blocks of each).
 */

/**
 * A primitive is bound to the loop of the first task that has to wait on it, not to the loop that
 * was running when it was made, so it can be created at module level. Waiting on it later from
 * another loop is a RuntimeError, as in asyncio.
 */
export abstract class LoopBound {
  private boundLoop: EventLoop | null = null;

  /** A new waiter, binding this primitive to the running loop on first use. */
  protected createWaiter<T>(): Waiter<T> {
    const loop = getRunningLoop();
    if (this.boundLoop !== loop) this.bindTo(loop);
    return new Waiter<T>();
  }

  private bindTo(loop: EventLoop): void {
    if (this.boundLoop !== null) throw new RuntimeError(`${String(this)} is bound to a different event loop`);
    this.boundLoop = loop;
  }
}

/** Waiters in arrival order. Scans skip waiters already done (woken, or cancelled and not yet removed). */
export class WaiterQueue<T> extends Deque<Waiter<T>> {
  /** The first waiter that is neither woken nor cancelled. */
  firstPending(): Waiter<T> | undefined {
    for (let i = 0; i < this.length; i++) {
      const waiter = this.at(i) as Waiter<T>;
      if (!waiter.done()) return waiter;
    }
    return undefined;
  }

  /** Wakes the first pending waiter, leaving it in the queue (the waiter removes itself); false if none. */
  wakeFirstPending(value: T): boolean {
    const waiter = this.firstPending();
    if (waiter === undefined) return false;
    waiter.setResult(value);
    return true;
  }

  /** Wakes up to `n` pending waiters in order, leaving them in the queue; returns how many. */
  wakePending(n: number, value: T): number {
    let woken = 0;
    for (let i = 0; i < this.length && woken < n; i++) {
      const waiter = this.at(i) as Waiter<T>;
      if (!waiter.done()) {
        waiter.setResult(value);
        woken++;
      }
    }
    return woken;
  }

  /** Removes waiters from the front until one is pending, and wakes it (the queues' style); false if none. */
  shiftAndWakeNext(value: T): boolean {
    for (let waiter = this.shift(); waiter !== undefined; waiter = this.shift()) {
      if (!waiter.done()) {
        waiter.setResult(value);
        return true;
      }
    }
    return false;
  }

  /** Removes every waiter and wakes those still pending. */
  shiftAndWakeAll(value: T): void {
    for (let waiter = this.shift(); waiter !== undefined; waiter = this.shift()) {
      if (!waiter.done()) waiter.setResult(value);
    }
  }

  /** True if every waiter is cancelled (also when there are none). */
  allCancelled(): boolean {
    for (let i = 0; i < this.length; i++) if (!(this.at(i) as Waiter<T>).cancelled()) return false;
    return true;
  }
}

/** What `withLock` needs: Lock, Condition, Semaphore and BoundedSemaphore all have it. */
export interface Acquirable {
  acquire(): Coroutine<boolean>;
  release(): void;
}

/**
 * `async with primitive:` for generator coroutines: acquires, runs `body` and releases on every exit
 * — return, throw, cancellation, or the generator being closed with `return()`. If the acquisition
 * itself is cancelled, the body does not run and nothing is released.
 */
export function* runAcquired<R>(primitive: Acquirable, body: () => Coroutine<R>): Coroutine<R> {
  yield* primitive.acquire();
  try {
    return yield* body();
  } finally {
    primitive.release();
  }
}
