/**
 * The coroutines the debug tests inspect, twice: native generators, and frames written by hand as the
 * transformer is to emit them, each class with the static debug table the transformer is to emit
 * (protocol.ts, "Debug metadata"). The tables point at the native sources below (the `.ts` the
 * compiled code came from), found by their marker comments, so a test can say which line it expects.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Coroutine } from '../../runtime/coroutine.js';
import type { CoroutineFrameInfo, FrameDebugTable } from '../../runtime/debug/frame-info.js';
import { delegate } from '../../runtime/delegate.js';
import type { Fiber } from '../../runtime/fiber.js';
import { isFrame, linkFrameClass, type Frame } from '../../runtime/frame.js';
import type { Future } from '../../runtime/future.js';
import { NEXT, STATE_DONE, SUSPEND, type ResumeMode } from '../../runtime/protocol.js';
import { currentTask } from '../../runtime/run.js';

export const SOURCE_FILE = 'test/debug/coroutines.ts';
const sourceLines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');

/** [line, column] (1-based) of `needle` on the line carrying `// marker`. */
export function positionOf(marker: string, needle: string): [number, number] {
  const index = sourceLines.findIndex((line) => line.includes(`// ${marker}`));
  if (index < 0) throw new Error(`no marker ${marker}`);
  const column = sourceLines[index]!.indexOf(needle);
  if (column < 0) throw new Error(`no ${needle} on the ${marker} line`);
  return [index + 1, column + 1];
}

/** [line, column] (1-based) of `needle` on the first line of the file at `fileUrl` that contains `lineText`. */
export function positionIn(fileUrl: string, lineText: string, needle: string): [number, number] {
  const lines = readFileSync(fileURLToPath(fileUrl), 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(lineText));
  if (index < 0 || !lines[index]!.includes(needle)) throw new Error(`no ${needle} on a line with ${lineText}`);
  return [index + 1, lines[index]!.indexOf(needle) + 1];
}

export interface DebugCoroutines {
  /** Waits on `future` and returns its result (or throws its error). */
  leaf(future: Future<string>): Coroutine<string>;
  /** `yield*` into itself `depth` times, then into `leaf`. */
  level(depth: number, future: Future<string>): Coroutine<string>;
  /** outer -> middle -> leaf: three distinct names. */
  outer(future: Future<string>): Coroutine<string>;
  middle(future: Future<string>): Coroutine<string>;
}

// ---------------------------------------------------------------------------------------------------
// Native sources.

export const natives: DebugCoroutines = {
  *leaf(future) { // LEAF_START
    const value = yield* future; // LEAF_AWAIT
    return value;
  },
  *level(depth, future) { // LEVEL_START
    if (depth === 0) return yield* natives.leaf(future); // LEVEL_TO_LEAF
    return yield* natives.level(depth - 1, future); // LEVEL_CALL
  },
  *outer(future) { // OUTER_START
    const value = yield* natives.middle(future); // OUTER_CALL
    return `outer(${value})`;
  },
  *middle(future) { // MIDDLE_START
    const value = yield* natives.leaf(future); // MIDDLE_CALL
    return `middle(${value})`;
  },
};

/**
 * Chains that end in a throw inside a coroutine: `relay(depth, leaf)` calls itself `depth` times and
 * then `leaf()`. Compiled in the compiled project (frames with the transformer's tables), native in the other.
 */
export const throwing = {
  /** Waits for a message, then throws an Error with it. */
  *raise(future: Future<string>): Coroutine<never> { // RAISE_START
    const message = yield* future; // RAISE_AWAIT
    throw new Error(message); // RAISE_THROW
  },
  /** Throws on its first step, before any suspension. */
  *raiseNow(message: string): Coroutine<never> { // RAISE_NOW_START
    if (message !== '') throw new Error(message); // RAISE_NOW_THROW
    return yield* throwing.raiseNow('empty'); // never
  },
  *relay(depth: number, leaf: () => Coroutine<never>): Coroutine<never> { // RELAY_START
    if (depth === 0) return yield* leaf(); // RELAY_TO_LEAF
    return yield* throwing.relay(depth - 1, leaf); // RELAY_CALL
  },
};

/**
 * A chain that looks at its own task's stack from its innermost coroutine, before anything suspended:
 * compiled, every `yield*` here is a synchronous hybrid call.
 */
export const inspecting = {
  *here(): Coroutine<CoroutineFrameInfo[]> { // HERE_START
    return currentTask()!.getStack();
  },
  *via(depth: number): Coroutine<CoroutineFrameInfo[]> { // VIA_START
    if (depth === 0) return yield* inspecting.here(); // VIA_TO_HERE
    return yield* inspecting.via(depth - 1); // VIA_CALL
  },
};

// ---------------------------------------------------------------------------------------------------
// Hand-compiled frames (resume label 1 is the one suspension of each).

function table(name: string, startMarker: string, resumeMarker: string, resumeNeedle: string): FrameDebugTable {
  return { name, file: SOURCE_FILE, positions: { 0: positionOf(startMarker, '*'), 1: positionOf(resumeMarker, resumeNeedle) } };
}

