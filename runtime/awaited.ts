import type { Coroutine } from './coroutine.js';
import { Future } from './future.js';
import type { EventLoop } from './loop.js';
import { SleepRequest } from './sleep.js';

/**
 * What the combinators accept wherever asyncio accepts an awaitable: a Future (or Task), a coroutine
 * object (a native generator or a compiled frame), `sleep(ms, value)` (a coroutine in asyncio), or a
 * PromiseLike (the interop path).
 */
export type Awaitable<T = unknown> = Future<T> | Coroutine<T> | SleepRequest<T> | PromiseLike<T>;

/** The value `yield*` of an awaitable evaluates to. Distributes over unions. */
export type AwaitedResult<A> =
  A extends Future<infer T>
    ? T
    : A extends Generator<unknown, infer T, unknown>
      ? T
      : A extends SleepRequest<infer T>
        ? T
        : A extends PromiseLike<infer T>
          ? T
          : never;

/** asyncio's ensure_future on `loop`: a Future as it is; anything else wrapped (coroutines in a task). */
export function ensureFutureOn<T>(loop: EventLoop, aw: Awaitable<T>): Future<T> {
  if (aw instanceof Future) return aw;
  if (aw instanceof SleepRequest) return loop.createTask(sleepCoroutine(aw));
  return loop.ensureFuture(aw);
}

function* sleepCoroutine<T>(request: SleepRequest<T>): Coroutine<T> {
  return yield* request;
}

/** asyncio's `_release_waiter`: wakes whoever waits on `waiter`, once. */
export function releaseWaiter(waiter: Future<void>): void {
  if (!waiter.done()) waiter.setResult(undefined);
}
