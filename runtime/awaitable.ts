import { Future } from './future.js';
import { SleepRequest } from './sleep.js';

/** The value `yield* awaitable` evaluates to once the awaitable is done (throws its error). */
export function awaitableOutcome(awaitable: unknown): unknown {
  if (awaitable instanceof Future) return awaitable.result();
  if (awaitable instanceof SleepRequest) return awaitable.value;
  return undefined;
}
