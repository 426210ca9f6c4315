import { type Awaitable, type AwaitedResult } from './awaited.js';
import { Future } from './future.js';
import { getRunningLoop } from './running.js';

/**
 * asyncio.shield: a future that mirrors `aw` (a coroutine is wrapped in a task), except that
 * cancelling it — typically by cancelling the task that waits on it — does not cancel `aw`, which
 * goes on running. If `aw` itself is cancelled, the shield is cancelled too. An already done `aw`
 * is returned as it is. Keep a reference to `aw` if its outcome matters after the shield is
 * cancelled: the shield stops listening, and an error nobody retrieves is reported, as in asyncio.
 *
 *     try { yield* shield(saveTask); } catch (e) { ... }  // the task waiting here may be cancelled; saveTask is not
 */
export function shield<A extends Awaitable>(aw: A): Future<AwaitedResult<A>> {
  const inner = (aw instanceof Future ? aw : getRunningLoop().ensureFuture(aw)) as Future<AwaitedResult<A>>;
  if (inner.done()) return inner;
  const outer = new Future<AwaitedResult<A>>(inner.getLoop() ?? getRunningLoop());

  const onInnerDone = (): void => {
    if (outer.cancelled()) {
      // The waiter went away; the inner outcome is deliberately dropped, so its error is not
      // reported as unretrieved.
      if (!inner.cancelled()) inner.exception();
      return;
    }
    if (inner.cancelled()) {
      outer.cancel();
      return;
    }
    let value: AwaitedResult<A>;
    try {
      value = inner.result();
    } catch (error) {
      outer.setException(error);
      return;
    }
    outer.setResult(value);
  };
  const onOuterDone = (): void => {
    if (!inner.done()) inner.removeDoneCallback(onInnerDone);
  };

  inner.addDoneCallback(onInnerDone);
  outer.addDoneCallback(onOuterDone);
  return outer;
}
