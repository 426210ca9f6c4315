import { type Awaitable, type AwaitedResult } from './awaited.js';
import type { Coroutine } from './coroutine.js';
import { TimeoutError } from './errors.js';
import { Future } from './future.js';
import type { TimerHandle } from './handle.js';
import { getRunningLoop } from './running.js';
import { isCoroutine } from './task.js';

export interface AsCompletedOptions {
  /** Milliseconds from the call; when it passes, every coroutine not yet satisfied throws TimeoutError. */
  timeout?: number | null;
}

/**
 * asyncio.as_completed: one coroutine per distinct awaitable (coroutines are wrapped in tasks, which
 * start at once); waiting on the n-th coroutine gives the outcome of the n-th awaitable to finish —
 * its result, or its error thrown. On timeout the remaining coroutines throw TimeoutError; nothing is
 * cancelled.
 *
 *     for (const next of asCompleted([a, b, c], { timeout: 1000 })) {
 *       const result = yield* next;   // in completion order
 *     }
 */
export function asCompleted<A extends Awaitable>(aws: Iterable<A>, options: AsCompletedOptions = {}): Generator<Coroutine<AwaitedResult<A>>, void, undefined> {
  if (aws instanceof Future || isCoroutine(aws)) {
    throw new TypeError('asCompleted() expects an iterable of awaitables, not a single one');
  }
  const loop = getRunningLoop();
  const todo = new Set<Future<AwaitedResult<A>>>();
  for (const aw of new Set(aws)) todo.add(loop.ensureFuture(aw) as Future<AwaitedResult<A>>);
  const total = todo.size;

  // Finished futures in completion order; null marks a slot the timeout gave up on.
  const finished: (Future<AwaitedResult<A>> | null)[] = [];
  // Coroutines blocked because `finished` was empty; all are woken on each arrival and re-check.
  let sleepers: Future<void>[] = [];
  let timeoutHandle: TimerHandle | null = null;

  const wakeSleepers = (): void => {
    const woken = sleepers;
    sleepers = [];
    for (const sleeper of woken) if (!sleeper.done()) sleeper.setResult(undefined);
  };
  const onCompletion = (future: Future<unknown>): void => {
    if (!todo.delete(future as Future<AwaitedResult<A>>)) return; // the timeout came first
    finished.push(future as Future<AwaitedResult<A>>);
    if (todo.size === 0) timeoutHandle?.cancel();
    wakeSleepers();
  };
  const onTimeout = (): void => {
    for (const future of todo) {
      future.removeDoneCallback(onCompletion);
      finished.push(null);
    }
    todo.clear();
    wakeSleepers();
  };

  function* nextCompleted(): Coroutine<AwaitedResult<A>> {
    while (finished.length === 0) {
      const sleeper = new Future<void>(loop);
      sleepers.push(sleeper);
      try {
        yield* sleeper;
      } finally {
        const index = sleepers.indexOf(sleeper);
        if (index >= 0) sleepers.splice(index, 1);
      }
    }
    const future = finished.shift() as Future<AwaitedResult<A>> | null;
    if (future === null) throw new TimeoutError();
    return future.result();
  }

  for (const future of todo) future.addDoneCallback(onCompletion);
  if (total > 0 && options.timeout !== null && options.timeout !== undefined) {
    timeoutHandle = loop.callLater(options.timeout, onTimeout);
  }
  return (function* (): Generator<Coroutine<AwaitedResult<A>>, void, undefined> {
    for (let index = 0; index < total; index++) yield nextCompleted();
  })();
}
