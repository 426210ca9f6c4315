import { noteAwaitedBy } from './debug/graph.js';
import type { Coroutine } from './coroutine.js';
import { CancelledError, RuntimeError } from './errors.js';
import { ExceptionGroup } from './exception-group.js';
import { Future } from './future.js';
import type { EventLoop } from './loop.js';
import { getRunningLoop } from './running.js';
import type { Task, TaskOptions } from './task.js';

/**
 * asyncio.TaskGroup for generator coroutines (CPython's taskgroups.py).
 *
 *     const total = yield* taskGroup(function* (tg) {
 *       const a = tg.createTask(fetch(1));
 *       const b = tg.createTask(fetch(2));
 *       return 'body value';          // the group still waits for a and b before returning it
 *     });
 *
 * The group waits for every task created in it. The first task to fail (with anything but
 * CancelledError) cancels the other tasks and the body (its parent task); when all are done, the
 * errors — the body's own included — are thrown together as an ExceptionGroup. A cancellation of the
 * parent task from outside cancels the tasks too and propagates as CancelledError once they are
 * done; the group's own cancellation of its parent is withdrawn (`uncancel`) at the exit, so the
 * parent's `cancelling()` count is left as the group found it.
 *
 * Manual form, for code that cannot be put in a body function:
 *
 *     const tg = new TaskGroup().enter();
 *     try { ...tg.createTask(...)... } catch (error) { throw yield* tg.exitWithError(error); }
 *     yield* tg.exit();
 */
export class TaskGroup {
  private entered = false;
  private exiting = false;
  private aborting = false;
  private loop: EventLoop | null = null;
  private parentTask: Task<unknown> | null = null;
  // True while a cancel request the group made on its parent is outstanding (to withdraw at exit).
  private parentCancelRequested = false;
  private readonly tasks = new Set<Task<unknown>>();
  private errors: unknown[] = [];
  private onCompleted: Future<void> | null = null;

  /** Attaches the group to the current task. */
  enter(): this {
    if (this.entered) throw new RuntimeError('TaskGroup has already been entered');
    const loop = getRunningLoop();
    const parent = loop.currentTask;
    if (parent === null) throw new RuntimeError('TaskGroup cannot determine the parent task');
    this.loop = loop;
    this.parentTask = parent;
    this.entered = true;
    return this;
  }

  /** Starts `coro` as a task of the group. RuntimeError if the group is not entered, finished or aborting. */
  createTask<T>(coro: Coroutine<T>, options?: TaskOptions): Task<T> {
    let refusal: string | null = null;
    if (!this.entered) refusal = 'TaskGroup has not been entered';
    else if (this.exiting && this.tasks.size === 0) refusal = 'TaskGroup is finished';
    else if (this.aborting) refusal = 'TaskGroup is shutting down';
    if (refusal !== null) {
      // The coroutine will never run: close it, as asyncio does.
      coro.return(undefined as T);
      throw new RuntimeError(refusal);
    }
    const task = (this.loop as EventLoop).createTask(coro, options);
    this.tasks.add(task as Task<unknown>);
    if (this.parentTask !== null) noteAwaitedBy(task as Task<unknown>, this.parentTask);
    task.addDoneCallback(this.onTaskDone);
    return task;
  }

  /** Waits for the tasks after a body that completed normally; throws as the group dictates. */
  *exit(): Coroutine<void> {
    yield* this.finish(false, undefined);
  }

  /**
   * Waits for the tasks after a body that threw `error`; returns what to throw instead: an
   * ExceptionGroup, a CancelledError to propagate, or `error` itself.
   */
  *exitWithError(error: unknown): Coroutine<unknown> {
    try {
      yield* this.finish(true, error);
    } catch (replacement) {
      return replacement;
    }
    // Unreachable with today's rules (a failed body always ends in a throw); kept total.
    return error;
  }

