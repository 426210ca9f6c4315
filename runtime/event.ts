import type { Coroutine } from './coroutine.js';
import { LoopBound, WaiterQueue } from './waiters.js';

/**
 * asyncio.Event: a flag that coroutines can wait for. `set()` wakes every waiter; a `clear()` right
 * after does not take the wake-up back from those already woken.
 */
export class Event extends LoopBound {
  private flag = false;
  private readonly waiters = new WaiterQueue<boolean>();

  isSet(): boolean {
    return this.flag;
  }

  /** Sets the flag and wakes every waiter; waits that start while it is set return at once. */
  set(): void {
    if (this.flag) return;
    this.flag = true;
    this.waiters.wakePending(Infinity, true);
  }

  /** Resets the flag: later waits block until the next `set()`. */
  clear(): void {
    this.flag = false;
  }

  /** Waits until the flag is set; evaluates to true. */
  *wait(): Coroutine<true> {
    if (this.flag) return true;
    const waiter = this.createWaiter<boolean>();
    this.waiters.push(waiter);
    try {
      yield* waiter;
      return true;
    } finally {
      this.waiters.remove(waiter);
    }
  }

  override toString(): string {
    const waiting = this.waiters.length > 0 ? `, waiters:${this.waiters.length}` : '';
    return `<Event [${this.flag ? 'set' : 'unset'}${waiting}]>`;
  }
}
