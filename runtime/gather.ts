import { type Awaitable, type AwaitedResult } from './awaited.js';
import { CancelledError, cancellation } from './errors.js';
import { Future } from './future.js';
import type { EventLoop } from './loop.js';
import { getRunningLoop, runningLoopOrNull } from './running.js';

/**
 * asyncio.gather for tsyncio.
 *
 *     const [user, posts] = yield* gather(fetchUser(id), postsTask);        // typed [User, Post[]]
 *     const outcomes = yield* gatherWith({ returnExceptions: true }, a(), b());  // [A | Error, B | Error]
 *
 * Shape: `gather(...aws)` keeps asyncio's variadic call, so the result is a tuple typed element by
 * element; the options come first in `gatherWith(options, ...aws)` because a trailing options object
 * after a rest parameter cannot be told apart from an awaitable by the type system.
 *
 * Semantics (CPython's tasks.py): coroutines are wrapped in tasks, the same awaitable passed twice is
 * waited for once; results keep the order of the arguments. Without returnExceptions the first error
 * (a cancelled child counts as raising CancelledError) fails the gather future at once while the
 * other children keep running. Cancelling the gather future cancels the children that are not done;
 * once they have all finished, the gather future fails with CancelledError whatever returnExceptions
 * says, so the task waiting on it ends cancelled.
 *
 * With returnExceptions an element is typed `T | Error`: tsyncio and virtually all code throws Errors,
 * but a value thrown that is not an Error (`throw 42`) is delivered as it is.
 */
export interface GatherOptions {
  /** Deliver errors (and CancelledError for cancelled children) in the results instead of failing. */
  returnExceptions?: boolean;
}

/** The results of `gather(...aws)`, element by element. */
export type GatherResults<A extends readonly unknown[]> = { -readonly [K in keyof A]: AwaitedResult<A[K]> };

/** The results of `gatherWith({ returnExceptions: true }, ...aws)`: each element may be an error. */
export type GatherOutcomes<A extends readonly unknown[]> = { -readonly [K in keyof A]: AwaitedResult<A[K]> | Error };

/**
 * The future gather returns (asyncio's _GatheringFuture): `cancel()` cancels its children and, like
 * Task.cancel(), does not end the future at once; it ends when the children have.
 */
export class GatheringFuture<T> extends Future<T> {
  private cancelRequested = false;
  private requestedCancelMessage: string | undefined = undefined;

  /** @internal */
  constructor(
    loop: EventLoop | null,
    private readonly children: readonly Future<unknown>[],
  ) {
    super(loop ?? undefined);
  }

  /** Cancels every child not done yet; true if at least one accepted. False once the gather is done. */
  override cancel(message?: string): boolean {
    if (this.done()) return false;
    let accepted = false;
    for (const child of this.children) {
      if (child.cancel(message)) accepted = true;
    }
    // Only a cancellation that reached a child is propagated (bpo-32684): a gather whose children are
    // all done already completes with their results.
    if (accepted && !this.cancelRequested) {
      this.cancelRequested = true;
      this.requestedCancelMessage = message;
    }
    return accepted;
  }

  /** @internal */
  isCancelRequested(): boolean {
    return this.cancelRequested;
  }

  /** @internal What the gather fails with once its cancelled children have finished. */
  makeRequestedCancelledError(): CancelledError {
    return cancellation(this.requestedCancelMessage, this.getLoop()?.debug ?? false);
  }
}

/** A future of every result of `aws`, in order. See the module comment. */
export function gather<const A extends readonly Awaitable[]>(...aws: A): GatheringFuture<GatherResults<A>> {
  return startGather(aws, false) as GatheringFuture<GatherResults<A>>;
}

/** `gather` with options: `gatherWith({ returnExceptions: true }, a, b)`. */
export function gatherWith<const A extends readonly Awaitable[]>(
  options: GatherOptions & { returnExceptions: true },
  ...aws: A
): GatheringFuture<GatherOutcomes<A>>;
export function gatherWith<const A extends readonly Awaitable[]>(
  options: GatherOptions & { returnExceptions?: false },
  ...aws: A
): GatheringFuture<GatherResults<A>>;
export function gatherWith<const A extends readonly Awaitable[]>(
  options: GatherOptions,
  ...aws: A
): GatheringFuture<GatherOutcomes<A>>;
export function gatherWith<const A extends readonly Awaitable[]>(options: GatherOptions, ...aws: A): GatheringFuture<unknown> {
  return startGather(aws, options.returnExceptions === true);
}

function startGather(aws: readonly Awaitable[], returnExceptions: boolean): GatheringFuture<unknown[]> {
  if (aws.length === 0) {
    const empty = new GatheringFuture<unknown[]>(runningLoopOrNull(), []);
    empty.setResult([]);
    return empty;
  }

  const children: Future<unknown>[] = [];
  const futureOf = new Map<Awaitable, Future<unknown>>();
  let loop: EventLoop | null = null;
  let outer: GatheringFuture<unknown[]> | null = null;
  let finished = 0;

  const onChildDone = (child: Future<unknown>): void => {
    finished++;
    if (outer === null || outer.done()) {
      // Nobody will see this child's error any more: do not report it as unretrieved.
      if (!child.cancelled()) child.exception();
      return;
    }
    if (!returnExceptions) {
      // result() rather than exception(): a child may have thrown `undefined`.
      try {
        child.result();
      } catch (error) {
        outer.setException(error);
        return;
      }
    }
    if (finished < futureOf.size) return;

    const results: unknown[] = [];
    for (const each of children) {
      // A cancelled child's error without throwing it: gathering many cancelled tasks is common (a
      // shutdown), and a throw and catch each cost about 5% of such a run (S6).
      if (each.cancelled()) {
        results.push(each.makeCancelledError());
        continue;
      }
      try {
        results.push(each.result());
      } catch (error) {
        results.push(error);
      }
    }
    if (outer.isCancelRequested()) outer.setException(outer.makeRequestedCancelledError());
    else outer.setResult(results);
  };

  for (const aw of aws) {
    let child = futureOf.get(aw);
    if (child === undefined) {
      child = toFuture(aw, loop);
      loop ??= child.getLoop();
      futureOf.set(aw, child);
      child.addDoneCallback(onChildDone);
    }
    children.push(child);
  }
  outer = new GatheringFuture<unknown[]>(loop, children);
  return outer;
}

/** asyncio's ensure_future with the loop of the futures seen so far, else the running loop. */
function toFuture<T>(aw: Awaitable<T>, loop: EventLoop | null): Future<T> {
  if (aw instanceof Future) return aw;
  return (loop ?? getRunningLoop()).ensureFuture(aw);
}