  /** Runs `body(group)` as the group's body and returns its value once every task is done. */
  *run<T>(body: (group: TaskGroup) => Coroutine<T>): Coroutine<T> {
    this.enter();
    let value: T;
    try {
      value = yield* body(this);
    } catch (error) {
      throw yield* this.exitWithError(error);
    }
    yield* this.exit();
    return value;
  }

  get [Symbol.toStringTag](): string {
    return 'TaskGroup';
  }

  private *finish(bodyFailed: boolean, bodyError: unknown): Coroutine<void> {
    if (!this.entered) throw new RuntimeError('TaskGroup has not been entered');
    if (this.exiting) throw new RuntimeError('TaskGroup has already been exited');
    this.exiting = true;
    const parent = this.parentTask as Task<unknown>;
    const bodyCancelled = bodyFailed && bodyError instanceof CancelledError;
    let propagateCancellation: CancelledError | null = bodyCancelled ? bodyError : null;
    if (bodyFailed && !this.aborting) this.abort();

    // A loop, because the wait can be cancelled several times (the parent cancelled repeatedly).
    let pendingCancellation: CancelledError | null = null;
    while (this.tasks.size > 0) {
      this.onCompleted ??= new Future<void>(this.loop as EventLoop);
      try {
        yield* this.onCompleted;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        pendingCancellation = error;
        if (!this.aborting) {
          // The parent is cancelled from outside while the body is over and tasks still run.
          propagateCancellation = error;
          this.abort();
        }
      }
      this.onCompleted = null;
    }

    if (this.parentCancelRequested) {
      this.parentCancelRequested = false;
      if (parent.uncancel() === 0) {
        // Our own request was the only one: the CancelledError it caused is not to propagate.
        propagateCancellation = null;
      } else if (propagateCancellation === null) {
        // Someone else's cancellation remains and reached us while waiting: keep it.
        propagateCancellation = pendingCancellation;
      }
    }

    // The tasks' errors take priority over a cancellation.
    if (propagateCancellation !== null && this.errors.length === 0) throw propagateCancellation;
    if (bodyFailed && !bodyCancelled) this.errors.push(bodyError);
    if (this.errors.length > 0) {
      // An outside cancellation still pending must survive the ExceptionGroup replacing its
      // CancelledError: re-request it, keeping the parent's count as it was.
      if (parent.cancelling() > 0) {
        parent.uncancel();
        parent.cancel();
      }
      const errors = this.errors;
      this.errors = [];
      throw new ExceptionGroup('unhandled errors in a TaskGroup', errors);
    }
  }

  private abort(): void {
    this.aborting = true;
    for (const task of this.tasks) if (!task.done()) task.cancel();
  }

  private readonly onTaskDone = (future: Future<unknown>): void => {
    const task = future as Task<unknown>;
    this.tasks.delete(task);
    if (this.onCompleted !== null && this.tasks.size === 0 && !this.onCompleted.done()) this.onCompleted.setResult(undefined);
    if (task.cancelled()) return;
    let error: unknown;
    try {
      task.result();
      return;
    } catch (thrown) {
      error = thrown;
    }
    this.errors.push(error);
    const parent = this.parentTask as Task<unknown>;
    if (parent.done()) {
      (this.loop as EventLoop).callExceptionHandler({
        message: `Task ${task.getName()} has errored out but its parent task ${parent.getName()} is already completed`,
        exception: error,
        taskName: task.getName(),
      });
      return;
    }
    if (!this.aborting && !this.parentCancelRequested) {
      // Stop the body wherever it waits (see the class comment); the request is withdrawn at exit.
      this.abort();
      this.parentCancelRequested = true;
      parent.cancel();
    }
  };
}

/** `async with asyncio.TaskGroup() as tg:` — runs `body(tg)` and returns its value once every task of the group is done. */
export function* taskGroup<T>(body: (group: TaskGroup) => Coroutine<T>): Coroutine<T> {
  return yield* new TaskGroup().run(body);
}
