import { drive, type Fiber } from './fiber.js';
import { awaitableOutcome } from './awaitable.js';
import { debugFromEnvironment, watchFramesOf } from './debug/debug-mode.js';
import * as protocol from './protocol.js';
import type { ResumeMode, Signal, Suspend } from './protocol.js';

// Module-local copies of the protocol's constants (protocol.ts, "Constants in hot code").
const { AWAITING, CALL_BUDGET, NEXT, RETURN, THROW, YIELDED, STATE_DONE, STATE_INITIAL, STATE_RUNNING } = protocol;
// Typed: destructuring, or a const without a type, would widen its unique symbol type.
const SUSPEND: Suspend = protocol.SUSPEND;

/**
 * A resumable coroutine: the base of every compiled coroutine and of the runtime's hand-written ones.
 * The contract is documented in protocol.ts. A frame is also a standard Generator: driven by plain
 * `next`/`throw`/`return` it yields, returns and throws what the native generator would.
 */
export abstract class Frame<T = unknown> implements Generator<unknown, T, unknown> {
  /** Resume label; 0 before the first step, -1 once finished. */
  state: number = STATE_INITIAL;
  /** The frame to resume when this one finishes; set by the caller when the call suspends. */
  caller: Frame | null = null;
  /**
   * This copy's SUSPEND for every frame of this copy, from Frame.prototype: the hybrid call's test
   * (`child?.isTsyncioFrame === SUSPEND`). Unlike `instanceof Frame`, a property test lets V8
   * scalar-replace a child frame that returns without suspending (protocol.ts, "Allocation").
   */
  declare readonly isTsyncioFrame: Suspend;
  /** The driver behind the Generator face, made on the first `next` (absent until then). */
  private standalone?: StandaloneFiber;

  /**
   * Runs the body from `state` until it returns (the value), throws, or suspends (SUSPEND). `budget`:
   * how many more synchronous calls deep this step may go (protocol.ts, "budget").
   */
  abstract step(fiber: Fiber, mode: ResumeMode, value: unknown, budget: number): T | Suspend;

  /**
   * For emitted code: ends the coroutine with the completion `(mode, value)` without running any more
   * of its body, and returns what `step` must return. THROW throws `value`; RETURN returns `value`;
   * NEXT returns undefined. One call covers three cases of protocol.ts:
   *   - state 0 resumed with THROW or RETURN (a generator never started runs nothing):
   *         case 0: if (mode !== NEXT) return this.exitWith(mode, value);
   *   - a resume label outside every try region resumed with THROW or RETURN:
   *         case 4: if (mode !== NEXT) return this.exitWith(mode, value);
   *   - any resume of a finished frame (`next` gives undefined, `throw` rethrows, `return(v)` gives v):
   *         default: return this.exitWith(mode, value);
   */
  exitWith(mode: ResumeMode, value: unknown): T {
    this.state = STATE_DONE;
    if (mode === THROW) throw value;
    return (mode === RETURN ? value : undefined) as T;
  }

  /**
   * For emitted code: `step` entered while it runs (`this.state` is STATE_RUNNING) throws what a
   * generator throws. A method rather than an inline `throw`, which would stop V8 from
   * scalar-replacing a child frame that returns at once (protocol.ts, "Allocation").
   */
  throwAlreadyRunning(): never {
    throw new TypeError('Generator is already running');
  }

  next(...args: [] | [unknown]): IteratorResult<unknown, T> {
    return this.generatorFace().resume(NEXT, args[0]) as IteratorResult<unknown, T>;
  }

  throw(error: unknown): IteratorResult<unknown, T> {
    return this.generatorFace().resume(THROW, error) as IteratorResult<unknown, T>;
  }

  return(value: T): IteratorResult<unknown, T> {
    return this.generatorFace().resume(RETURN, value) as IteratorResult<unknown, T>;
  }

  [Symbol.iterator](): this {
    return this;
  }

  get [Symbol.toStringTag](): string {
    return 'Generator';
  }

