import type { Coroutine } from './coroutine.js';
import { CancelledError, RuntimeError } from './errors.js';
import { Lock } from './lock.js';
import { LoopBound, WaiterQueue, runAcquired } from './waiters.js';

/**
 * asyncio.Condition: lets coroutines wait, holding a lock, until another coroutine notifies them.
 *
 *     yield* cond.withLock(function* () {
 *       yield* cond.waitFor(() => items.length > 0);
 *       return items.shift();
 *     });
 *
 * `wait()` releases the lock, waits to be notified, and always takes the lock back before it returns
 * or throws — even when cancelled — so the caller's `finally { release() }` stays correct. A waiter
 * that was notified but then fails (cancelled before it ran, or while re-acquiring) hands the
 * notification to the next waiter, so a notify is never lost; the price is a possible spurious
 * wake-up, which is why `waitFor` re-checks its predicate.
 */
export class Condition extends LoopBound {
  private readonly lock: Lock;
  private readonly waiters = new WaiterQueue<boolean>();

  /** Uses `lock` as the underlying lock (shared with other code), or a new Lock. */
  constructor(lock?: Lock) {
    super();
    this.lock = lock ?? new Lock();
  }

  /** True if the underlying lock is held. */
  locked(): boolean {
    return this.lock.locked();
  }

  /** Acquires the underlying lock. */
  *acquire(): Coroutine<true> {
    return yield* this.lock.acquire();
  }

  /** Releases the underlying lock. */
  release(): void {
    this.lock.release();
  }

  /** Runs `body` holding the underlying lock (`async with cond:`); releases on any exit. */
  *withLock<R>(body: () => Coroutine<R>): Coroutine<R> {
    return yield* runAcquired(this, body);
  }

  /**
   * Releases the lock, waits until notified, re-acquires the lock; evaluates to true. Must be called
   * holding the lock (RuntimeError otherwise). May wake spuriously: re-check the state after it.
   */
  *wait(): Coroutine<true> {
    if (!this.locked()) throw new RuntimeError('cannot wait on un-acquired lock');
    const waiter = this.createWaiter<boolean>();
    this.release();
    try {
      try {
        this.waiters.push(waiter);
        try {
          yield* waiter;
          return true;
        } finally {
          this.waiters.remove(waiter);
        }
      } finally {
        // The caller expects to hold the lock whatever happens, so a cancellation that arrives while
        // re-acquiring is remembered and re-thrown once the lock is ours again. Other errors are not
        // retried, so that a broken lock cannot make this spin.
        let cancellation: CancelledError | null = null;
        for (;;) {
          try {
            yield* this.lock.acquire();
            break;
          } catch (error) {
            if (!(error instanceof CancelledError)) throw error;
            cancellation = error;
          }
        }
        if (cancellation !== null) throw cancellation;
      }
    } catch (error) {
      // We may have been notified before failing: pass the notification on.
      this.notifyWaiters(1);
      throw error;
    }
  }

  /**
   * Waits until `predicate()` is truthy (checked first, then after each wake-up, holding the lock);
   * evaluates to the predicate's last value.
   */
  *waitFor<R>(predicate: () => R): Coroutine<R> {
    let result = predicate();
    while (!result) {
      yield* this.wait();
      result = predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` waiters in arrival order. Must be called holding the lock (RuntimeError
   * otherwise); the woken return from `wait()` only once they get the lock back.
   */
  notify(n = 1): void {
    if (!this.locked()) throw new RuntimeError('cannot notify on un-acquired lock');
    this.notifyWaiters(n);
  }

  /** Wakes every waiter (same rules as `notify`). */
  notifyAll(): void {
    this.notify(this.waiters.length);
  }

  override toString(): string {
    const waiting = this.waiters.length > 0 ? `, waiters:${this.waiters.length}` : '';
    return `<Condition [${this.locked() ? 'locked' : 'unlocked'}${waiting}]>`;
  }

  private notifyWaiters(n: number): void {
    this.waiters.wakePending(n, false);
  }
}
