/**
 * Frames written by hand exactly as the transformer is to emit them, each beside the native
 * `function*` it compiles. The tests run both and compare traces, so these classes double as the
 * reference for the transformer's output (protocol.ts, "Emitted code").
 *
 * House style of emitted code, kept in every class below:
 *   - parameters and the locals that live across a suspension are fields; everything else is a local;
 *   - `step` is a `switch (this.state)` in a `for (;;)`; a jump is `this.state = L; continue`, and a
 *     jump never targets a resume label (so `mode` is only read where it means something);
 *   - a resume label is reached from the fiber (mode and value as given) or by falling through from
 *     its own suspension site after a call that did not suspend (`mode = NEXT; value = result`);
 *   - each resume label first handles THROW/RETURN: outside every try region through `exitWith`,
 *     inside one by `throw value` (THROW) or by running the `return` statement it stands for (RETURN);
 *   - with try regions, the `switch` sits in a JS `try`; its `catch` is the region table, keyed by the
 *     state, so entering a region assigns `this.state` (never a fall-through from outside it);
 *   - classes are flat (no `extends Frame`, no `super()`), initialise `state` and `caller` first, and
 *     are put under Frame.prototype by `linkFrameClass`; `yield*` tests `isFrame(child)`. Emitted
 *     JavaScript also writes the protocol constants as literals (`mode !== 0`, with the name in a comment), as
 *     bench/frames.ts does; here they keep their names for reading. (Why: protocol.ts, "Allocation".)
 */
import type { Fiber } from '../../runtime/fiber.js';
import { isFrame, linkFrameClass, type Frame } from '../../runtime/frame.js';
import { delegate } from '../../runtime/delegate.js';
import type { Future } from '../../runtime/future.js';
import { sleep } from '../../runtime/sleep.js';
import type { Coroutine } from '../../runtime/coroutine.js';
import { NEXT, RETURN, STATE_DONE, SUSPEND, THROW, YIELDED, type ResumeMode, type Suspend } from '../../runtime/protocol.js';

/** The coroutines under test; `natives` and `frames` implement it alike. */
export interface Coroutines {
  /** A bare-yield loop: yields `i` (or undefined), records what each yield evaluates to. */
  ticker(trace: string[], name: string, count: number, yieldValues: boolean): Coroutine<number>;
  /** Returns without suspending. */
  addOne(trace: string[], x: number): Coroutine<number>;
  /** Suspends once, then returns. */
  pauseThenAdd(trace: string[], x: number): Coroutine<number>;
  /** Throws, before or after suspending once. */
  failing(trace: string[], pauseFirst: boolean): Coroutine<never>;
  /** `yield*` into the three above: the hybrid call, both outcomes, and a throw through it. */
  calls(trace: string[], rounds: number): Coroutine<number>;
  /** `yield* future`. */
  awaitFuture(trace: string[], future: Future<string>): Coroutine<string>;
  /** `yield* sleep(ms, value)`, twice. */
  sleeper(trace: string[], now: () => number, ms: number, value: string): Coroutine<string>;
  /** try/catch/finally with yields in all three parts (labels, or undefined for a task); the future's result picks the path. */
  guarded(trace: string[], future: Future<string>, yieldLabels: boolean): Coroutine<string>;
  /** A recursive `yield*` chain `depth` deep whose leaf yields `leafYields` times; returns `depth`. */
  chain(depth: number, leafYields: number): Coroutine<number>;
  /** `yield*` into any target (a frame, a generator, an iterable); records the result. */
  delegator(trace: string[], target: unknown): Coroutine<unknown>;
  /** Calls `next` on its own generator object while running (a TypeError), then yields once. */
  reentrant(trace: string[], self: { generator: Generator<unknown, unknown, unknown> | null }): Coroutine<unknown>;
}

// ---------------------------------------------------------------------------------------------------
// Native sources.

