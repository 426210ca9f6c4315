import type { Coroutine } from './coroutine.js';
import { ValueError } from './errors.js';
import { LoopBound, WaiterQueue, runAcquired } from './waiters.js';

/**
 * asyncio.Semaphore: a counter of permits. `acquire()` takes one, waiting while there are none;
 * `release()` gives one back.
 *
 * Fair as in Python 3.13: waiters are served in arrival order, and `acquire()` waits whenever others
 * are queued, even if permits are free. `release()` hands its permit to the first waiter at once
 * (the value does not go up); a woken waiter that is cancelled before it runs gives the permit back
 * and the next waiter gets it.
 */
export class Semaphore extends LoopBound {
  /** @internal Permits not handed to anyone. */
  protected value: number;
  private readonly waiters = new WaiterQueue<boolean>();

  /** `value` permits to start with (default 1); ValueError if negative. */
  constructor(value = 1) {
    super();
    if (value < 0) throw new ValueError('Semaphore initial value must be >= 0');
    this.value = value;
  }

  /** True if `acquire()` would wait: no permit, or others already queued for one. */
  locked(): boolean {
    return this.value === 0 || !this.waiters.allCancelled();
  }

  /** Takes a permit, waiting for one (in arrival order) if needed; evaluates to true. */
  *acquire(): Coroutine<true> {
    if (!this.locked()) {
      this.value--;
      return true;
    }
    const waiter = this.createWaiter<boolean>();
    this.waiters.push(waiter);
    try {
      let woken = false;
      try {
        yield* waiter;
        woken = true;
      } finally {
        this.waiters.remove(waiter);
        // Woken (the permit is ours) but leaving without it: give it back.
        if (!woken && waiter.done() && !waiter.cancelled()) this.value++;
      }
    } finally {
      // Permits may be free while others queued behind us (FIFO made them wait): wake as many as fit.
      while (this.value > 0 && this.wakeUpNext()) {
        // each wake-up takes one permit
      }
    }
    return true;
  }

  /** Gives a permit back, to the first waiter if any. */
  release(): void {
    this.value++;
    this.wakeUpNext();
  }

  /** Runs `body` holding a permit (`async with sem:`); releases on any exit. */
  *withLock<R>(body: () => Coroutine<R>): Coroutine<R> {
    return yield* runAcquired(this, body);
  }

  override toString(): string {
    const state = this.locked() ? 'locked' : `unlocked, value:${this.value}`;
    const waiting = this.waiters.length > 0 ? `, waiters:${this.waiters.length}` : '';
    return `<${this.constructor.name} [${state}${waiting}]>`;
  }

  // The permit moves with the wake-up, so nobody can take it between now and the waiter's turn.
  private wakeUpNext(): boolean {
    const waiter = this.waiters.firstPending();
    if (waiter === undefined) return false;
    this.value--;
    waiter.setResult(true);
    return true;
  }
}

/** A Semaphore that throws ValueError when released more times than it was acquired. */
export class BoundedSemaphore extends Semaphore {
  private readonly boundValue: number;

  constructor(value = 1) {
    super(value);
    this.boundValue = value;
  }

  /** Gives a permit back; ValueError if that would exceed the initial value. */
  override release(): void {
    if (this.value >= this.boundValue) throw new ValueError('BoundedSemaphore released too many times');
    super.release();
  }
}
