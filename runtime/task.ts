import type { Coroutine } from './coroutine.js';
import { noteThrowInto, releaseThrownInto } from './debug/chain.js';
import type { CoroutineFrameInfo } from './debug/frame-info.js';
import { printTaskStack, taskStack } from './debug/print.js';
import type { PrintStackOptions, StackOptions } from './debug/stack.js';
import { CancelledError, RuntimeError, cancellation } from './errors.js';
import * as fiberModule from './fiber.js';
import type { Fiber } from './fiber.js';
import { Frame } from './frame.js';
import { Future, type FutureWaiter } from './future.js';
import { IteratorFrame } from './iterator-frame.js';
import type { EventLoop } from './loop.js';
import * as protocol from './protocol.js';
import type { ResumeMode, Signal, Suspend } from './protocol.js';
import { SleepRequest } from './sleep.js';
import type { TimerNode } from './timer-heap.js';
import { Waiter, type ParkedTask } from './waiter.js';

// Module-local copies of the protocol's constants (protocol.ts, "Constants in hot code").
const { CALL_BUDGET, NEXT, THROW, YIELDED } = protocol;
// Typed: destructuring, or a const without a type, would widen its unique symbol type.
const SUSPEND: Suspend = protocol.SUSPEND;
// The same for the function of every step.
const drive = fiberModule.drive;

let taskCounter = 0;

export interface TaskOptions {
  name?: string;
}

/**
 * asyncio.Task: runs a coroutine — a compiled frame or a native generator, through the same code —
 * on the loop. A Task is a Future of the coroutine's result and the fiber that drives its frame chain.
 */
export class Task<T = unknown> extends Future<T> implements Fiber, FutureWaiter, TimerNode, ParkedTask {
  // Fiber registers (protocol.ts).
  /** @internal */ top: Frame | null;
  /** @internal */ signal: Signal = YIELDED;
  /** @internal */ yielded: unknown = undefined;
  /** @internal */ budget = CALL_BUDGET;

  /** @internal Slot id in the loop (the ready ring holds ids); -1 once done. */
  slot = -1;
  // How the next step resumes the coroutine, unless it waited on a future.
  private resumeMode: ResumeMode = NEXT;
  private resumeValue: unknown = undefined;
  // True when the next step must do more than resume with next(undefined): a resume mode or value, a
  // future waited on or a cancellation is pending. One test on the commonest step instead of four.
  private resumeNeedsWork = false;
  /** @internal The future this task waits on (asyncio's _fut_waiter). */
  waitingOn: Future<unknown> | null = null;
  /** @internal The primitive's waiter this task is parked on (a blocked Queue.get, Lock.acquire...). */
  parkedOn: Waiter<unknown> | null = null;
  // The embedded timer node: a task sleeps at most once at a time.
  /** @internal */ when = 0;
  /** @internal */ seq = 0;
  /** @internal */ heapIndex = -1;
  private sleepValue: unknown = undefined;

  private mustCancel = false;
  private pendingCancelMessage: string | undefined = undefined;
  private cancelRequests = 0;
  private name: string;
  private readonly coro: Coroutine<T>;
  private readonly loop: EventLoop;

  /** @internal Use `loop.createTask` or `createTask`. */
  constructor(coro: Coroutine<T>, loop: EventLoop, options?: TaskOptions) {
    super(loop);
    if (!isCoroutine(coro)) throw new TypeError(`a coroutine was expected, got ${String(coro)}`);
    this.loop = loop;
    this.coro = coro;
    this.top = coro instanceof Frame ? coro : new IteratorFrame(coro);
    this.name = options?.name ?? `Task-${++taskCounter}`;
  }

  getName(): string {
    return this.name;
  }

  setName(name: string): void {
    this.name = String(name);
  }

  /** The coroutine object this task runs. */
  getCoro(): Coroutine<T> {
    return this.coro;
  }

  /** How many cancellation requests are pending (asyncio's Task.cancelling). */
  cancelling(): number {
    return this.cancelRequests;
  }

  /** Withdraws one cancellation request; returns the number left (asyncio's Task.uncancel). */
  uncancel(): number {
    if (this.cancelRequests > 0) {
      this.cancelRequests--;
      if (this.cancelRequests === 0) this.mustCancel = false;
    }
    return this.cancelRequests;
  }