export const natives: Coroutines = {
  *ticker(trace, name, count, yieldValues) {
    for (let i = 0; i < count; i++) {
      trace.push(`${name} ${i}`);
      const sent: unknown = yield yieldValues ? i : undefined;
      trace.push(`${name} got ${String(sent)}`);
    }
    return count;
  },

  *addOne(trace, x) {
    trace.push(`addOne ${x}`);
    return x + 1;
  },

  *pauseThenAdd(trace, x) {
    trace.push(`pause ${x}`);
    const sent: unknown = yield;
    trace.push(`pause got ${String(sent)}`);
    return x + 1;
  },

  *failing(trace, pauseFirst) {
    trace.push('failing');
    if (pauseFirst) yield;
    throw new Error(pauseFirst ? 'late' : 'early');
  },

  *calls(trace, rounds) {
    let total = 0;
    for (let i = 0; i < rounds; i++) {
      total = yield* natives.addOne(trace, total);
      total = yield* natives.pauseThenAdd(trace, total);
      try {
        yield* natives.failing(trace, i % 2 === 1);
      } catch (error) {
        trace.push(`caught ${(error as Error).message}`);
      }
    }
    return total;
  },

  *awaitFuture(trace, future) {
    trace.push('wait');
    const value = yield* future;
    trace.push(`got ${value}`);
    return value;
  },

  *sleeper(trace, now, ms, value) {
    trace.push(`sleep ${ms} at ${now()}`);
    const first = yield* sleep(ms, value);
    trace.push(`woke with ${first} at ${now()}`);
    const second = yield* sleep(0, `${first}!`);
    trace.push(`woke with ${second} at ${now()}`);
    return second;
  },

  *guarded(trace, future, yieldLabels) {
    try {
      trace.push('try');
      const value = yield* future;
      trace.push(`got ${value}`);
      if (value === 'return') return 'early';
      if (value === 'throw') throw new Error('boom');
      const sent: unknown = yield yieldLabels ? 'in try' : undefined;
      trace.push(`try got ${String(sent)}`);
    } catch (error) {
      trace.push(`catch ${String(error)}`);
      const sent: unknown = yield yieldLabels ? 'in catch' : undefined;
      trace.push(`catch got ${String(sent)}`);
    } finally {
      trace.push('finally');
      const sent: unknown = yield yieldLabels ? 'in finally' : undefined;
      trace.push(`finally got ${String(sent)}`);
    }
    return 'end';
  },

  *chain(depth, leafYields) {
    if (depth === 0) {
      for (let i = 0; i < leafYields; i++) yield;
      return 0;
    }
    const below = yield* natives.chain(depth - 1, leafYields);
    return below + 1;
  },

  *delegator(trace, target) {
    trace.push('delegating');
    const result: unknown = yield* target as Iterable<unknown>;
    trace.push(`delegated result ${String(result)}`);
    return result;
  },

  *reentrant(trace, self) {
    try {
      self.generator?.next();
      trace.push('re-entered');
    } catch (error) {
      trace.push(`re-entry threw ${(error as Error).name}`);
    }
    const sent: unknown = yield 'after';
    return sent;
  },
};

// ---------------------------------------------------------------------------------------------------
// Hand-written frames, as emitted.

/** Counts `step` calls per frame class, to prove what a resume touches (not a part of emitted code). */
export const stepCounts = { chain: 0 };

class Ticker$Frame {
  state = 0;
  caller: Frame | null = null;
  private i = 0;
  constructor(
    private readonly trace: string[],
    private readonly name: string,
    private readonly count: number,
    private readonly yieldValues: boolean,
  ) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown): number | Suspend {
    for (;;) {
      switch (this.state) {
        case 0:
          if (mode !== NEXT) return this.exitWith(mode, value);
          this.i = 0;
        // falls through: the loop head
        case 1:
          if (!(this.i < this.count)) {
            this.state = STATE_DONE;
            return this.count;
          }
          this.trace.push(`${this.name} ${this.i}`);
          fiber.top = this;
          fiber.signal = YIELDED;
          fiber.yielded = this.yieldValues ? this.i : undefined;
          this.state = 2;
          return SUSPEND;
        case 2: {
          if (mode !== NEXT) return this.exitWith(mode, value);
          const sent = value;
          this.trace.push(`${this.name} got ${String(sent)}`);
          this.i++;
          this.state = 1;
          continue;
        }
        default:
          return this.exitWith(mode, value);
      }
    }
  }
}
interface Ticker$Frame extends Frame<number> {}
linkFrameClass(Ticker$Frame);

class AddOne$Frame {
  state = 0;
  caller: Frame | null = null;
  constructor(
    private readonly trace: string[],
    private readonly x: number,
  ) {
  }

  // No suspension point: the whole body is state 0.
  step(_fiber: Fiber, mode: ResumeMode, value: unknown): number | Suspend {
    if (this.state !== 0 || mode !== NEXT) return this.exitWith(mode, value);
    this.trace.push(`addOne ${this.x}`);
    this.state = STATE_DONE;
    return this.x + 1;
  }
}
interface AddOne$Frame extends Frame<number> {}
linkFrameClass(AddOne$Frame);

