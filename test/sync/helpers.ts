import { EventLoop } from '../../runtime/loop.js';
import type { Deque } from '../../runtime/deque.js';

/** A loop on the virtual clock and a trace whose entries carry the loop's time. */
export function virtualLoop(): { loop: EventLoop; trace: string[]; log: (entry: string) => void } {
  const loop = new EventLoop({ clock: 'virtual' });
  const trace: string[] = [];
  return { loop, trace, log: (entry: string) => trace.push(`${loop.time()} ${entry}`) };
}

/** The waiter queue of a primitive, read through its private field, like CPython's tests read `_waiters`. */
export function waitersOf(primitive: object, field = 'waiters'): Deque<unknown> {
  return (primitive as Record<string, Deque<unknown>>)[field] as Deque<unknown>;
}

/** The error a callback throws (fails the test if it does not throw). */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an exception');
}