  /**
   * Requests cancellation: CancelledError is thrown into the coroutine at its suspension point (a
   * future it waits on is cancelled). False if the task is already done.
   */
  override cancel(message?: string): boolean {
    this.markRetrieved();
    if (this.done()) return false;
    this.cancelRequests++;
    if (this.waitingOn !== null && this.waitingOn.cancel(message)) return true;
    if (this.parkedOn !== null && this.parkedOn.cancel(message)) return true;
    if (this.heapIndex >= 0) {
      // Sleeping: asyncio cancels the sleep's future; the task wakes with CancelledError.
      this.loop.cancelSleep(this);
      this.resumeWithError(cancellation(message, this.loop.debug));
      return true;
    }
    this.mustCancel = true;
    this.resumeNeedsWork = true;
    this.pendingCancelMessage = message;
    return true;
  }

  /**
   * asyncio's Task.get_stack: the coroutine chain, outermost first, each with its name and (for
   * compiled frames with a debug table) the source position where it is suspended. For a task that
   * failed, the chain its error unwound through; for any other finished task, empty. With `limit`,
   * the innermost `limit` coroutines of a stack, the outermost `limit` of a failed task's chain.
   */
  getStack(options?: StackOptions): CoroutineFrameInfo[] {
    return taskStack(this, options);
  }

  /** asyncio's Task.print_stack: `getStack` as text, to `options.file` (default process.stderr). */
  printStack(options?: PrintStackOptions): void {
    printTaskStack(this, options);
  }

  override setResult(): never {
    throw new RuntimeError('Task does not support setResult()');
  }

  override setException(): never {
    throw new RuntimeError('Task does not support setException()');
  }

  override get [Symbol.toStringTag](): string {
    return 'Task';
  }

  /** @internal A future this task waited on is done: run the task on a later turn. */
  futureDone(): void {
    this.loop.scheduleTask(this);
  }

  /**
   * @internal The waiter this task is parked on was woken or cancelled: run the task on a later turn,
   * resumed with the waiter's value (most are woken with none: the task's plainest step) or with
   * CancelledError.
   */
  unpark(waiter: Waiter<unknown>): void {
    this.parkedOn = null;
    if (waiter.cancelled()) {
      this.resumeWithError(cancellation(waiter.cancelMessage, this.loop.debug));
      return;
    }
    const value = waiter.outcome();
    if (value !== undefined) this.resumeWith(NEXT, value);
    this.loop.scheduleTask(this);
  }

  /** @internal The loop's timer heap says the sleep is over. */
  wakeFromSleep(): void {
    this.resumeWith(NEXT, this.sleepValue);
    this.sleepValue = undefined;
    this.loop.scheduleTask(this);
  }

  /**
   * @internal One step: resume the coroutine, run it to its next suspension, act on what it yielded.
   * True if it yielded bare (asyncio's sleep(0)): it runs again in the next tick, and the loop, which
   * has its slot id at hand, queues it (the ring's push inlined in the tick, without the task's loop
   * and its ring to load again; and the tick may skip the ring altogether, EventLoop.runAlone).
   */
  fire(): boolean {
    // The commonest step (resumed with next(undefined), nothing pending) alone here: small enough for
    // V8 to inline the coroutine's step, and a child it calls, into the loop that runs the task.
    if (this.resumeNeedsWork) return this.fireResumed();
    const loop = this.loop;
    loop.runningSlot = this.slot;
    let result: unknown;
    try {
      result = drive(this, NEXT, undefined);
    } catch (error) {
      loop.runningSlot = -1;
      this.finishWithError(error);
      return false;
    }
    loop.runningSlot = -1;
    if (result === SUSPEND) return this.actOnSuspension();
    this.finishWithResult(result as T);
    return false;
  }

  /** A step with something pending: a resume value or mode, the future waited on, a cancellation. */
  private fireResumed(): boolean {
    this.settleResume();
    const mode = this.resumeMode;
    const value = this.resumeValue;
    this.resumeMode = NEXT;
    this.resumeValue = undefined;
    const loop = this.loop;
    loop.runningSlot = this.slot;
    let result: unknown;
    try {
      result = drive(this, mode, value);
    } catch (error) {
      loop.runningSlot = -1;
      // An error thrown in: its chain stops holding the frame strongly (debug/chain.ts).
      if (mode === THROW) releaseThrownInto(value);
      this.finishWithError(error);
      return false;
    }
    loop.runningSlot = -1;
    if (mode === THROW) releaseThrownInto(value);
    if (result === SUSPEND) return this.actOnSuspension();
    this.finishWithResult(result as T);
    return false;
  }

  /** After a step that suspended: what the coroutine yielded decides how it waits (fire's result). */
  private actOnSuspension(): boolean {
    // A bare `yield` (asyncio's sleep(0)), the commonest suspension: the loop queues it again.
    const yielded = this.yielded;
    if (yielded === undefined) return true;
    this.yielded = undefined;
    this.suspendOn(yielded);
    return false;
  }

