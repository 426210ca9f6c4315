/** Thrown into a coroutine at its suspension point when its task is cancelled (asyncio.CancelledError). */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(message?: string) {
    super(message ?? '');
  }
}

/** A deadline passed (asyncio.TimeoutError, the builtin TimeoutError since Python 3.11). */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** An operation was called on a Future in the wrong state (result() before done, setResult twice). */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';
}

/** Misuse of the loop or of a task: running a loop twice, awaiting a task from itself, a bad yield. */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
}
