import type { Coroutine } from './coroutine.js';
import { CancelledError, RuntimeError, TimeoutError } from './errors.js';
import type { Handle } from './handle.js';
import type { EventLoop } from './loop.js';
import { getRunningLoop } from './running.js';
import type { Task } from './task.js';

type TimeoutState = 'created' | 'active' | 'expiring' | 'expired' | 'finished';

/**
 * asyncio.Timeout: a deadline for a block of code in the current task. When the deadline passes, the
 * task is cancelled; at the scope's exit the CancelledError is turned into a TimeoutError, but only if
 * the cancellation was this scope's own (no other cancel request arrived meanwhile, measured with
 * `task.cancelling()`/`uncancel()`), so nested scopes and outside cancellations compose as in asyncio.
 *
 * Usually entered through `timeout(ms, body)` / `timeoutAt(when, body)`. The manual form, for code
 * that cannot be put in a body function:
 *
 *     const scope = new Timeout(loop.time() + 100).enter();
 *     let value;
 *     try { value = yield* work(); } catch (error) { throw scope.exitWithError(error); }
 *     scope.exit();
 */
export class Timeout {
  private state: TimeoutState = 'created';
  private deadline: number | null;
  private handle: Handle | null = null;
  private task: Task<unknown> | null = null;
  private loop: EventLoop | null = null;
  // The task's cancel requests when the scope was entered: more than that at exit means someone
  // else also cancelled the task, and the CancelledError is theirs to receive.
  private cancellingOnEnter = 0;

  /** `when`: a deadline on the loop's clock (ms); null never expires; in the past expires on the next turn. */
  constructor(when: number | null) {
    this.deadline = when;
  }

  /** The current deadline, or null. */
  when(): number | null {
    return this.deadline;
  }

  /** Moves the deadline (null: none). Only while the scope is active. */
  reschedule(when: number | null): void {
    if (this.state !== 'active') {
      if (this.state === 'created') throw new RuntimeError('Timeout has not been entered');
      throw new RuntimeError(`Cannot change state of ${this.state} Timeout`);
    }
    this.deadline = when;
    this.handle?.cancel();
    this.handle = null;
    if (when === null) return;
    const loop = this.loop as EventLoop;
    this.handle = when <= loop.time() ? loop.callSoon(this.onTimeout) : loop.callAt(when, this.onTimeout);
  }

  /** True once the deadline has passed while the scope was active. */
  expired(): boolean {
    return this.state === 'expiring' || this.state === 'expired';
  }

  /** Starts the scope in the current task; returns the scope. */
  enter(): this {
    if (this.state !== 'created') throw new RuntimeError('Timeout has already been entered');
    const loop = getRunningLoop();
    const task = loop.currentTask;
    if (task === null) throw new RuntimeError('Timeout should be used inside a task');
    this.loop = loop;
    this.task = task;
    this.state = 'active';
    this.cancellingOnEnter = task.cancelling();
    this.reschedule(this.deadline);
    return this;
  }

  /** Leaves the scope after its block completed normally. */
  exit(): void {
    this.leave();
  }

  /**
   * Leaves the scope after its block threw `error`; returns what to throw instead: a TimeoutError
   * (with `error` as its cause) if `error` is the CancelledError of this scope's expiry, else `error`.
   */
  exitWithError(error: unknown): unknown {
    if (this.leave() && error instanceof CancelledError) return new TimeoutError(undefined, { cause: error });
    return error;
  }

  /** Runs `body(scope)` inside the scope and returns its value. */
  *run<T>(body: (scope: Timeout) => Coroutine<T>): Coroutine<T> {
    this.enter();
    let value: T;
    try {
      value = yield* body(this);
    } catch (error) {
      throw this.exitWithError(error);
    }
    this.exit();
    return value;
  }

  get [Symbol.toStringTag](): string {
    return 'Timeout';
  }

  /** Common exit; true if the cancellation in flight is this scope's own expiry. */
  private leave(): boolean {
    if (this.state !== 'active' && this.state !== 'expiring') {
      throw new RuntimeError(`Cannot exit a ${this.state} Timeout`);
    }
    this.handle?.cancel();
    this.handle = null;
    if (this.state === 'active') {
      this.state = 'finished';
      return false;
    }
    this.state = 'expired';
    // The request this scope made is withdrawn whatever the outcome, or the task would stay
    // "cancelling" forever after a body that swallowed the CancelledError.
    return (this.task as Task<unknown>).uncancel() <= this.cancellingOnEnter;
  }

  private readonly onTimeout = (): void => {
    this.handle = null;
    if (this.state !== 'active') return;
    this.state = 'expiring';
    (this.task as Task<unknown>).cancel();
  };
}

/**
 * `async with asyncio.timeout(ms)`: runs `body(scope)` in the current task with a deadline `ms` from
 * now (null/undefined: none, but `scope.reschedule` may set one). On expiry the body is cancelled and
 * a TimeoutError is thrown from here. Returns the body's value.
 *
 *     const page = yield* timeout(100, function* (scope) {
 *       scope.reschedule(scope.when()! + 50);   // more time
 *       return yield* fetchPage();
 *     });
 */
export function* timeout<T>(ms: number | null | undefined, body: (scope: Timeout) => Coroutine<T>): Coroutine<T> {
  const deadline = ms === null || ms === undefined ? null : getRunningLoop().time() + ms;
  return yield* new Timeout(deadline).run(body);
}

/** `async with asyncio.timeout_at(when)`: like `timeout`, with a deadline on the loop's clock. */
export function* timeoutAt<T>(when: number | null | undefined, body: (scope: Timeout) => Coroutine<T>): Coroutine<T> {
  return yield* new Timeout(when ?? null).run(body);
}