class PauseThenAdd$Frame {
  state = 0;
  caller: Frame | null = null;
  constructor(
    private readonly trace: string[],
    private readonly x: number,
  ) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown): number | Suspend {
    switch (this.state) {
      case 0:
        if (mode !== NEXT) return this.exitWith(mode, value);
        this.trace.push(`pause ${this.x}`);
        fiber.top = this;
        fiber.signal = YIELDED;
        fiber.yielded = undefined;
        this.state = 1;
        return SUSPEND;
      case 1: {
        if (mode !== NEXT) return this.exitWith(mode, value);
        const sent = value;
        this.trace.push(`pause got ${String(sent)}`);
        this.state = STATE_DONE;
        return this.x + 1;
      }
      default:
        return this.exitWith(mode, value);
    }
  }
}
interface PauseThenAdd$Frame extends Frame<number> {}
linkFrameClass(PauseThenAdd$Frame);

class Failing$Frame {
  state = 0;
  caller: Frame | null = null;
  constructor(
    private readonly trace: string[],
    private readonly pauseFirst: boolean,
  ) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown): never | Suspend {
    switch (this.state) {
      case 0:
        if (mode !== NEXT) return this.exitWith(mode, value);
        this.trace.push('failing');
        if (this.pauseFirst) {
          fiber.top = this;
          fiber.signal = YIELDED;
          fiber.yielded = undefined;
          this.state = 1;
          return SUSPEND;
        }
      // falls through: after the `if`
      case 1:
        if (mode !== NEXT) return this.exitWith(mode, value);
        this.state = STATE_DONE;
        throw new Error(this.pauseFirst ? 'late' : 'early');
      default:
        return this.exitWith(mode, value);
    }
  }
}
interface Failing$Frame extends Frame<never> {}
linkFrameClass(Failing$Frame);

class Calls$Frame {
  state = 0;
  caller: Frame | null = null;
  private total = 0;
  private i = 0;
  constructor(
    private readonly trace: string[],
    private readonly rounds: number,
  ) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown, budget: number): number | Suspend {
    for (;;) {
      try {
        switch (this.state) {
          case 0:
            if (mode !== NEXT) return this.exitWith(mode, value);
            this.total = 0;
            this.i = 0;
          // falls through: the loop head
          case 1: {
            if (!(this.i < this.rounds)) {
              this.state = STATE_DONE;
              return this.total;
            }
            // total = yield* addOne(trace, total) — the hybrid call.
            const child = frames.addOne(this.trace, this.total);
            let result: unknown;
            if (isFrame(child) && budget > 0) {
              result = child.step(fiber, NEXT, undefined, budget - 1);
              if (result === SUSPEND) {
                child.caller = this;
                this.state = 2;
                return SUSPEND;
              }
            } else {
              result = delegate(fiber, this, child);
              if (result === SUSPEND) {
                this.state = 2;
                return SUSPEND;
              }
            }
            mode = NEXT;
            value = result;
          }
          // falls through: the call's resume label
          case 2: {
            if (mode !== NEXT) return this.exitWith(mode, value);
            this.total = value as number;
            // total = yield* pauseThenAdd(trace, total)
            const child = frames.pauseThenAdd(this.trace, this.total);
            let result: unknown;
            if (isFrame(child) && budget > 0) {
              result = child.step(fiber, NEXT, undefined, budget - 1);
              if (result === SUSPEND) {
                child.caller = this;
                this.state = 3;
                return SUSPEND;
              }
            } else {
              result = delegate(fiber, this, child);
              if (result === SUSPEND) {
                this.state = 3;
                return SUSPEND;
              }
            }
            mode = NEXT;
            value = result;
          }
          // falls through
          case 3:
            if (mode !== NEXT) return this.exitWith(mode, value);
            this.total = value as number;
            // Entering the try region assigns the state (the region table is keyed by it).
            this.state = 4;
          // falls through
          case 4: {
            // try { yield* failing(trace, i % 2 === 1) }
            const child = frames.failing(this.trace, this.i % 2 === 1);
            let result: unknown;
            if (isFrame(child) && budget > 0) {
              result = child.step(fiber, NEXT, undefined, budget - 1);
              if (result === SUSPEND) {
                child.caller = this;
                this.state = 5;
                return SUSPEND;
              }
            } else {
              result = delegate(fiber, this, child);
              if (result === SUSPEND) {
                this.state = 5;
                return SUSPEND;
              }
            }
            mode = NEXT;
            value = result;
          }
          // falls through
          case 5:
            if (mode !== NEXT) {
              if (mode === THROW) throw value;
              // RETURN inside a try without finally: the return statement it stands for.
              this.state = STATE_DONE;
              return value as number;
            }
            // End of the try block: jump over the catch.
            this.state = 7;
            continue;
          case 6:
            // catch (error): the region table put the error in `value`.
            this.trace.push(`caught ${(value as Error).message}`);
          // falls through
          case 7:
            this.i++;
            this.state = 1;
            continue;
          default:
            return this.exitWith(mode, value);
        }
      } catch (error) {
        // Region table: states 4–5 are the try block, its catch is label 6.
        if (this.state === 4 || this.state === 5) {
          this.state = 6;
          mode = NEXT;
          value = error;
          continue;
        }
        this.state = STATE_DONE;
        throw error;
      }
    }
  }
}
interface Calls$Frame extends Frame<number> {}
linkFrameClass(Calls$Frame);

