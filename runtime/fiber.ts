import { noteUnwind } from './debug/chain.js';
import type { Frame } from './frame.js';
import { CALLING, CALL_BUDGET, NEXT, RETURN, SUSPEND, THROW, type ResumeMode, type Signal } from './protocol.js';

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
  /** Synchronous calls left in this step (protocol.ts, "budget"). */
  budget: number;
}

/**
 * Resumes the fiber's top frame and runs the chain until it suspends (returns SUSPEND) or finishes
 * (returns the root's value, or throws its error). Iterative, so a chain of any depth unwinds without
 * growing the JavaScript stack.
 */
export function drive(fiber: Fiber, mode: ResumeMode, value: unknown): unknown {
  let frame = fiber.top as Frame;
  for (;;) {
    fiber.budget = CALL_BUDGET;
    let result: unknown;
    try {
      result = frame.step(fiber, mode, value);
    } catch (error) {
      const caller: Frame | null = frame.caller;
      frame.caller = null;
      fiber.top = caller;
      // The error path only: the coroutine chain it unwinds through (debug/chain.ts).
      noteUnwind(error, frame, caller, fiber);
      if (caller === null) throw error;
      frame = caller;
      mode = THROW;
      value = error;
      continue;
    }
    if (result === SUSPEND) {
      if (fiber.signal !== CALLING) return SUSPEND;
      frame = fiber.top as Frame;
      mode = NEXT;
      value = undefined;
      continue;
    }
    const caller: Frame | null = frame.caller;
    frame.caller = null;
    fiber.top = caller;
    if (caller === null) return result;
    frame = caller;
    // A frame finished by a RETURN step hands its caller a return completion (spec `yield*`).
    mode = mode === RETURN ? RETURN : NEXT;
    value = result;
  }
}
