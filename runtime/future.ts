import { CancelledError, InvalidStateError, RuntimeError, cancellation } from './errors.js';
import type { EventLoop } from './loop.js';
import { runningLoopOrNull } from './running.js';
import { rememberCreationSite } from './debug/debug-mode.js';
import { trackUnretrieved, untrackUnretrieved } from './unretrieved.js';

export type DoneCallback<T> = (future: Future<T>) => void;

/** @internal Notified of completion without a closure: the waker of a task is the task itself. */
export interface FutureWaiter {
  futureDone(future: Future<unknown>): void;
}

// Stored without T so that Future<T> stays assignable to Future<unknown>.
type Listener = ((future: Future<never>) => void) | FutureWaiter;

/** @internal What resuming `yield* future` by hand before the future is done throws (asyncio's words). */
export const AWAIT_NOT_USED = "await wasn't used with future";

const PENDING = 0;
const RESOLVED = 1;
const FAILED = 2;
const CANCELLED = 3;
type FutureState = typeof PENDING | typeof RESOLVED | typeof FAILED | typeof CANCELLED;

/**
 * asyncio.Future: a result that will exist later. `yield* future` waits for it inside a coroutine and
 * evaluates to its result (or throws its exception); `await future` works from async code.
 */
export class Future<T = unknown> implements PromiseLike<T> {
  /** @internal */ boundLoop: EventLoop | null;
  /** @internal */ futureState: FutureState = PENDING;
  /** @internal */ resultValue: T | undefined = undefined;
  /** @internal */ errorValue: unknown = undefined;
  /** @internal */ cancelMessage: string | undefined = undefined;
  /** @internal The CancelledError that ended a task, re-thrown to whoever awaits it. */
  cancelledError: CancelledError | null = null;
  /** @internal An exception nobody has looked at yet. */
  logUnretrieved = false;
  /** @internal */ unretrievedRef: WeakRef<Future<unknown>> | null = null;
  // The first listener is kept inline; a list is made only for the second.
  private firstListener: Listener | null = null;
  private moreListeners: Listener[] | null = null;

  constructor(loop?: EventLoop) {
    this.boundLoop = loop ?? runningLoopOrNull();
    if (this.boundLoop?.debug === true) rememberCreationSite(this);
  }

  /** The loop this future is bound to (the running loop when it was made, or its first waiter's). */
  getLoop(): EventLoop | null {
    return this.boundLoop;
  }

  done(): boolean {
    return this.futureState !== PENDING;
  }

  cancelled(): boolean {
    return this.futureState === CANCELLED;
  }

  /** The result; throws the exception, CancelledError if cancelled, InvalidStateError if not done. */
  result(): T {
    switch (this.futureState) {
      case RESOLVED:
        return this.resultValue as T;
      case FAILED:
        this.markRetrieved();
        throw this.errorValue;
      case CANCELLED:
        throw this.makeCancelledError();
      default:
        throw new InvalidStateError('Result is not set.');
    }
  }

  /** The exception (undefined if it succeeded); throws CancelledError if cancelled, InvalidStateError if not done. */
  exception(): unknown {
    switch (this.futureState) {
      case RESOLVED:
        return undefined;
      case FAILED:
        this.markRetrieved();
        return this.errorValue;
      case CANCELLED:
        throw this.makeCancelledError();
      default:
        throw new InvalidStateError('Exception is not set.');
    }
  }

  setResult(value: T): void {
    if (this.futureState !== PENDING) throw new InvalidStateError(`invalid state: ${this.describeState()}`);
    this.resolveWith(value);
  }

  setException(error: unknown): void {
    if (this.futureState !== PENDING) throw new InvalidStateError(`invalid state: ${this.describeState()}`);
    this.failWith(error);
  }

  /** Cancels the future and schedules its callbacks; false if it was already done. */
  cancel(message?: string): boolean {
    this.markRetrieved();
    if (this.futureState !== PENDING) return false;
    this.futureState = CANCELLED;
    this.cancelMessage = message;
    this.notifyListeners();
    return true;
  }

  /** Calls `callback(future)` through the loop once done (at once scheduled, if already done). */
  addDoneCallback(callback: DoneCallback<T>): void {
    this.addListener(callback);
  }

