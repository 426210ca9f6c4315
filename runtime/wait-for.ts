import { releaseWaiter, type Awaitable, type AwaitedResult } from './awaited.js';
import type { Coroutine } from './coroutine.js';
import { CancelledError, TimeoutError } from './errors.js';
import { Future } from './future.js';
import { getRunningLoop } from './running.js';
import { SleepRequest } from './sleep.js';
import { isCoroutine } from './task.js';
import { timeout } from './timeout.js';

/**
 * asyncio.wait_for (Python 3.12): waits for `aw` at most `ms` milliseconds. On timeout the work is
 * cancelled and a TimeoutError is thrown; null/undefined waits without limit. Cancelling the caller
 * cancels the work too (wrap it in `shield` to prevent that).
 *
 * Built on the timeout scope, so a coroutine runs inside the caller's own task, as in 3.12: no task
 * is created for it. With `ms <= 0` the work is cancelled at once unless it is already done (a
 * coroutine is then wrapped in a task, which never starts), and the function waits until the
 * cancellation has really finished before throwing TimeoutError.
 *
 *     const body = yield* waitFor(fetchPage(url), 1000);
 */
export function* waitFor<A extends Awaitable>(aw: A, ms: number | null | undefined): Coroutine<AwaitedResult<A>> {
  if (ms !== null && ms !== undefined && ms <= 0) {
    const future = getRunningLoop().ensureFuture(aw) as Future<AwaitedResult<A>>;
    if (future.done()) return future.result();
    yield* cancelAndWait(future);
    try {
      return future.result();
    } catch (error) {
      if (error instanceof CancelledError) throw new TimeoutError(undefined, { cause: error });
      throw error;
    }
  }
  return yield* timeout(ms, function* () {
    return yield* awaitOne(aw);
  });
}

/** `yield*` of any Awaitable, evaluating to its result. */
function* awaitOne<A extends Awaitable>(aw: A): Coroutine<AwaitedResult<A>> {
  if (aw instanceof Future || aw instanceof SleepRequest || isCoroutine(aw)) return (yield* aw) as AwaitedResult<A>;
  return (yield* getRunningLoop().ensureFuture(aw)) as AwaitedResult<A>;
}

/**
 * Cancels `future` and waits until it is done. Waits on a private future rather than on `future`
 * itself so that cancelling the caller does not cancel `future` a second time (asyncio's
 * _cancel_and_wait).
 */
function* cancelAndWait(future: Future<unknown>): Coroutine<void> {
  const waiter = new Future<void>(getRunningLoop());
  const wake = (): void => releaseWaiter(waiter);
  future.addDoneCallback(wake);
  try {
    future.cancel();
    yield* waiter;
  } finally {
    future.removeDoneCallback(wake);
  }
}