/** A `yield* child` with the hybrid call of protocol.ts; returns the value or SUSPEND (label 1 set). */
function call(fiber: Fiber, budget: number, frame: Frame, child: Coroutine<unknown>): unknown {
  let result: unknown;
  if (isFrame(child) && budget > 0) {
    result = child.step(fiber, NEXT, undefined, budget - 1);
    if (result === SUSPEND) {
      child.caller = frame;
      frame.state = 1;
    }
  } else {
    result = delegate(fiber, frame, child);
    if (result === SUSPEND) frame.state = 1;
  }
  return result;
}

class Leaf$Frame {
  state = 0;
  caller: Frame | null = null;
  constructor(readonly future: Future<string>) {}
  static debug: FrameDebugTable = table('leaf', 'LEAF_START', 'LEAF_AWAIT', 'yield*');
  step(fiber: Fiber, mode: ResumeMode, value: unknown): unknown {
    switch (this.state) {
      case 0: {
        if (mode !== NEXT) return this.exitWith(mode, value);
        const result = delegate(fiber, this, this.future);
        if (result === SUSPEND) {
          this.state = 1;
          return SUSPEND;
        }
        value = result;
        mode = NEXT;
      }
      // falls through
      case 1:
        if (mode !== NEXT) return this.exitWith(mode, value);
        this.state = STATE_DONE;
        return value;
      default:
        return this.exitWith(mode, value);
    }
  }
}
interface Leaf$Frame extends Frame<unknown> {}
linkFrameClass(Leaf$Frame);

/** A frame with one `yield* child()` and `return` of its value, mapped through `wrap`. */
function callerFrameClass(debug: FrameDebugTable, child: (self: { args: unknown[] }) => Coroutine<unknown>, wrap: (value: unknown) => unknown) {
  class Caller$Frame {
    state = 0;
    caller: Frame | null = null;
    readonly args: unknown[];
    constructor(...args: unknown[]) {
      this.args = args;
    }
    static debug: FrameDebugTable = debug;
    step(fiber: Fiber, mode: ResumeMode, value: unknown, budget: number): unknown {
      switch (this.state) {
        case 0: {
          if (mode !== NEXT) return this.exitWith(mode, value);
          const result = call(fiber, budget, this, child(this));
          if (result === SUSPEND) return SUSPEND;
          value = result;
          mode = NEXT;
        }
        // falls through
        case 1:
          if (mode !== NEXT) return this.exitWith(mode, value);
          this.state = STATE_DONE;
          return wrap(value);
        default:
          return this.exitWith(mode, value);
      }
    }
  }
  interface Caller$Frame extends Frame<unknown> {}
  linkFrameClass(Caller$Frame);
  return Caller$Frame;
}

const Level$Frame = callerFrameClass(
  // Label 1 is either `yield*` of the function (one label per suspension site in real output; one here).
  table('level', 'LEVEL_START', 'LEVEL_CALL', 'yield*'),
  (self) => {
    const [depth, future] = self.args as [number, Future<string>];
    return depth === 0 ? frames.leaf(future) : frames.level(depth - 1, future);
  },
  (value) => value,
);
const Middle$Frame = callerFrameClass(table('middle', 'MIDDLE_START', 'MIDDLE_CALL', 'yield*'), (self) => frames.leaf(self.args[0] as Future<string>), (value) => `middle(${String(value)})`);
const Mixed$Frame = callerFrameClass(table('mixed', 'MIDDLE_START', 'MIDDLE_CALL', 'yield*'), (self) => natives.leaf(self.args[0] as Future<string>), (value) => value);
/** A compiled frame whose `yield*` goes into a native generator (through delegate's IteratorFrame). */
export const mixed = (future: Future<string>): Coroutine<string> => new Mixed$Frame(future) as unknown as Coroutine<string>;
const Outer$Frame = callerFrameClass(table('outer', 'OUTER_START', 'OUTER_CALL', 'yield*'), (self) => frames.middle(self.args[0] as Future<string>), (value) => `outer(${String(value)})`);

export const frames: DebugCoroutines = {
  leaf: (future) => new Leaf$Frame(future) as unknown as Coroutine<string>,
  level: (depth, future) => new Level$Frame(depth, future) as unknown as Coroutine<string>,
  outer: (future) => new Outer$Frame(future) as unknown as Coroutine<string>,
  middle: (future) => new Middle$Frame(future) as unknown as Coroutine<string>,
};

/** A frame class with no debug table: named after its class. */
class Plain$Frame {
  state = 0;
  caller: Frame | null = null;
  step(fiber: Fiber, mode: ResumeMode, value: unknown): unknown {
    if (mode !== NEXT || this.state !== 0) return this.exitWith(mode, value);
    this.state = 1;
    fiber.top = this;
    fiber.signal = 0;
    fiber.yielded = undefined;
    return SUSPEND;
  }
}
interface Plain$Frame extends Frame<unknown> {}
linkFrameClass(Plain$Frame);
export const plainFrame = (): Coroutine<unknown> => new Plain$Frame() as unknown as Coroutine<unknown>;