class AwaitFuture$Frame {
  state = 0;
  caller: Frame | null = null;
  constructor(
    private readonly trace: string[],
    private readonly future: Future<string>,
  ) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown): string | Suspend {
    switch (this.state) {
      case 0: {
        if (mode !== NEXT) return this.exitWith(mode, value);
        this.trace.push('wait');
        // `yield* future` is never a frame: straight to `delegate` (it returns at once if done).
        const result = delegate(fiber, this, this.future);
        if (result === SUSPEND) {
          this.state = 1;
          return SUSPEND;
        }
        mode = NEXT;
        value = result;
      }
      // falls through
      case 1: {
        if (mode !== NEXT) return this.exitWith(mode, value);
        const got = value as string;
        this.trace.push(`got ${got}`);
        this.state = STATE_DONE;
        return got;
      }
      default:
        return this.exitWith(mode, value);
    }
  }
}
interface AwaitFuture$Frame extends Frame<string> {}
linkFrameClass(AwaitFuture$Frame);

class Sleeper$Frame {
  state = 0;
  caller: Frame | null = null;
  private first: string | undefined = undefined;
  constructor(
    private readonly trace: string[],
    private readonly now: () => number,
    private readonly ms: number,
    private readonly value: string,
  ) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown): string | Suspend {
    switch (this.state) {
      case 0: {
        if (mode !== NEXT) return this.exitWith(mode, value);
        this.trace.push(`sleep ${this.ms} at ${this.now()}`);
        const result = delegate(fiber, this, sleep(this.ms, this.value));
        if (result === SUSPEND) {
          this.state = 1;
          return SUSPEND;
        }
        mode = NEXT;
        value = result;
      }
      // falls through
      case 1: {
        if (mode !== NEXT) return this.exitWith(mode, value);
        this.first = value as string;
        this.trace.push(`woke with ${this.first} at ${this.now()}`);
        const result = delegate(fiber, this, sleep(0, `${this.first}!`));
        if (result === SUSPEND) {
          this.state = 2;
          return SUSPEND;
        }
        mode = NEXT;
        value = result;
      }
      // falls through
      case 2: {
        if (mode !== NEXT) return this.exitWith(mode, value);
        const second = value as string;
        this.trace.push(`woke with ${second} at ${this.now()}`);
        this.state = STATE_DONE;
        return second;
      }
      default:
        return this.exitWith(mode, value);
    }
  }
}
interface Sleeper$Frame extends Frame<string> {}
linkFrameClass(Sleeper$Frame);

/**
 * try/catch/finally. Labels: 1–3 the try block, 4–5 the catch block, 6–7 the finally block, 8 after.
 * A completion that must pass through `finally` waits in `completion`/`completionValue` (its kind is a
 * ResumeMode: NEXT for "carry on after the statement", THROW, RETURN); the end of `finally` resumes it.
 * An abrupt completion inside `finally` (a throw, or THROW/RETURN at its yield) replaces it, as in JS.
 */