  /** Removes every registration of `callback`; returns how many were removed. */
  removeDoneCallback(callback: DoneCallback<T>): number {
    let removed = 0;
    if (this.moreListeners !== null) {
      const kept = this.moreListeners.filter((listener) => listener !== callback);
      removed += this.moreListeners.length - kept.length;
      this.moreListeners = kept.length > 0 ? kept : null;
    }
    if (this.firstListener === callback) {
      removed++;
      this.firstListener = null;
    }
    if (this.firstListener === null && this.moreListeners !== null) {
      this.firstListener = this.moreListeners.shift() as Listener;
      if (this.moreListeners.length === 0) this.moreListeners = null;
    }
    return removed;
  }

  /**
   * Future.__iter__: `const v = yield* future` waits for it unless it is already done. Resumed while
   * the future is still pending (driven by hand, not by a task), it throws RuntimeError as asyncio does.
   */
  *[Symbol.iterator](): Generator<Future<T>, T, unknown> {
    if (!this.done()) {
      yield this;
      if (!this.done()) throw new RuntimeError(AWAIT_NOT_USED);
    }
    return this.result();
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return new Promise<T>((resolve, reject) => {
      const settle = (): void => {
        if (this.futureState === RESOLVED) resolve(this.resultValue as T);
        else reject(this.futureState === CANCELLED ? this.makeCancelledError() : this.exception());
      };
      // Told at completion, not through the loop: the Promise defers the reaction anyway, and it must
      // settle even if nothing runs the loop afterwards (runUntilComplete returned, the loop closed).
      if (this.done()) settle();
      else this.addListener({ futureDone: settle });
    }).then(onfulfilled, onrejected);
  }

  get [Symbol.toStringTag](): string {
    return 'Future';
  }

  /** @internal Registers a task (or callback) to be told of completion. */
  addListener(listener: Listener): void {
    if (this.futureState !== PENDING) {
      this.notify(listener);
      return;
    }
    if (this.boundLoop === null) this.boundLoop = runningLoopOrNull();
    if (this.firstListener === null) this.firstListener = listener;
    else (this.moreListeners ??= []).push(listener);
  }

  /** @internal Removes a task waiter (a cancelled wait). */
  removeListener(listener: Listener): void {
    if (this.firstListener === listener) {
      this.firstListener = this.moreListeners !== null ? (this.moreListeners.shift() as Listener) : null;
      if (this.moreListeners !== null && this.moreListeners.length === 0) this.moreListeners = null;
    } else if (this.moreListeners !== null) {
      const index = this.moreListeners.indexOf(listener);
      if (index >= 0) this.moreListeners.splice(index, 1);
    }
  }

  /** @internal */
  resolveWith(value: T): void {
    this.resultValue = value;
    this.futureState = RESOLVED;
    this.notifyListeners();
  }

  /** @internal */
  failWith(error: unknown): void {
    this.errorValue = error;
    this.futureState = FAILED;
    this.logUnretrieved = true;
    trackUnretrieved(this);
    this.notifyListeners();
  }

  /** @internal Ends a pending future as cancelled without marking its exception retrieved. */
  cancelWith(message: string | undefined, error: CancelledError | null): void {
    this.futureState = CANCELLED;
    this.cancelMessage = message;
    this.cancelledError = error;
    this.notifyListeners();
  }

  /** @internal The CancelledError that awaiting this cancelled future throws. */
  makeCancelledError(): CancelledError {
    return this.cancelledError ?? cancellation(this.cancelMessage, this.boundLoop?.debug ?? false);
  }

  /** @internal */
  markRetrieved(): void {
    if (this.logUnretrieved) {
      this.logUnretrieved = false;
      untrackUnretrieved(this);
    }
  }

  /** @internal Used in reports: 'pending', 'finished', 'cancelled'. */
  describeState(): string {
    return this.futureState === PENDING ? 'pending' : this.futureState === CANCELLED ? 'cancelled' : 'finished';
  }

  private notifyListeners(): void {
    const first = this.firstListener;
    if (first === null) return;
    const more = this.moreListeners;
    this.firstListener = null;
    this.moreListeners = null;
    this.notify(first);
    if (more !== null) for (const listener of more) this.notify(listener);
  }

  private notify(listener: Listener): void {
    if (typeof listener !== 'function') {
      listener.futureDone(this);
      return;
    }
    const loop = this.boundLoop ?? runningLoopOrNull();
    if (loop !== null) loop.callSoon(listener, this as unknown as Future<never>);
    else queueMicrotask(() => listener(this as unknown as Future<never>));
  }
}
