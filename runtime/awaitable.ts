import { RuntimeError } from './errors.js';
import { AWAIT_NOT_USED, Future } from './future.js';
import { SleepRequest } from './sleep.js';
import { Waiter } from './waiter.js';

/** The value `yield* awaitable` evaluates to once the awaitable is done (throws its error). */
export function awaitableOutcome(awaitable: unknown): unknown {
  if (awaitable instanceof Future) {
    if (!awaitable.done()) throw new RuntimeError(AWAIT_NOT_USED);
    return awaitable.result();
  }
  if (awaitable instanceof Waiter) return awaitable.outcome();
  if (awaitable instanceof SleepRequest) return awaitable.value;
  return undefined;
}