class Guarded$Frame {
  state = 0;
  caller: Frame | null = null;
  private value: string | undefined = undefined;
  private caught: unknown = undefined;
  private completion: ResumeMode = NEXT;
  private completionValue: unknown = undefined;
  constructor(
    private readonly trace: string[],
    private readonly future: Future<string>,
    private readonly yieldLabels: boolean,
  ) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown): string | Suspend {
    for (;;) {
      try {
        switch (this.state) {
          case 0:
            if (mode !== NEXT) return this.exitWith(mode, value);
            this.state = 1; // enter the try region
          // falls through
          case 1: {
            this.trace.push('try');
            const result = delegate(fiber, this, this.future);
            if (result === SUSPEND) {
              this.state = 2;
              return SUSPEND;
            }
            mode = NEXT;
            value = result;
          }
          // falls through
          case 2:
            if (mode !== NEXT) {
              if (mode === THROW) throw value;
              this.completion = RETURN; // `return value` through the finally
              this.completionValue = value;
              this.state = 6;
              continue;
            }
            this.value = value as string;
            this.trace.push(`got ${this.value}`);
            if (this.value === 'return') {
              this.completion = RETURN;
              this.completionValue = 'early';
              this.state = 6;
              continue;
            }
            if (this.value === 'throw') throw new Error('boom');
            fiber.top = this;
            fiber.signal = YIELDED;
            fiber.yielded = this.yieldLabels ? 'in try' : undefined;
            this.state = 3;
            return SUSPEND;
          case 3:
            if (mode !== NEXT) {
              if (mode === THROW) throw value;
              this.completion = RETURN;
              this.completionValue = value;
              this.state = 6;
              continue;
            }
            this.trace.push(`try got ${String(value)}`);
            this.completion = NEXT; // the try block ended normally
            this.state = 6;
            continue;
          case 4:
            // catch (error): entered from the region table with the error in `caught`.
            this.trace.push(`catch ${String(this.caught)}`);
            this.caught = undefined;
            fiber.top = this;
            fiber.signal = YIELDED;
            fiber.yielded = this.yieldLabels ? 'in catch' : undefined;
            this.state = 5;
            return SUSPEND;
          case 5:
            if (mode !== NEXT) {
              if (mode === THROW) throw value;
              this.completion = RETURN;
              this.completionValue = value;
              this.state = 6;
              continue;
            }
            this.trace.push(`catch got ${String(value)}`);
            this.completion = NEXT;
            this.state = 6;
            continue;
          case 6:
            // finally: outside every region, so a throw here replaces the pending completion.
            this.trace.push('finally');
            fiber.top = this;
            fiber.signal = YIELDED;
            fiber.yielded = this.yieldLabels ? 'in finally' : undefined;
            this.state = 7;
            return SUSPEND;
          case 7: {
            if (mode !== NEXT) {
              this.completionValue = undefined;
              return this.exitWith(mode, value);
            }
            this.trace.push(`finally got ${String(value)}`);
            // End of finally: resume the pending completion.
            const completion = this.completion;
            const completionValue = this.completionValue;
            this.completion = NEXT;
            this.completionValue = undefined;
            if (completion !== NEXT) return this.exitWith(completion, completionValue);
            this.state = 8;
            continue;
          }
          case 8:
            this.state = STATE_DONE;
            return 'end';
          default:
            return this.exitWith(mode, value);
        }
      } catch (error) {
        // Region table, keyed by the state the throw came from.
        switch (this.state) {
          case 1:
          case 2:
          case 3: // try → catch
            this.caught = error;
            this.state = 4;
            mode = NEXT;
            continue;
          case 4:
          case 5: // catch → finally, the throw pending
            this.completion = THROW;
            this.completionValue = error;
            this.state = 6;
            mode = NEXT;
            continue;
          default:
            this.state = STATE_DONE;
            throw error;
        }
      }
    }
  }
}
interface Guarded$Frame extends Frame<string> {}
linkFrameClass(Guarded$Frame);

class Chain$Frame {
  state = 0;
  caller: Frame | null = null;
  private i = 0;
  constructor(
    private readonly depth: number,
    private readonly leafYields: number,
  ) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown, budget: number): number | Suspend {
    stepCounts.chain++;
    for (;;) {
      switch (this.state) {
        case 0: {
          if (mode !== NEXT) return this.exitWith(mode, value);
          if (this.depth === 0) {
            this.i = 0;
            this.state = 2;
            continue;
          }
          // const below = yield* chain(depth - 1, leafYields)
          const child = frames.chain(this.depth - 1, this.leafYields);
          let result: unknown;
          if (isFrame(child) && budget > 0) {
            result = child.step(fiber, NEXT, undefined, budget - 1);
            if (result === SUSPEND) {
              child.caller = this;
              this.state = 1;
              return SUSPEND;
            }
          } else {
            result = delegate(fiber, this, child);
            if (result === SUSPEND) {
              this.state = 1;
              return SUSPEND;
            }
          }
          mode = NEXT;
          value = result;
        }
        // falls through: the call's resume label
        case 1:
          if (mode !== NEXT) return this.exitWith(mode, value);
          this.state = STATE_DONE;
          return (value as number) + 1;
        case 2:
          // the leaf's loop head
          if (!(this.i < this.leafYields)) {
            this.state = STATE_DONE;
            return 0;
          }
          fiber.top = this;
          fiber.signal = YIELDED;
          fiber.yielded = undefined;
          this.state = 3;
          return SUSPEND;
        case 3:
          if (mode !== NEXT) return this.exitWith(mode, value);
          this.i++;
          this.state = 2;
          continue;
        default:
          return this.exitWith(mode, value);
      }
    }
  }
}
interface Chain$Frame extends Frame<number> {}
linkFrameClass(Chain$Frame);

