import type { Awaitable } from './awaited.js';
import type { Coroutine } from './coroutine.js';
import { RuntimeError, ValueError } from './errors.js';
import type { Executor } from './executor/executor.js';
import { defaultExecutorResource, futureForJob } from './executor/run-in-executor.js';
import type { ModuleFunction, WorkerFunction, WorkerResult } from './executor/worker-callable.js';
import { WorkerPoolExecutor } from './executor/worker-pool-executor.js';
import { Future } from './future.js';
import { Handle, TimerHandle } from './handle.js';
import { ReadyRing } from './ready-ring.js';
import { SleepRequest } from './sleep.js';
import { reportToStderr } from './report.js';
import { enterLoop, leaveLoop } from './running.js';
import { DEFAULT_SLOW_STEP_MS, creationSiteOf, debugFromEnvironment, instrumentHandle, instrumentTask } from './debug/debug-mode.js';
import { Task, type TaskOptions } from './task.js';
import { TimerHeap } from './timer-heap.js';
import { unretrievedContext, untrackUnretrieved } from './unretrieved.js';

/** What the exception handler is told (asyncio's context dict). */
export interface ExceptionContext {
  message: string;
  exception?: unknown;
  taskName?: string;
  /** Debug mode: where the future, task or coroutine concerned was made (a stack, innermost first). */
  createdAt?: string;
  /** The callback handle concerned (debug mode: a slow callback). */
  handle?: Handle;
}

export type ExceptionHandler = (loop: EventLoop, context: ExceptionContext) => void;

/** @internal Something outside the loop that a closing loop must release (a socket, a listening server). */
export interface LoopResource {
  /** Releases the resource at once: the loop is closing and nobody will wait for it any more. */
  abandon(): void;
}

export interface EventLoopOptions {
  /**
   * 'real' (default): time is `performance.now()`. 'virtual': time starts at 0 and jumps to the next
   * deadline whenever nothing is ready, so timing code runs instantly and deterministically.
   */
  clock?: 'real' | 'virtual';
  /**
   * Debug mode (default: TSYNCIO_DEBUG set in the environment): slow task steps and callbacks are
   * reported, tasks link every `yield*` call onto their chain, and tasks, futures and handles keep
   * their creation site for reports (debug/debug-mode.ts). Off, it costs nothing.
   */
  debug?: boolean;
  /** Debug mode: a task step or loop callback running at least this long is reported (default 100 ms). */
  slowStepMs?: number;
}

/** Ticks between checks of the slice's time budget when the loop runs inside Node's event loop. */
const TICKS_PER_CHECK = 64;
/** How long one slice may keep Node's event loop from its own I/O (ms). */
const SLICE_MS = 8;

/**
 * asyncio's event loop. A FIFO ready queue of slot ids (a handle's complemented); a timer heap; each
 * tick (`runOnce`) runs only what was ready when it began. Runs synchronously (`runUntilComplete`) or
 * inside Node's event loop (`run`, in bounded slices with one host timer for the earliest deadline).
 */
export class EventLoop {
  /**
   * @internal The slot id of the task whose step is running; -1 between steps. An id rather than the
   * task: a task's step sets and clears it, and a small integer is stored without V8's write barrier
   * (S1: about 0.7 ns of 12 per step). A task keeps its slot until it finishes, after its last step.
   */
  runningSlot = -1;
  readonly virtualClock: boolean;
  /** Debug mode (EventLoopOptions.debug). */
  readonly debug: boolean;
  /** Debug mode: the duration (ms) from which a task step or a callback is reported. */
  slowStepMs: number;

