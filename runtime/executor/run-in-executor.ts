import type { Future } from '../future.js';
import type { EventLoop, LoopResource } from '../loop.js';
import type { Executor } from './executor.js';
import type { ExecutorJob } from './executor-job.js';

/**
 * @internal asyncio's wrap_future / _chain_future: a loop Future that follows an executor job.
 * Cancelling the Future cancels the job, which drops it if it is still queued; a running job goes on
 * and its outcome is ignored. The job's outcome arrives from a worker's message, on the loop's thread,
 * so it completes the Future directly (asyncio needs call_soon_threadsafe for that hop).
 */
export function futureForJob<R>(loop: EventLoop, job: ExecutorJob<R>): Future<R> {
  const future = loop.createFuture<R>();
  future.addDoneCallback(() => {
    if (future.cancelled()) job.cancel();
  });
  job.addDoneCallback(() => {
    // A loop that closed meanwhile has nobody left to tell.
    if (future.done() || loop.isClosed()) return;
    if (job.cancelled()) {
      future.cancel();
      return;
    }
    const error = job.exception();
    if (error !== undefined) future.setException(error);
    else future.setResult(job.result());
  });
  return future;
}

/**
 * @internal The default executor as a loop resource: a closing loop shuts it down (asyncio's
 * loop.close() calls `shutdown(wait=False)` on it). Queued jobs are dropped too: nobody can receive
 * their results any more. Jobs already running end first, then their workers exit.
 */
export function defaultExecutorResource(executor: Executor): LoopResource {
  return {
    abandon: () => {
      void executor.shutdown({ wait: false, cancelFutures: true });
    },
  };
}
