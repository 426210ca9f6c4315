import type { Fiber } from './fiber.js';
import { Frame } from './frame.js';
import { Future } from './future.js';
import { IteratorFrame, iteratorOf } from './iterator-frame.js';
import * as protocol from './protocol.js';
import type { Suspend } from './protocol.js';
import { SleepRequest } from './sleep.js';
import { Waiter } from './waiter.js';

// Module-local copies of the protocol's constants (protocol.ts, "Constants in hot code").
const { AWAITING, CALLING, NEXT, STATE_RUNNING } = protocol;
// Typed: destructuring, or a const without a type, would widen its unique symbol type.
const SUSPEND: Suspend = protocol.SUSPEND;

/**
 * The general `yield* target` of a compiled frame (`caller`), for every target the inline hybrid call
 * does not take: a frame when the call budget is spent, a primitive's Waiter, a Future or Task, a
 * sleep request, any other iterable. Returns the value of the `yield*` expression, or SUSPEND after setting the fiber's
 * registers (the caller then sets its resume label and returns SUSPEND).
 */
export function delegate(fiber: Fiber, caller: Frame, target: unknown): unknown | Suspend {
  if (target instanceof Frame) {
    // `yield*` into a running frame (itself, or a caller up the synchronous chain): a generator throws.
    if (target.state === STATE_RUNNING) throw new TypeError('Generator is already running');
    target.caller = caller;
    fiber.top = target;
    fiber.signal = CALLING;
    return SUSPEND;
  }
  if (target instanceof Waiter) {
    if (target.done()) return target.outcome();
    return awaitOn(fiber, caller, target);
  }
  if (target instanceof Future) {
    // asyncio's Future.__await__ does not yield when the future is already done.
    if (target.done()) return target.result();
    return awaitOn(fiber, caller, target);
  }
  if (target instanceof SleepRequest) return awaitOn(fiber, caller, target);
  const adapter = new IteratorFrame(iteratorOf(target));
  adapter.caller = caller;
  return adapter.step(fiber, NEXT, undefined, 0);
}

function awaitOn(fiber: Fiber, caller: Frame, awaitable: unknown): Suspend {
  fiber.top = caller;
  fiber.signal = AWAITING;
  fiber.yielded = awaitable;
  return SUSPEND;
}