  /**
   * Folds what is pending into resumeMode/resumeValue: the outcome of the future waited on, then a
   * cancellation. Out of `fire`, so that the commonest step stays small enough for V8 to inline the
   * coroutine's own step into it.
   */
  private settleResume(): void {
    this.resumeNeedsWork = false;
    const waited = this.waitingOn;
    if (waited !== null) {
      this.waitingOn = null;
      if (waited.cancelled()) {
        this.settleToThrow(waited.makeCancelledError());
      } else {
        try {
          this.resumeValue = waited.result();
          this.resumeMode = NEXT;
        } catch (error) {
          this.settleToThrow(error);
        }
      }
    }
    if (this.mustCancel) {
      this.mustCancel = false;
      // The error noted for this step is not thrown in after all (debug/chain.ts).
      if (this.resumeMode === THROW) releaseThrownInto(this.resumeValue);
      this.settleToThrow(cancellation(this.pendingCancelMessage, this.loop.debug));
    }
  }

  /** settleResume's outcome: `error` is thrown in, and noted on its chain (debug/chain.ts). */
  private settleToThrow(error: unknown): void {
    this.resumeMode = THROW;
    this.resumeValue = error;
    noteThrowInto(error, this.top, this);
  }

  /** How the next step resumes (a sleep's value, an error to throw in). */
  private resumeWith(mode: ResumeMode, value: unknown): void {
    this.resumeMode = mode;
    this.resumeValue = value;
    this.resumeNeedsWork = true;
  }

  private finishWithResult(value: T): void {
    this.loop.releaseTask(this);
    if (this.mustCancel) {
      // Cancelled after its last suspension: it still ends cancelled (asyncio).
      this.mustCancel = false;
      this.cancelWith(this.pendingCancelMessage, null);
    } else {
      this.resolveWith(value);
    }
  }

  private finishWithError(error: unknown): void {
    this.loop.releaseTask(this);
    if (error instanceof CancelledError) this.cancelWith(error.message === '' ? undefined : error.message, error);
    else this.failWith(error);
  }

  /** Acts on what the coroutine yielded (DESIGN.md §2). */
  private suspendOn(yielded: unknown): void {
    if (yielded instanceof Waiter) {
      this.park(yielded);
    } else if (yielded === null) {
      this.loop.scheduleTask(this);
    } else if (yielded instanceof Future) {
      this.waitOn(yielded);
    } else if (yielded instanceof SleepRequest) {
      this.sleep(yielded.ms, yielded.value);
    } else if (isThenable(yielded)) {
      this.waitOn(this.loop.futureFromPromise(yielded));
    } else {
      const hint = isCoroutine(yielded) ? ' (yield was used instead of yield* with a coroutine)' : '';
      this.resumeWithError(new TypeError(`Task got bad yield: ${String(yielded)}${hint}`));
    }
  }

  private waitOn(future: Future<unknown>): void {
    if ((future as Future<unknown>) === (this as Future<unknown>)) {
      this.resumeWithError(new RuntimeError(`Task cannot await on itself: ${this.name}`));
      return;
    }
    const futureLoop = future.getLoop();
    if (futureLoop !== null && futureLoop !== this.loop) {
      this.resumeWithError(new RuntimeError(`Task ${this.name} got a Future attached to a different loop`));
      return;
    }
    this.waitingOn = future;
    this.resumeNeedsWork = true;
    future.addListener(this);
    if (this.mustCancel && future.cancel(this.pendingCancelMessage)) this.mustCancel = false;
  }

  /** Waits for a primitive's waiter: nothing runs this task until the waiter tells it (unpark). */
  private park(waiter: Waiter<unknown>): void {
    if (waiter.done()) {
      this.unpark(waiter);
      return;
    }
    this.parkedOn = waiter;
    waiter.parked = this;
    if (this.mustCancel && waiter.cancel(this.pendingCancelMessage)) this.mustCancel = false;
  }

  private sleep(ms: number, value: unknown): void {
    if (!(ms > 0)) {
      this.resumeWith(NEXT, value);
      this.loop.scheduleTask(this);
      return;
    }
    if (this.mustCancel) {
      this.mustCancel = false;
      this.resumeWithError(cancellation(this.pendingCancelMessage, this.loop.debug));
      return;
    }
    this.sleepValue = value;
    this.loop.scheduleSleep(this, ms);
  }

  private resumeWithError(error: unknown): void {
    noteThrowInto(error, this.top, this);
    this.resumeWith(THROW, error);
    this.loop.scheduleTask(this);
  }
}

/** A coroutine object: a compiled frame or any generator-like iterator. */
export function isCoroutine(value: unknown): value is Coroutine<unknown> {
  return (
    value instanceof Frame ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as { next?: unknown }).next === 'function' &&
      typeof (value as { throw?: unknown }).throw === 'function')
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