  private virtualNow = 0;
  private readonly ready = new ReadyRing();
  // Slot id -> what it runs; tasks keep their slot from creation to completion, handles while queued.
  private readonly slots: (Task<unknown> | Handle | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private readonly timers = new TimerHeap<TimerHandle | Task<unknown>>();
  private running = false;
  private closed = false;
  private exceptionHandler: ExceptionHandler | null = null;
  private readonly unretrieved = new Set<WeakRef<Future<unknown>>>();
  // Node handles keep the process alive; asyncio's closing loop drops its transports, so this one does too.
  private readonly openResources = new Set<LoopResource>();
  // runInExecutor(null, ...)'s executor: made on first use, shut down when the loop closes.
  private defaultExecutor: Executor | null = null;
  private defaultExecutorResource: LoopResource | null = null;
  // Host (Node) driving, for `run`.
  private hostDriven = false;
  private sliceScheduled = false;
  private hostTimer: NodeJS.Timeout | null = null;
  private hostTimerWhen = Infinity;
  private stopRequested = false;
  private onHostStopped: (() => void) | null = null;

  constructor(options: EventLoopOptions = {}) {
    this.virtualClock = options.clock === 'virtual';
    this.debug = options.debug ?? debugFromEnvironment();
    this.slowStepMs = options.slowStepMs ?? DEFAULT_SLOW_STEP_MS;
  }

  /** The loop's clock, in milliseconds. */
  time(): number {
    return this.virtualClock ? this.virtualNow : performance.now();
  }

  /** True while the loop runs: inside `runUntilComplete`, and for the whole of a `run` (between its slices too). */
  isRunning(): boolean {
    return this.running || this.hostDriven;
  }

  /** The task whose step is running, if any. */
  get currentTask(): Task<unknown> | null {
    const slot = this.runningSlot;
    return slot < 0 ? null : (this.slots[slot] as Task<unknown>);
  }

  isClosed(): boolean {
    return this.closed;
  }

  callSoon<A extends unknown[]>(callback: (...args: A) => void, ...args: A): Handle {
    this.checkOpen();
    checkCallable(callback);
    const handle = new Handle(callback as unknown as (...args: readonly unknown[]) => void, args, this);
    if (this.debug) instrumentHandle(this, handle, callbackName(callback));
    this.queueHandle(handle);
    return handle;
  }

  callLater<A extends unknown[]>(delayMs: number, callback: (...args: A) => void, ...args: A): TimerHandle {
    return this.callAt(this.time() + delayMs, callback, ...args);
  }

  callAt<A extends unknown[]>(when: number, callback: (...args: A) => void, ...args: A): TimerHandle {
    this.checkOpen();
    checkCallable(callback);
    const handle = new TimerHandle(callback as unknown as (...args: readonly unknown[]) => void, args, this);
    if (this.debug) instrumentHandle(this, handle, callbackName(callback));
    handle.when = when;
    this.timers.push(handle);
    this.wakeHost();
    return handle;
  }

  createFuture<T = unknown>(): Future<T> {
    return new Future<T>(this);
  }

  createTask<T>(coro: Coroutine<T>, options?: TaskOptions): Task<T> {
    this.checkOpen();
    const task = new Task<T>(coro, this, options);
    if (this.debug) instrumentTask(this, task as Task<unknown>);
    task.slot = this.takeSlot(task as Task<unknown>);
    this.pushReady(task.slot);
    return task;
  }

  /** asyncio's ensure_future: a Future as it is; a coroutine or `sleep(...)` wrapped in a task; a PromiseLike followed. */
  ensureFuture<T>(awaitable: Awaitable<T>): Future<T> {
    if (awaitable instanceof Future) {
      const futureLoop = awaitable.getLoop();
      if (futureLoop !== null && futureLoop !== this) {
        throw new ValueError('The future belongs to a different loop than the one specified as the loop argument');
      }
      return awaitable;
    }
    if (awaitable instanceof SleepRequest) return this.createTask(awaitable[Symbol.iterator]());
    if (typeof (awaitable as Coroutine<T>).next === 'function') return this.createTask(awaitable as Coroutine<T>);
    if (typeof (awaitable as PromiseLike<T>).then === 'function') return this.futureFromPromise(awaitable as PromiseLike<T>);
    throw new TypeError('An asyncio.Future, a coroutine or an awaitable is required');
  }

  /**
   * asyncio's run_in_executor: queues `fn(...args)` on `executor` (null: the loop's default executor, a
   * WorkerPoolExecutor made on first use) and returns a Future of its result. Cancelling the Future
   * drops the job if it has not started; a running job goes on in its worker.
   */
  runInExecutor<F extends WorkerFunction>(
    executor: Executor | null,
    fn: F | ModuleFunction<F>,
    ...args: Parameters<F>
  ): Future<WorkerResult<F>> {
    this.checkOpen();
    if (executor === null) {
      if (this.defaultExecutor === null) this.setDefaultExecutor(new WorkerPoolExecutor());
      executor = this.defaultExecutor as Executor;
    }
    return futureForJob(this, executor.submit(fn, ...args));
  }

  /** asyncio's set_default_executor: the executor `runInExecutor(null, ...)` uses; the loop shuts it down when it closes. */
  setDefaultExecutor(executor: Executor): void {
    if (this.defaultExecutorResource !== null) this.unregisterResource(this.defaultExecutorResource);
    this.defaultExecutor = executor;
    this.defaultExecutorResource = defaultExecutorResource(executor);
    this.registerResource(this.defaultExecutorResource);
  }

  /** Every task of this loop that is not done. */
  allTasks(): Task<unknown>[] {
    const tasks: Task<unknown>[] = [];
    for (const entry of this.slots) if (entry instanceof Task && !entry.done()) tasks.push(entry);
    return tasks;
  }

  /**
   * Runs the loop until `awaitable` is done and returns its result (or throws its exception),
   * synchronously. Under the real clock it sleeps the thread until the next timer; anything waiting
   * on the world outside the loop (a Promise, I/O) cannot finish here: use `await run(main)`.
   */
  runUntilComplete<T>(awaitable: Coroutine<T> | Future<T>): T {
    this.checkOpen();
    if (this.isRunning()) throw new RuntimeError('This event loop is already running');
    const future = this.ensureFuture(awaitable);
    this.enter();
    try {
      this.runUntilDone(future);
    } finally {
      this.stopRequested = false;
      this.leave();
    }
    return future.result();
  }

  /**
   * runUntilComplete's ticks. A function of its own, whose loop V8 compiles (on-stack replacement) with
   * the task's fire and the coroutine's step inlined: in runUntilComplete itself, once its `finally`
   * (leave, leaveLoop) had run often enough to be inlined first, the inlining budget left the tick out
   * in some processes (S1: 15 ns a yield instead of 11.7).
   *
   * Each tick is runOnce's, written out here without runOnce's last test (a host slice to ask for,
   * which never applies while `running`): that test read `running`, a field V8 cannot tell is a
   * boolean, through a full truthiness check on every tick (S1: 12.9 -> 12.1 ns a yield). runOnce
   * keeps it, for the host's slices and for tests that drive the loop tick by tick (the allocation
   * tests measure what V8 inlines into their driver of it).
   */
  private runUntilDone(future: Future<unknown>): void {
    const ready = this.ready;
    const slots = this.slots;
    while (!future.done()) {
      if (ready.size === 0) this.advanceToNextTimer(future);
      if (this.timers.size > 0) this.readyDueTimers();
      for (let count = ready.size; count > 0; count--) {
        const id = ready.shift();
        // A task's id, or a handle's complemented: a sign test, where `instanceof Task` walked the
        // entry's prototype chain (S1: 12.1 -> 11.5 ns a yield).
        if (id < 0) {
          this.fireHandle(~id);
        } else if ((slots[id] as Task<unknown>).fire()) {
          // It yielded bare. With nothing else in the ring (it was the tick's last entry), its next
          // ticks are its steps alone for as long as that lasts (runAlone), without the ring.
          if (ready.size > 0 || this.runAlone(slots[id] as Task<unknown>, future)) ready.push(id);
        }
      }
      if (this.stopRequested && !future.done()) {
        throw new RuntimeError('Event loop stopped before Future completed.');
      }
    }
  }

  /**
   * runUntilDone's ticks while they are one task's steps: `task` yielded bare at the end of a tick and
   * nothing else is ready, so the next tick would be its step alone. Runs such ticks, each ended as
   * runUntilDone ends one (a stop, a timer, the future done: back to runUntilDone), while the task
   * yields bare and nothing else becomes ready. True if the task is to be queued for the next tick
   * (after anything its last step made ready); false if it finished or waits on something.
   *
   * One task yielding to the loop is the commonest way to spend many ticks (a long computation that
   * lets others run, S1, S2); a tick of it here skips the ring's shift and push and the slot lookup
   * (S1: 11.3 -> 7.9 ns a yield, S2-10 11.5 -> 6.3). A function of its own: V8 compiles its loop with
   * the task's step.
   */
  private runAlone(task: Task<unknown>, future: Future<unknown>): boolean {
    const ready = this.ready;
    while (!this.stopRequested && this.timers.size === 0 && !future.done()) {
      if (!task.fire()) return false;
      if (ready.size > 0) return true;
    }
    return true;
  }

  /** Nothing is ready: jumps the clock (or sleeps the thread) to the next timer, or throws if there is none. */
  private advanceToNextTimer(future: Future<unknown>): void {
    const next = this.timers.peek();
    if (next === undefined) {
      const name = future instanceof Task ? `task ${future.getName()}` : 'the future';
      throw new RuntimeError(
        `runUntilComplete: ${name} is waiting on something outside the event loop (a Promise, I/O, ` +
          'or a future nothing in the loop completes); use `await run(main)` to wait for the outside world',
      );
    }
    this.advanceTo(next.when);
  }

  /** @internal One iteration (asyncio's _run_once): move due timers to the ready queue, run what was ready. */
  runOnce(): void {
    if (this.timers.size > 0) this.readyDueTimers();
    const ready = this.ready;
    const slots = this.slots;
    // The host's slices inline this one, and the task's step into it (runUntilDone has a copy of
    // this loop): what is rarely run (timers, callbacks) stays out of line, so that V8's inlining
    // budget is left for the step.
    for (let count = ready.size; count > 0; count--) {
      const id = ready.shift();
      if (id < 0) this.fireHandle(~id);
      else if ((slots[id] as Task<unknown>).fire()) ready.push(id);
    }
    // Called outside runUntilComplete and the host's slices, tasks queued again here still need one.
    if (!this.running && this.hostDriven && ready.size > 0) this.scheduleSlice();
  }

  /** Moves the timers that are due to the ready queue (sleeping tasks wake, handles queue). */
  private readyDueTimers(): void {
    const timers = this.timers;
    const now = this.time();
    let next = timers.peek();
    while (next !== undefined && next.when <= now) {
      timers.pop();
      if (next instanceof Task) next.wakeFromSleep();
      else if (!next.cancelled()) {
        this.queueHandle(next);
      }
      next = timers.peek();
    }
  }

  private fireHandle(id: number): void {
    const handle = this.slots[id] as Handle;
    this.releaseSlot(id);
    handle.slot = -1;
    handle.fire();
  }

  /**
   * Stops the loop after the current tick (asyncio's loop.stop): a `run` ends; a `runUntilComplete`
   * whose future is not done yet throws RuntimeError('Event loop stopped before Future completed.').
   */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Closes the loop: reports tasks still pending ("destroyed but pending") and exceptions nobody
   * retrieved, then drops all scheduled work.
   */
  close(): void {
    if (this.running) throw new RuntimeError('Cannot close a running event loop');
    if (this.closed) return;
    this.closed = true;
    this.stopHost();
    for (const task of this.allTasks()) {
      const createdAt = creationSiteOf(task);
      this.callExceptionHandler({
        message: `Task was destroyed but it is pending! (task ${task.getName()})`,
        taskName: task.getName(),
        ...(createdAt !== undefined ? { createdAt } : {}),
      });
    }
    for (const ref of [...this.unretrieved]) {
      const future = ref.deref();
      if (future === undefined || !future.logUnretrieved) continue;
      const context = unretrievedContext(future);
      future.logUnretrieved = false;
      untrackUnretrieved(future);
      this.callExceptionHandler(context);
    }
    this.unretrieved.clear();
    for (const resource of [...this.openResources]) resource.abandon();
    this.openResources.clear();
    this.slots.length = 0;
    this.freeSlots.length = 0;
  }

  setExceptionHandler(handler: ExceptionHandler | null): void {
    this.exceptionHandler = handler;
  }

  getExceptionHandler(): ExceptionHandler | null {
    return this.exceptionHandler;
  }

  /** Reports an error nobody else will see: to the handler if one is set, else to stderr. */
  callExceptionHandler(context: ExceptionContext): void {
    try {
      if (this.exceptionHandler !== null) this.exceptionHandler(this, context);
      else this.defaultExceptionHandler(context);
    } catch (error) {
      reportToStderr({ message: 'Unhandled error in exception handler', exception: error });
    }
  }

  defaultExceptionHandler(context: ExceptionContext): void {
    reportToStderr(context);
  }

  /** @internal Queues a task's next step. */
  scheduleTask(task: Task<unknown>): void {
    this.pushReady(task.slot);
  }

  /** @internal Puts a sleeping task's embedded timer node in the heap. */
  scheduleSleep(task: Task<unknown>, ms: number): void {
    task.when = this.time() + ms;
    this.timers.push(task);
    this.wakeHost();
  }

  /** @internal */
  cancelSleep(task: Task<unknown>): void {
    this.timers.remove(task);
  }

  /** @internal A task finished: its slot is free again. */
  releaseTask(task: Task<unknown>): void {
    if (task.slot < 0) return;
    this.releaseSlot(task.slot);
    task.slot = -1;
  }

  /** @internal */
  cancelHandle(handle: Handle): void {
    // A queued handle is skipped when its turn comes; a timer leaves the heap at once.
    if (handle instanceof TimerHandle) this.timers.remove(handle);
  }

  /** @internal A Future completed by a Promise's settlement (the interop path). */
  futureFromPromise<T>(promise: PromiseLike<T>): Future<T> {
    const future = new Future<T>(this);
    try {
      promise.then(
        (value) => {
          if (!future.done()) future.resolveWith(value);
        },
        (error: unknown) => {
          if (!future.done()) future.failWith(error);
        },
      );
    } catch (error) {
      // A foreign thenable whose `then` throws fails the wait instead of the loop.
      future.failWith(error);
    }
    return future;
  }

  /** @internal Tracks a resource that `close()` must release if it is still open then. */
  registerResource(resource: LoopResource): void {
    this.openResources.add(resource);
  }

  /** @internal */
  unregisterResource(resource: LoopResource): void {
    this.openResources.delete(resource);
  }

  /** @internal */
  rememberUnretrieved(ref: WeakRef<Future<unknown>>): void {
    this.unretrieved.add(ref);
  }

  /** @internal */
  forgetUnretrieved(ref: WeakRef<Future<unknown>>): void {
    this.unretrieved.delete(ref);
  }

  /**
   * @internal Runs the loop inside Node's event loop until `stop()`: bounded slices on setImmediate,
   * one host timer for the earliest deadline, and a new slice whenever work arrives from outside.
   */
  startHost(onStopped: () => void): void {
    this.checkOpen();
    if (this.isRunning()) throw new RuntimeError('This event loop is already running');
    enterLoop(this);
    this.onHostStopped = onStopped;
    this.hostDriven = true;
    this.stopRequested = false;
    this.scheduleSlice();
  }

  /** @internal */
  stopHost(): void {
    if (this.hostDriven) leaveLoop(this);
    this.hostDriven = false;
    if (this.hostTimer !== null) clearTimeout(this.hostTimer);
    this.hostTimer = null;
    this.hostTimerWhen = Infinity;
  }

  private readonly runSlice = (): void => {
    this.sliceScheduled = false;
    if (!this.hostDriven || this.closed) return;
    if (this.hostTimer !== null) {
      clearTimeout(this.hostTimer);
      this.hostTimer = null;
      this.hostTimerWhen = Infinity;
    }
    this.enter();
    try {
      const sliceEnd = performance.now() + SLICE_MS;
      for (let ticks = 1; !this.stopRequested; ticks++) {
        if (this.ready.size === 0) {
          const next = this.timers.peek();
          if (next === undefined) break;
          if (next.when > this.time()) {
            if (!this.virtualClock) {
              this.armHostTimer(next.when);
              break;
            }
            this.virtualNow = next.when;
          }
        }
        this.runOnce();
        if (ticks % TICKS_PER_CHECK === 0 && performance.now() >= sliceEnd) {
          this.scheduleSlice();
          break;
        }
      }
    } finally {
      this.leave();
    }
    if (this.stopRequested) {
      this.stopRequested = false;
      this.stopHost();
      const onStopped = this.onHostStopped;
      this.onHostStopped = null;
      onStopped?.();
    }
  };

  private armHostTimer(when: number): void {
    if (this.hostTimer !== null && this.hostTimerWhen <= when) return;
    if (this.hostTimer !== null) clearTimeout(this.hostTimer);
    this.hostTimerWhen = when;
    this.hostTimer = setTimeout(this.runSlice, Math.max(0, Math.ceil(when - this.time())));
  }

  private scheduleSlice(): void {
    if (this.sliceScheduled) return;
    this.sliceScheduled = true;
    setImmediate(this.runSlice);
  }

  /** Work arrived while the loop is idle inside Node's event loop: run a slice soon. */
  private wakeHost(): void {
    if (this.hostDriven && !this.running) this.scheduleSlice();
  }

  /** Gives a callback handle a slot and queues it (its id complemented in the ready ring). */
  private queueHandle(handle: Handle): void {
    handle.slot = this.takeSlot(handle);
    this.pushReady(~handle.slot);
  }

  /** Queues a ready ring entry: a task's slot id, or a callback handle's complemented (`~slot`, negative). */
  private pushReady(id: number): void {
    this.ready.push(id);
    if (!this.running && this.hostDriven) this.scheduleSlice();
  }

  private takeSlot(entry: Task<unknown> | Handle): number {
    const id = this.freeSlots.length > 0 ? (this.freeSlots.pop() as number) : this.slots.length;
    this.slots[id] = entry;
    return id;
  }

  private releaseSlot(id: number): void {
    this.slots[id] = undefined;
    this.freeSlots.push(id);
  }

  private advanceTo(when: number): void {
    const now = this.time();
    if (when <= now) return;
    if (this.virtualClock) this.virtualNow = when;
    else sleepThread(when - now);
  }

  private enter(): void {
    enterLoop(this);
    this.running = true;
  }

  private leave(): void {
    this.running = false;
    if (!this.hostDriven) leaveLoop(this);
  }

  private checkOpen(): void {
    if (this.closed) throw new RuntimeError('Event loop is closed');
  }
}

function callbackName(callback: { readonly name: string }): string {
  return callback.name !== '' ? callback.name : '<anonymous>';
}

function checkCallable(callback: unknown): void {
  if (typeof callback !== 'function') throw new TypeError(`a callable object was expected, got ${String(callback)}`);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` (runUntilComplete under the real clock has nothing else to do). */
function sleepThread(ms: number): void {
  Atomics.wait(sleeper, 0, 0, Math.ceil(ms));
}