  private generatorFace(): StandaloneFiber {
    // A compiled frame whose `step` is running (under any fiber: a task, a caller's synchronous
    // call) says so in its state; checked before a face is made, which would drive it re-entrantly.
    if (this.state === STATE_RUNNING) throw new TypeError('Generator is already running');
    return (this.standalone ??= new StandaloneFiber(this));
  }
}

// Frames inherit from %IteratorPrototype%, as generator objects do (iterator helpers where the
// engine has them, `instanceof Iterator`).
const iteratorPrototype: object = Object.getPrototypeOf(Object.getPrototypeOf(Object.getPrototypeOf((function* () {})())));
Object.setPrototypeOf(Frame.prototype, iteratorPrototype);
// The brand is this copy's SUSPEND: a frame of another copy of the runtime (two bundles that each
// carry tsyncio) returns that copy's SUSPEND, which this copy's fast path must never take for a value.
Object.defineProperty(Frame.prototype, 'isTsyncioFrame', { value: SUSPEND });

/**
 * For emitted code: the hybrid call's test, `yield* child` takes the inline path iff `isFrame(child)`.
 * A property test rather than `instanceof Frame`, which would stop V8 from scalar-replacing a child
 * frame that returns without suspending. Emitted JavaScript may inline it as
 * `child?.isTsyncioFrame === SUSPEND` (the brand is this copy's SUSPEND; another copy's frames are
 * driven through their Generator face, by delegate).
 */
export function isFrame(value: unknown): value is Frame {
  return (value as Frame | null | undefined)?.isTsyncioFrame === SUSPEND;
}

/**
 * For emitted code: makes `frameClass` a frame class without `extends Frame`, by putting
 * Frame.prototype under its prototype (so `instanceof Frame`, the Generator face and `exitWith` all
 * hold). Emitted frame classes are "flat" — no `super()` call, and they initialise Frame's fields
 * themselves (`state = 0; caller = null;`) — because V8 (Node 20) never
 * scalar-replaces an object built through a `super()` call, so a child frame of a call that returns
 * without suspending would otherwise be a heap allocation per call (protocol.ts, "Allocation").
 * In TypeScript, an interface merged with the class gives it Frame's type:
 *
 *     class Add$Frame { state = 0; caller: Frame | null = null; constructor(x) {..} step(..) {..} }
 *     interface Add$Frame extends Frame<number> {}
 *     linkFrameClass(Add$Frame);
 *
 * Classes that do extend Frame work the same, only without that optimisation.
 */
export function linkFrameClass(frameClass: abstract new (...args: never[]) => object): void {
  Object.setPrototypeOf(frameClass.prototype, Frame.prototype);
  // Debug mode, decided per class as it is linked: nothing changes for a class linked without it.
  if (debugFromEnvironment()) watchFramesOf(frameClass);
}

/** Drives a frame chain for code that uses a frame as a plain Generator. */
class StandaloneFiber implements Fiber {
  top: Frame | null;
  signal: Signal = YIELDED;
  yielded: unknown = undefined;
  budget = CALL_BUDGET;
  private running = false;

  constructor(root: Frame) {
    this.top = root;
  }

  resume(mode: ResumeMode, value: unknown): IteratorResult<unknown, unknown> {
    if (this.running) throw new TypeError('Generator is already running');
    if (this.top === null) {
      if (mode === THROW) throw value;
      return { value: mode === RETURN ? value : undefined, done: true };
    }
    if (this.signal === AWAITING && mode === NEXT) {
      // `yield* future` resumes with the future's outcome, whatever `next` was given (Future.__iter__).
      this.signal = YIELDED;
      try {
        value = awaitableOutcome(this.yielded);
      } catch (error) {
        mode = THROW;
        value = error;
      }
    }
    this.running = true;
    let result: unknown;
    try {
      result = drive(this, mode, value);
    } finally {
      this.running = false;
    }
    if (result === SUSPEND) return { value: this.yielded, done: false };
    return { value: result, done: true };
  }
}