class Delegator$Frame {
  state = 0;
  caller: Frame | null = null;
  constructor(
    private readonly trace: string[],
    private readonly target: unknown,
  ) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown, budget: number): unknown {
    switch (this.state) {
      case 0: {
        if (mode !== NEXT) return this.exitWith(mode, value);
        this.trace.push('delegating');
        // `yield* <any expression>`: the hybrid call if it is a frame, `delegate` for the rest.
        const child = this.target;
        let result: unknown;
        if (isFrame(child) && budget > 0) {
          result = child.step(fiber, NEXT, undefined, budget - 1);
          if (result === SUSPEND) {
            child.caller = this;
            this.state = 1;
            return SUSPEND;
          }
        } else {
          result = delegate(fiber, this, child);
          if (result === SUSPEND) {
            this.state = 1;
            return SUSPEND;
          }
        }
        mode = NEXT;
        value = result;
      }
      // falls through
      case 1:
        if (mode !== NEXT) return this.exitWith(mode, value);
        this.trace.push(`delegated result ${String(value)}`);
        this.state = STATE_DONE;
        return value;
      default:
        return this.exitWith(mode, value);
    }
  }
}
interface Delegator$Frame extends Frame<unknown> {}
linkFrameClass(Delegator$Frame);

class Reentrant$Frame {
  state = 0;
  caller: Frame | null = null;
  constructor(
    private readonly trace: string[],
    private readonly self: { generator: Generator<unknown, unknown, unknown> | null },
  ) {
  }

  step(fiber: Fiber, mode: ResumeMode, value: unknown): unknown {
    for (;;) {
      try {
        switch (this.state) {
          case 0:
            if (mode !== NEXT) return this.exitWith(mode, value);
            this.state = 1; // enter the try region
          // falls through
          case 1:
            this.self.generator?.next();
            this.trace.push('re-entered');
            this.state = 3;
            continue;
          case 2:
            // catch (error)
            this.trace.push(`re-entry threw ${(value as Error).name}`);
          // falls through
          case 3:
            fiber.top = this;
            fiber.signal = YIELDED;
            fiber.yielded = 'after';
            this.state = 4;
            return SUSPEND;
          case 4:
            if (mode !== NEXT) return this.exitWith(mode, value);
            this.state = STATE_DONE;
            return value;
          default:
            return this.exitWith(mode, value);
        }
      } catch (error) {
        if (this.state === 1) {
          this.state = 2;
          mode = NEXT;
          value = error;
          continue;
        }
        this.state = STATE_DONE;
        throw error;
      }
    }
  }
}
interface Reentrant$Frame extends Frame<unknown> {}
linkFrameClass(Reentrant$Frame);

export const frames: Coroutines = {
  ticker: (trace, name, count, yieldValues) => new Ticker$Frame(trace, name, count, yieldValues),
  addOne: (trace, x) => new AddOne$Frame(trace, x),
  pauseThenAdd: (trace, x) => new PauseThenAdd$Frame(trace, x),
  failing: (trace, pauseFirst) => new Failing$Frame(trace, pauseFirst),
  calls: (trace, rounds) => new Calls$Frame(trace, rounds),
  awaitFuture: (trace, future) => new AwaitFuture$Frame(trace, future),
  sleeper: (trace, now, ms, value) => new Sleeper$Frame(trace, now, ms, value),
  guarded: (trace, future, yieldLabels) => new Guarded$Frame(trace, future, yieldLabels),
  chain: (depth, leafYields) => new Chain$Frame(depth, leafYields),
  delegator: (trace, target) => new Delegator$Frame(trace, target),
  reentrant: (trace, self) => new Reentrant$Frame(trace, self),
};
