import type { ExecutorJob } from './executor-job.js';
import type { ModuleFunction, WorkerFunction, WorkerResult } from './worker-callable.js';

export interface ShutdownOptions {
  /**
   * true (default): the returned Promise settles once every job has ended and every worker has
   * exited. false: it settles at once; the jobs still running end, then their workers exit.
   */
  wait?: boolean;
  /** true: the jobs still queued are cancelled (dropped). false (default): they still run. */
  cancelFutures?: boolean;
}

/**
 * concurrent.futures.Executor: runs functions away from the event loop's thread. `loop.runInExecutor`
 * and `toThread` take any Executor; WorkerPoolExecutor is the one provided.
 */
export interface Executor {
  /**
   * Queues `fn(...args)` and returns its job at once. Throws RuntimeError after `shutdown()`, TypeError
   * for a function that cannot be sent to a worker.
   */
  submit<F extends WorkerFunction>(fn: F | ModuleFunction<F>, ...args: Parameters<F>): ExecutorJob<WorkerResult<F>>;
  /** Stops taking jobs and lets the workers go (see ShutdownOptions). Calling it again is harmless. */
  shutdown(options?: ShutdownOptions): Promise<void>;
}
