import type { Coroutine } from './coroutine.js';
import { RuntimeError } from './errors.js';
import { LoopBound, WaiterQueue, runAcquired } from './waiters.js';

/**
 * asyncio.Lock: a mutual-exclusion lock for coroutines, owned by no task in particular.
 *
 *     yield* lock.acquire();
 *     try { ... } finally { lock.release(); }
 *
 * or, in place of `async with lock:`, `const r = yield* lock.withLock(function* () { ...; return r; })`.
 *
 * Fair as in Python 3.12+: waiters get the lock in arrival order, and a task calling `acquire()` while
 * a woken waiter has not yet run queues behind it instead of barging past it. The lock is only taken
 * at once when it is free and every queued waiter has been cancelled.
 */
export class Lock extends LoopBound {
  private isLocked = false;
  private readonly waiters = new WaiterQueue<boolean>();

  /** True if the lock is held. */
  locked(): boolean {
    return this.isLocked;
  }

  /** Waits until the lock is free, then takes it; evaluates to true. */
  *acquire(): Coroutine<true> {
    if (!this.isLocked && this.waiters.allCancelled()) {
      this.isLocked = true;
      return true;
    }
    const waiter = this.createWaiter<boolean>();
    this.waiters.push(waiter);
    let woken = false;
    try {
      yield* waiter;
      woken = true;
    } finally {
      this.waiters.remove(waiter);
      // Cancelled (even after release() chose us): if nobody holds the lock, the next waiter must
      // run, or the wake-up release() gave us would be lost.
      if (!woken && !this.isLocked) this.wakeUpFirst();
    }
    this.isLocked = true;
    return true;
  }

  /** Frees the lock and wakes the first waiter. RuntimeError if it is not held. */
  release(): void {
    if (!this.isLocked) throw new RuntimeError('Lock is not acquired.');
    this.isLocked = false;
    this.wakeUpFirst();
  }

  /** Runs `body` holding the lock (`async with lock:`); evaluates to its result, releases on any exit. */
  *withLock<R>(body: () => Coroutine<R>): Coroutine<R> {
    return yield* runAcquired(this, body);
  }

  override toString(): string {
    const waiting = this.waiters.length > 0 ? `, waiters:${this.waiters.length}` : '';
    return `<Lock [${this.isLocked ? 'locked' : 'unlocked'}${waiting}]>`;
  }

  // Only the head: if it is already done it was woken (or cancelled) and will pass the turn on itself.
  private wakeUpFirst(): void {
    const first = this.waiters.at(0);
    if (first !== undefined && !first.done()) first.setResult(true);
  }
}
