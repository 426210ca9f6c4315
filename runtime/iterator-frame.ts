import { registerIteratorFrameClass } from './debug/frame-info.js';
import type { Fiber } from './fiber.js';
import { Frame } from './frame.js';
import * as protocol from './protocol.js';
import type { ResumeMode, Suspend } from './protocol.js';

// Module-local copies of the protocol's constants (protocol.ts, "Constants in hot code").
const { NEXT, STATE_DONE, THROW, YIELDED } = protocol;
// Typed: destructuring, or a const without a type, would widen its unique symbol type.
const SUSPEND: Suspend = protocol.SUSPEND;

/**
 * Puts any iterator — a native generator above all — on a frame chain, forwarding `next`, `throw`
 * and `return` exactly as the spec's `yield*` does (ECMA-262 YieldExpression: `yield*`). A task
 * driving a native generator drives it through this adapter.
 */
export class IteratorFrame extends Frame<unknown> {
  private readonly nextMethod: Iterator<unknown, unknown, unknown>['next'];

  constructor(private readonly iterator: Iterator<unknown, unknown, unknown>) {
    super();
    this.nextMethod = iterator.next;
  }

  /** The iterator this frame forwards to (a task's `getCoro()`). */
  get target(): Iterator<unknown, unknown, unknown> {
    return this.iterator;
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown, _budget?: number): unknown | Suspend {
    const iterator = this.iterator;
    let result: unknown;
    if (mode === NEXT) {
      result = this.nextMethod.call(iterator, value);
    } else if (mode === THROW) {
      const throwMethod = getMethod(iterator, 'throw');
      if (throwMethod === undefined) {
        this.state = STATE_DONE;
        closeIterator(iterator);
        throw new TypeError('The iterator does not provide a \'throw\' method');
      }
      result = throwMethod.call(iterator, value);
    } else {
      const returnMethod = getMethod(iterator, 'return');
      if (returnMethod === undefined) {
        this.state = STATE_DONE;
        return value;
      }
      result = returnMethod.call(iterator, value);
    }
    if (!isObject(result)) throw new TypeError(`Iterator result ${String(result)} is not an object`);
    const record = result as IteratorResult<unknown, unknown>;
    if (record.done) {
      this.state = STATE_DONE;
      return record.value;
    }
    this.state = 1;
    fiber.top = this;
    fiber.signal = YIELDED;
    fiber.yielded = record.value;
    return SUSPEND;
  }
}

registerIteratorFrameClass(IteratorFrame);

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** The spec's GetMethod: undefined for null/undefined, a TypeError for anything else not callable. */
function getMethod(target: object, key: 'throw' | 'return'): ((value: unknown) => unknown) | undefined {
  const method: unknown = (target as Record<string, unknown>)[key];
  if (method === undefined || method === null) return undefined;
  if (typeof method !== 'function') throw new TypeError(`iterator.${key} is not a function`);
  return method as (value: unknown) => unknown;
}

/** The spec's IteratorClose for a normal completion. */
export function closeIterator(iterator: object): void {
  const returnMethod = getMethod(iterator, 'return');
  if (returnMethod === undefined) return;
  const result = returnMethod.call(iterator, undefined);
  if (!isObject(result)) throw new TypeError(`Iterator result ${String(result)} is not an object`);
}

/** The iterator of an iterable, as `yield*` and `for-of` get it (TypeError if not iterable). */
export function iteratorOf(iterable: unknown): Iterator<unknown, unknown, unknown> {
  const method: unknown = iterable === null || iterable === undefined ? undefined : (iterable as Record<symbol, unknown>)[Symbol.iterator];
  if (typeof method !== 'function') throw new TypeError(`${describe(iterable)} is not iterable`);
  const iterator: unknown = method.call(iterable);
  if (!isObject(iterator)) throw new TypeError('Result of the Symbol.iterator method is not an object');
  return iterator as Iterator<unknown, unknown, unknown>;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'function';
  if (typeof value === 'object' && value !== null) return 'object';
  return String(value);
}
