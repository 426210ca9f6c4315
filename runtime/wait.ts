import { releaseWaiter } from './awaited.js';
import { ValueError } from './errors.js';
import type { Coroutine } from './coroutine.js';
import { Future } from './future.js';
import type { TimerHandle } from './handle.js';
import { getRunningLoop } from './running.js';
import { isCoroutine } from './task.js';

/** wait() returns as soon as any future finishes or is cancelled. */
export const FIRST_COMPLETED = 'FIRST_COMPLETED';
/** wait() returns when any future finishes by raising, or when all are done. */
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
/** wait() returns when all futures are done (the default). */
export const ALL_COMPLETED = 'ALL_COMPLETED';

export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

export interface WaitOptions {
  /** Milliseconds; null/undefined waits without limit. On timeout the futures are NOT cancelled. */
  timeout?: number | null;
  /** Default ALL_COMPLETED. */
  returnWhen?: ReturnWhen;
}

/**
 * asyncio.wait: waits until `returnWhen` holds for the futures (or the timeout passes) and returns
 * `[done, pending]`. Nothing is cancelled, on timeout or otherwise. As in Python 3.12, coroutines are
 * refused (wrap them in tasks so that what is pending stays in your hands); an empty collection or an
 * unknown `returnWhen` is a ValueError.
 *
 *     const [done, pending] = yield* wait([a, b], { timeout: 100, returnWhen: FIRST_COMPLETED });
 */
export function* wait<F extends Future<unknown>>(futures: Iterable<F>, options: WaitOptions = {}): Coroutine<[done: Set<F>, pending: Set<F>]> {
  if (futures instanceof Future || isCoroutine(futures)) {
    throw new TypeError(`wait() expects an iterable of futures, not ${describe(futures)}`);
  }
  const returnWhen = options.returnWhen ?? ALL_COMPLETED;
  if (returnWhen !== FIRST_COMPLETED && returnWhen !== FIRST_EXCEPTION && returnWhen !== ALL_COMPLETED) {
    throw new ValueError(`Invalid returnWhen value: ${String(returnWhen)}`);
  }
  const all = new Set(futures);
  if (all.size === 0) throw new ValueError('Set of Tasks/Futures is empty.');
  for (const future of all) {
    if (!(future instanceof Future)) {
      const hint = isCoroutine(future) ? 'Passing coroutines is forbidden, use tasks explicitly.' : `a Future was expected, got ${describe(future)}`;
      throw new TypeError(hint);
    }
  }

  const loop = getRunningLoop();
  const timeoutMs = options.timeout;
  const waiter = new Future<void>(loop);
  let timeoutHandle: TimerHandle | null = null;
  if (timeoutMs !== null && timeoutMs !== undefined) timeoutHandle = loop.callLater(timeoutMs, releaseWaiter, waiter);
  let notDone = all.size;

  const onCompletion = (future: Future<unknown>): void => {
    notDone--;
    if (
      notDone <= 0 ||
      returnWhen === FIRST_COMPLETED ||
      (returnWhen === FIRST_EXCEPTION && !future.cancelled() && failed(future))
    ) {
      timeoutHandle?.cancel();
      releaseWaiter(waiter);
    }
  };
  for (const future of all) future.addDoneCallback(onCompletion);
  try {
    yield* waiter;
  } finally {
    timeoutHandle?.cancel();
    for (const future of all) future.removeDoneCallback(onCompletion);
  }

  const done = new Set<F>();
  const pending = new Set<F>();
  for (const future of all) (future.done() ? done : pending).add(future);
  return [done, pending];
}

/** A done, not cancelled future whose outcome is an error (even `throw undefined`). */
function failed(future: Future<unknown>): boolean {
  try {
    future.result();
    return false;
  } catch {
    return true;
  }
}

function describe(value: unknown): string {
  if (value instanceof Future) return value[Symbol.toStringTag];
  if (isCoroutine(value)) return 'a coroutine';
  return typeof value;
}
