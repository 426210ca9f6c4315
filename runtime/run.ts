import type { Awaitable } from './awaited.js';
import type { Coroutine } from './coroutine.js';
import { CancelledError, RuntimeError } from './errors.js';
import type { Future } from './future.js';
import { EventLoop, type EventLoopOptions } from './loop.js';
import { getRunningLoop } from './running.js';
import type { Task, TaskOptions } from './task.js';

export interface RunOptions extends EventLoopOptions {
  /** Report exceptions here instead of stderr. */
  exceptionHandler?: Parameters<EventLoop['setExceptionHandler']>[0];
  /**
   * Like asyncio.run: the first Ctrl-C (SIGINT) cancels the main task, the second ends the process.
   * Default true; only installed when nothing else listens for SIGINT.
   */
  handleSigint?: boolean;
}

/**
 * asyncio.run(): runs `main` on a new loop inside Node's event loop, so Promises, timers and I/O of
 * the host can complete futures meanwhile. When `main` finishes, the tasks still pending are
 * cancelled and waited for, unretrieved exceptions are reported, and the loop is closed. The Promise
 * resolves with main's result or rejects with its error.
 */
export function run<T>(main: Coroutine<T>, options: RunOptions = {}): Promise<T> {
  const loop = new EventLoop(options);
  if (options.exceptionHandler !== undefined) loop.setExceptionHandler(options.exceptionHandler);
  return new Promise<T>((resolve, reject) => {
    const mainTask = loop.createTask(main);
    const stopHandlingSigint = options.handleSigint === false ? noop : cancelOnSigint(mainTask);
    const finish = (): void => {
      stopHandlingSigint();
      // Main's outcome is read before the loop closes, so that its exception counts as retrieved (as
      // asyncio's run_until_complete returns it) and close() does not report it as never retrieved.
      let settle: () => void;
      if (!mainTask.done()) {
        const stopped = new RuntimeError('Event loop stopped before Future completed.');
        settle = () => reject(stopped);
      } else {
        try {
          const value = mainTask.result();
          settle = () => resolve(value);
        } catch (error) {
          settle = () => reject(error);
        }
      }
      loop.close();
      settle();
    };
    mainTask.addDoneCallback(() => shutDown(loop));
    loop.startHost(finish);
  });
}

const noop = (): void => {};

/** Cancels `mainTask` on the first SIGINT; a second one gets Node's default (exit). Returns the uninstaller. */
function cancelOnSigint(mainTask: Task<unknown>): () => void {
  if (process.listenerCount('SIGINT') > 0) return noop;
  const onSigint = (): void => {
    process.removeListener('SIGINT', onSigint);
    mainTask.cancel('interrupted by SIGINT');
  };
  process.on('SIGINT', onSigint);
  return () => process.removeListener('SIGINT', onSigint);
}

/** Cancels what is left, waits for it, reports what failed, then stops the loop (asyncio's _cancel_all_tasks). */
function shutDown(loop: EventLoop): void {
  const leftover = loop.allTasks();
  if (leftover.length === 0) {
    loop.stop();
    return;
  }
  for (const task of leftover) task.cancel();
  let remaining = leftover.length;
  const onLeftoverDone = (task: Future<unknown>): void => {
    if (!task.cancelled() && task.exception() !== undefined) {
      const error = task.exception();
      if (!(error instanceof CancelledError)) {
        loop.callExceptionHandler({
          message: `unhandled exception during run() shutdown (task ${(task as Task<unknown>).getName()})`,
          exception: error,
          taskName: (task as Task<unknown>).getName(),
        });
      }
    }
    if (--remaining === 0) loop.stop();
  };
  for (const task of leftover) task.addDoneCallback(onLeftoverDone);
}

/** Schedules `coro` as a task on the running loop (asyncio.create_task). */
export function createTask<T>(coro: Coroutine<T>, options?: TaskOptions): Task<T> {
  return getRunningLoop().createTask(coro, options);
}

/** The task whose coroutine is running right now, or null (asyncio.current_task). */
export function currentTask(): Task<unknown> | null {
  return getRunningLoop().currentTask;
}

/** The running loop's tasks that are not done (asyncio.all_tasks). */
export function allTasks(): Task<unknown>[] {
  return getRunningLoop().allTasks();
}

/** A Future for a coroutine, Future or PromiseLike, on the running loop (asyncio.ensure_future). */
export function ensureFuture<T>(awaitable: Awaitable<T>): Future<T> {
  return getRunningLoop().ensureFuture(awaitable);
}
