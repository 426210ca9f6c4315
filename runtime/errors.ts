/**
 * @internal debug/chain.ts: the chain kept in a CancelledError of this copy of the runtime (undefined
 * while it has none), or null for any other value.
 */
export let chainSlotOf: (error: object) => object | undefined | null;
/** @internal debug/chain.ts: sets the chain of an error `chainSlotOf` gave undefined for. */
export let setChainSlot: (error: CancelledError, chain: object) => void;

/** Thrown into a coroutine at its suspension point when its task is cancelled (asyncio.CancelledError). */
export class CancelledError extends Error {
  override name = 'CancelledError';
  // The error's coroutine chain (debug/chain.ts), private to the runtime: in a slot of its own rather
  // than in that module's WeakMap, as cancelling many tasks makes a CancelledError each, and a WeakMap
  // entry per error was most of what recording their chains cost.
  #chain: object | undefined = undefined;

  constructor(message?: string) {
    super(message ?? '');
  }

  static {
    chainSlotOf = (error: object): object | undefined | null => (#chain in error ? error.#chain : null);
    setChainSlot = (error: CancelledError, chain: object): void => {
      error.#chain = chain;
    };
  }
}

/**
 * The CancelledError the runtime throws into a cancelled coroutine. Its JavaScript stack is only
 * captured in debug mode: taken at the moment of cancelling, it shows the loop's internals, not the
 * coroutine (where the coroutine was is what the error's coroutine chain adds, debug/chain.ts), and
 * capturing it is most of what a cancellation costs (10⁵ tasks cancelled: a third of the run).
 * `new CancelledError()` in user code keeps its stack.
 */
export function cancellation(message: string | undefined, withStack: boolean): CancelledError {
  if (withStack) return new CancelledError(message);
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new CancelledError(message);
  } finally {
    Error.stackTraceLimit = limit;
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

/** An argument or a call has the right type but an unacceptable value (Python's ValueError). */
export class ValueError extends Error {
  override name = 'ValueError';
}

/** A Barrier was reset or aborted while a task waited on it, or waited on once broken (asyncio.BrokenBarrierError). */
export class BrokenBarrierError extends Error {
  override name = 'BrokenBarrierError';
}
