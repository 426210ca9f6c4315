import { noteUnwind } from './debug/chain.js';
import type { Frame } from './frame.js';
import * as protocol from './protocol.js';
import type { ResumeMode, Signal, Suspend } from './protocol.js';

// Module-local copies of the protocol's constants (protocol.ts, "Constants in hot code").
const { CALLING, NEXT, RETURN, THROW } = protocol;
// Typed: destructuring, or a const without a type, would widen its unique symbol type.
const SUSPEND: Suspend = protocol.SUSPEND;

/**
 * What drives a chain of frames: a Task, or the standalone driver behind a frame used as a plain
 * Generator. Its fields are the registers of the frame protocol (protocol.ts).
 */
export interface Fiber {
  /** The frame to resume next; null once the chain has finished. */
  top: Frame | null;
  /** Why the top frame suspended. */
  signal: Signal;
  /** The value yielded, or the awaitable waited for. */
  yielded: unknown;
  /**
   * How many synchronous calls deep each step may go (protocol.ts, "budget"): CALL_BUDGET; 0 for the
   * tasks of a debug loop, whose every call then goes through `delegate`.
   */
  budget: number;
}

/**
 * Resumes the fiber's top frame and runs the chain until it suspends (returns SUSPEND) or finishes
 * (returns the root's value, or throws its error). Iterative, so a chain of any depth unwinds without
 * growing the JavaScript stack.
 *
 * The commonest step, a top frame that suspends again, is taken here alone; everything else (a call
 * into a child, a frame finishing into its caller, an error unwinding) goes on in `driveOn`. Kept
 * apart, this part stays small enough for V8 to inline into the task's step (measured: 2-5 ns of
 * about 20 per scheduled step).
 */
export function drive(fiber: Fiber, mode: ResumeMode, value: unknown): unknown {
  const frame = fiber.top as Frame;
  let result: unknown;
  try {
    result = frame.step(fiber, mode, value, fiber.budget);
  } catch (error) {
    return driveOn(fiber, frame, mode, error, true);
  }
  if (result === SUSPEND && fiber.signal !== CALLING) return SUSPEND;
  return driveOn(fiber, frame, mode, result, false);
}

/**
 * Goes on from `frame`'s step, which ended in `outcome` (what it returned, or with `threw` what it
 * threw) after being resumed with `mode`.
 */
function driveOn(fiber: Fiber, frame: Frame, mode: ResumeMode, outcome: unknown, threw: boolean): unknown {
  let value = outcome;
  for (;;) {
    if (threw) {
      const caller: Frame | null = frame.caller;
      frame.caller = null;
      fiber.top = caller;
      // The error path only: the coroutine chain it unwinds through (debug/chain.ts).
      noteUnwind(value, frame, caller, fiber);
      if (caller === null) throw value;
      frame = caller;
      mode = THROW;
    } else if (value === SUSPEND) {
      if (fiber.signal !== CALLING) return SUSPEND;
      frame = fiber.top as Frame;
      mode = NEXT;
      value = undefined;
    } else {
      const caller: Frame | null = frame.caller;
      frame.caller = null;
      fiber.top = caller;
      if (caller === null) return value;
      frame = caller;
      // A frame finished by a RETURN step hands its caller a return completion (spec `yield*`).
      mode = mode === RETURN ? RETURN : NEXT;
    }
    try {
      value = frame.step(fiber, mode, value, fiber.budget);
      threw = false;
    } catch (error) {
      value = error;
      threw = true;
    }
  }
}
