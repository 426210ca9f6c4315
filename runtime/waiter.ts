import { InvalidStateError, RuntimeError, cancellation } from './errors.js';
import { AWAIT_NOT_USED } from './future.js';

/** @internal Told when the waiter it is parked on is woken or cancelled: a Task. */
export interface ParkedTask {
  unpark(waiter: Waiter<unknown>): void;
}

const PENDING = 0;
const WOKEN = 1;
const CANCELLED = 2;
type WaiterState = typeof PENDING | typeof WOKEN | typeof CANCELLED;

/**
 * One blocked wait of a queue or synchronization primitive (a `Queue.get` on an empty queue, a
 * `Lock.acquire` of a held lock): the primitive queues it, the coroutine waits in `yield* waiter`,
 * and whoever frees the resource wakes it with `setResult`, or the wait is cancelled.
 *
 * asyncio uses a Future for this. A waiter is what is left of one when nobody but the primitive and
 * its one task ever sees it: no callbacks, no loop, no exception. The task parks on it (Task.park)
 * and a wake-up schedules that task directly; so a blocked wait costs one small object, and the
 * task's next step is its plainest one (measured on the suite's S4, a one-slot queue ping-pong).
 * The methods a primitive uses are Future's (`done`, `cancelled`, `setResult`, `cancel`).
 */
export class Waiter<T = unknown> {
  private state: WaiterState = PENDING;
  private value: T | undefined = undefined;
  /** @internal The message of `cancel(message)`, for the CancelledError the parked task sees. */
  cancelMessage: string | undefined = undefined;
  /** @internal The task parked on this waiter, until it is woken or cancelled. */
  parked: ParkedTask | null = null;

  /** True once woken or cancelled. */
  done(): boolean {
    return this.state !== PENDING;
  }

  cancelled(): boolean {
    return this.state === CANCELLED;
  }

  /** Wakes the wait: `yield* waiter` evaluates to `value` (InvalidStateError if already done). */
  setResult(value: T): void {
    if (this.state !== PENDING) throw new InvalidStateError(`invalid state: ${this.state === CANCELLED ? 'cancelled' : 'finished'}`);
    this.state = WOKEN;
    this.value = value;
    this.tellParked();
  }

  /** Cancels the wait, which then throws CancelledError; false if it was already done. */
  cancel(message?: string): boolean {
    if (this.state !== PENDING) return false;
    this.state = CANCELLED;
    this.cancelMessage = message;
    this.tellParked();
    return true;
  }

  /**
   * What `yield* waiter` evaluates to once it is done: its value; for a cancelled wait it throws
   * CancelledError (with a stack trace if `withStack`: a debug loop's). RuntimeError if it is still
   * pending, as for a Future resumed before it is done.
   */
  outcome(withStack = false): T {
    if (this.state === WOKEN) return this.value as T;
    if (this.state === CANCELLED) throw cancellation(this.cancelMessage, withStack);
    throw new RuntimeError(AWAIT_NOT_USED);
  }

  /**
   * `yield* waiter` in a native generator: yields the waiter to its task, which parks on it. Resumed
   * by hand while still pending, it throws RuntimeError as Future's does.
   */
  *[Symbol.iterator](): Generator<Waiter<T>, T, unknown> {
    if (this.state === PENDING) yield this;
    return this.outcome();
  }

  get [Symbol.toStringTag](): string {
    return 'Waiter';
  }

  private tellParked(): void {
    const parked = this.parked;
    if (parked === null) return;
    this.parked = null;
    parked.unpark(this);
  }
}
