import type { Coroutine } from './coroutine.js';
import type { Future } from './future.js';
import type { SleepRequest } from './sleep.js';

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

/** asyncio's `_release_waiter`: wakes whoever waits on `waiter`, once. */
export function releaseWaiter(waiter: Future<void>): void {
  if (!waiter.done()) waiter.setResult(undefined);
}
