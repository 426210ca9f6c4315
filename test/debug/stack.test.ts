import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, inject, it } from 'vitest';
import { coroutine, type Coroutine } from '../../runtime/coroutine.js';
import { coroutineChainOf } from '../../runtime/debug/chain.js';
import { describeFrame, describeRecorded, recordFrame } from '../../runtime/debug/frame-info.js';
import { CancelledError } from '../../runtime/errors.js';
import type { Frame } from '../../runtime/frame.js';
import { IteratorFrame } from '../../runtime/iterator-frame.js';
import { EventLoop } from '../../runtime/loop.js';
import type { Future } from '../../runtime/future.js';
import { sleep } from '../../runtime/sleep.js';
import { SOURCE_FILE, frames, inspecting, mixed, natives, plainFrame, positionIn, positionOf, throwing, type DebugCoroutines } from './coroutines.js';

function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as unknown;
  if (typeof collect !== 'function') throw new Error('could not expose gc()');
  return collect as () => void;
}

/** In the compiled project the "native" test coroutines are compiled too: frames with the transformer's tables. */
const compiledCoroutines = inject('compiledCoroutines');
const TEST_FILE = 'test/debug/stack.test.ts';

/** The chain of `depth` coroutines: 1 = leaf, 3 = outer -> middle -> leaf, n = level(n - 2) ... level(0) -> leaf. */
function chainOf(impl: DebugCoroutines, depth: number, future: Future<string>): Coroutine<string> {
  if (depth === 1) return impl.leaf(future);
  if (depth === 3) return impl.outer(future);
  return impl.level(depth - 2, future);
}

/** The expected stack of a compiled chain, outermost first. */
function expectedFrames(depth: number, emitted = false): { name: string; file: string; line: number; column: number; kind: 'frame' }[] {
  const entry = (name: string, marker: string) => {
    const [line, column] = positionOf(marker, 'yield*');
    return { name, file: SOURCE_FILE, line, column, kind: 'frame' as const };
  };
  const leaf = entry('leaf', 'LEAF_AWAIT');
  if (depth === 1) return [leaf];
  if (depth === 3) return [entry('outer', 'OUTER_CALL'), entry('middle', 'MIDDLE_CALL'), leaf];
  // The transformer gives each `yield*` its label: level(0) waits at its own (the hand-written table has one).
  const innermost = emitted ? entry('level', 'LEVEL_TO_LEAF') : entry('level', 'LEVEL_CALL');
  return [...Array.from({ length: depth - 2 }, () => entry('level', 'LEVEL_CALL')), innermost, leaf];
}

function startChain(impl: DebugCoroutines, depth: number) {
  const loop = new EventLoop({ clock: 'virtual' });
  loop.setExceptionHandler(() => {});
  const future = loop.createFuture<string>();
  const task = loop.createTask(chainOf(impl, depth, future), { name: `chain-${depth}` });
  loop.runOnce();
  return { loop, future, task };
}

/** Runs the chain until its future fails; returns the error the task ended with. */
function failChain(impl: DebugCoroutines, depth: number): { error: Error; task: ReturnType<typeof startChain>['task'] } {
  const { loop, future, task } = startChain(impl, depth);
  const error = new Error(`boom at depth ${depth}`);
  future.setException(error);
  expect(() => loop.runUntilComplete(task)).toThrow(error);
  loop.close();
  return { error, task };
}

describe('Task.getStack of compiled frames (a debug table per frame class)', () => {
  for (const depth of [1, 3, 50]) {
    it(`a chain of ${depth}: names and .ts positions of each suspension, outermost first`, () => {
      const { loop, future, task } = startChain(frames, depth);
      expect(task.getStack()).toEqual(expectedFrames(depth));
      future.setResult('ok');
      loop.runUntilComplete(task);
      expect(task.getStack()).toEqual([]);
      loop.close();
    });
  }

  it('limit keeps the innermost coroutines (asyncio: the newest frames of a stack)', () => {
    const { task } = startChain(frames, 3);
    expect(task.getStack({ limit: 2 }).map((entry) => entry.name)).toEqual(['middle', 'leaf']);
    expect(task.getStack({ limit: 0 })).toEqual([]);
  });

  it('an unstarted task shows its coroutine at label 0: the function itself', () => {
    const loop = new EventLoop({ clock: 'virtual' });
    const task = loop.createTask(frames.outer(loop.createFuture()));
    const [line, column] = positionOf('OUTER_START', '*');
    expect(task.getStack()).toEqual([{ name: 'outer', file: SOURCE_FILE, line, column, kind: 'frame' }]);
    loop.close();
  });

  it('a frame class without a debug table is named after its class, without a position', () => {
    const loop = new EventLoop({ clock: 'virtual' });
    const task = loop.createTask(plainFrame());
    loop.runOnce();
    expect(task.getStack()).toEqual([{ name: 'Plain', kind: 'frame' }]);
    loop.close();
  });

  it('printStack: asyncio\'s format, one "File" line per coroutine', () => {
    const { task } = startChain(frames, 3);
    let text = '';
    task.printStack({ file: { write: (chunk: string) => (text += chunk) } });
    const [outerLine, outerColumn] = positionOf('OUTER_CALL', 'yield*');
    const [leafLine, leafColumn] = positionOf('LEAF_AWAIT', 'yield*');
    expect(text.split('\n')).toEqual([
      `Stack for <Task pending name='chain-3' coro=outer() -> leaf() at ${SOURCE_FILE}:${leafLine}:${leafColumn}> (most recent call last):`,
      `  File "${SOURCE_FILE}", line ${outerLine}, column ${outerColumn}, in outer`,
      expect.stringMatching(/^ {2}File ".*", line \d+, column \d+, in middle$/),
      `  File "${SOURCE_FILE}", line ${leafLine}, column ${leafColumn}, in leaf`,
      '',
    ]);
  });
});

describe('Task.getStack of native generators', () => {
  it('one entry for the generator the task drives (its inner yield* chain is inside V8): unnamed unless registered', () => {
    const { task } = startChain(natives, 3);
    // Compiled, the same sources are frames with the transformer's tables: the whole chain.
    expect(task.getStack()).toEqual(compiledCoroutines ? expectedFrames(3, true) : [{ name: '<generator>', kind: 'generator' }]);
  });

  it('coroutine(fn) names its generators', () => {
    const named = coroutine(function* fetchAll(future: Future<string>): Coroutine<string> {
      return yield* future; // FETCH_ALL_AWAIT
    });
    const loop = new EventLoop({ clock: 'virtual' });
    const task = loop.createTask(named(loop.createFuture()));
    loop.runOnce();
    const [line, column] = positionIn(import.meta.url, '// FETCH_ALL_AWAIT', 'yield*');
    expect(task.getStack()).toEqual(compiledCoroutines ? [{ name: 'fetchAll', file: TEST_FILE, line, column, kind: 'frame' }] : [{ name: 'fetchAll', kind: 'generator' }]);
    loop.close();
  });

  it('a compiled frame yield* a native generator: both, the generator innermost', () => {
    const loop = new EventLoop({ clock: 'virtual' });
    const future = loop.createFuture<string>();
    const task = loop.createTask(mixed(future));
    loop.runOnce();
    expect(task.getStack().map((entry) => [entry.name, entry.kind])).toEqual([
      ['mixed', 'frame'],
      compiledCoroutines ? ['leaf', 'frame'] : ['<generator>', 'generator'],
    ]);
    loop.close();
  });
});

describe('the coroutine chain of an error', () => {
  for (const depth of [1, 3, 50]) {
    it(`compiled, a chain of ${depth}: every coroutine it unwound through, innermost first, with the task's name`, () => {
      const { error, task } = failChain(frames, depth);
      const expected = expectedFrames(depth)
        .reverse()
        .map((entry) => ({ ...entry, task: `chain-${depth}` }));
      expect(coroutineChainOf(error)).toEqual(expected);
      const block = error.stack!.split('\n').filter((line) => line.startsWith('  in coroutine '));
      expect(block).toEqual(expected.map((entry) => `  in coroutine ${entry.name} (${entry.file}:${entry.line}:${entry.column}) [task chain-${depth}]`));
      // The block comes after the JS stack.
      expect(error.stack!.startsWith(`Error: boom at depth ${depth}\n    at `)).toBe(true);
      expect(task.getStack()).toEqual([...expected].reverse());
    });

    it(`native, a chain of ${depth}: the generator the task drives, with the task's name`, () => {
      const { error } = failChain(natives, depth);
      if (compiledCoroutines) {
        const expected = expectedFrames(depth, true)
          .reverse()
          .map((entry) => ({ ...entry, task: `chain-${depth}` }));
        expect(coroutineChainOf(error)).toEqual(expected);
        const outermost = expected.at(-1)!;
        expect(error.stack!.split('\n').at(-1)).toBe(`  in coroutine ${outermost.name} (${SOURCE_FILE}:${outermost.line}:${outermost.column}) [task chain-${depth}]`);
        return;
      }
      expect(coroutineChainOf(error)).toEqual([{ name: '<generator>', kind: 'generator', task: `chain-${depth}` }]);
      expect(error.stack!.split('\n').at(-1)).toBe(`  in generator <generator> [task chain-${depth}]`);
    });
  }

  it('a native error thrown after a resume: the JS stack has the generators, the chain names the task', () => {
    const loop = new EventLoop({ clock: 'virtual' });
    function* thrower(): Coroutine<never> {
      yield;
      throw new Error('from a generator'); // THROWER_THROW
    }
    const named = coroutine(function* runner(): Coroutine<never> {
      return yield* thrower(); // RUNNER_CALL
    });
    const task = loop.createTask(named(), { name: 'worker' });
    let caught: Error | undefined;
    try {
      loop.runUntilComplete(task);
    } catch (error) {
      caught = error as Error;
    }
    if (compiledCoroutines) {
      // Compiled: the frame class is named after the coroutine, the throw site source-mapped to the .ts;
      // runner is suspended, so not on the JS stack: the chain has it, at its yield*.
      const [throwLine] = positionIn(import.meta.url, '// THROWER_THROW', 'throw');
      const [line, column] = positionIn(import.meta.url, '// RUNNER_CALL', 'yield*');
      expect(caught?.stack).toMatch(new RegExp(`at thrower\\$Frame\\.step .*stack\\.test\\.ts:${throwLine}:`));
      expect(caught?.stack?.split('\n').at(-1)).toBe(`  in coroutine runner (${TEST_FILE}:${line}:${column}) [task worker]`);
      loop.close();
      return;
    }
    expect(caught?.stack).toMatch(/at thrower .*stack\.test\.ts/);
    expect(caught?.stack).toMatch(/at runner .*stack\.test\.ts/);
    expect(caught?.stack?.split('\n').at(-1)).toBe('  in generator runner [task worker]');
    loop.close();
  });

  it('printStack of a failed task: its traceback and the error', () => {
    const { task } = failChain(frames, 3);
    let text = '';
    task.printStack({ file: { write: (chunk: string) => (text += chunk) } });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe("Traceback for <Task finished (exception) name='chain-3'> (most recent call last):");
    expect(lines.slice(1, 4).map((line) => line.replace(/, line \d+, column \d+/, ''))).toEqual([
      `  File "${SOURCE_FILE}", in outer`,
      `  File "${SOURCE_FILE}", in middle`,
      `  File "${SOURCE_FILE}", in leaf`,
    ]);
    expect(lines[4]).toBe('Error: boom at depth 3');
  });

  it('a task awaiting a failed task: the chains of both, each with its task', () => {
    const loop = new EventLoop({ clock: 'virtual' });
    const future = loop.createFuture<string>();
    const inner = loop.createTask(frames.outer(future), { name: 'inner' });
    const outer = loop.createTask(frames.leaf(inner as Future<string>), { name: 'awaiter' });
    loop.runOnce();
    const error = new Error('deep');
    future.setException(error);
    expect(() => loop.runUntilComplete(outer)).toThrow(error);
    expect(coroutineChainOf(error).map((entry) => `${entry.name}@${entry.task}`)).toEqual(['leaf@inner', 'middle@inner', 'outer@inner', 'leaf@awaiter']);
    loop.close();
  });

  it("a generator's yield* into compiled frames (their own driver): the frames, tagged with the task, inside the generator", () => {
    const loop = new EventLoop({ clock: 'virtual' });
    const future = loop.createFuture<string>();
    const inner = frames.outer(future);
    // What a native generator's `yield* inner` does, written out so that it stays one in the compiled
    // project too: V8 drives the frame through its Generator face.
    const forwarding: Coroutine<string> = {
      next: (value?: unknown) => inner.next(value),
      throw: (error: unknown) => inner.throw(error),
      return: (value: string) => inner.return(value),
      [Symbol.iterator]() {
        return this;
      },
    } as Coroutine<string>;
    const task = loop.createTask(forwarding, { name: 'mixed' });
    loop.runOnce();
    const error = new Error('through a generator');
    future.setException(error);
    expect(() => loop.runUntilComplete(task)).toThrow(error);
    loop.close();
    // The frames' own driver has no task; they ran inside the step of `mixed`.
    expect(coroutineChainOf(error).map((entry) => `${entry.name}@${entry.task}`)).toEqual(['leaf@mixed', 'middle@mixed', 'outer@mixed', '<generator>@mixed']);
  });

  it('an error keeps its chain as descriptions, not the frames it went through', async () => {
    const setup = (): { error: Error; root: WeakRef<object> } => {
      const loop = new EventLoop({ clock: 'virtual' });
      loop.setExceptionHandler(() => {});
      const future = loop.createFuture<string>();
      const coro = frames.outer(future);
      const task = loop.createTask(coro);
      loop.runOnce();
      const error = new Error('kept');
      future.setException(error);
      expect(() => loop.runUntilComplete(task)).toThrow(error);
      loop.close();
      return { error, root: new WeakRef(coro) };
    };
    const { error, root } = setup();
    const collect = exposeGc();
    for (let turn = 0; turn < 5 && root.deref() !== undefined; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      collect();
    }
    expect(root.deref()).toBeUndefined();
    expect(coroutineChainOf(error).map((entry) => entry.name)).toEqual(['leaf', 'middle', 'outer']);
  });

  it('a thrown non-Error object gets a chain but no stack; a primitive gets neither', () => {
    const loop = new EventLoop({ clock: 'virtual' });
    const future = loop.createFuture<string>();
    const task = loop.createTask(frames.outer(future));
    loop.runOnce();
    const thrown = { code: 7 };
    future.setException(thrown);
    expect(() => loop.runUntilComplete(task)).toThrow();
    expect(coroutineChainOf(thrown).map((entry) => entry.name)).toEqual(['leaf', 'middle', 'outer']);
    expect(Object.keys(thrown)).toEqual(['code']);
    expect(coroutineChainOf(42)).toEqual([]);
    loop.close();
  });
});

describe('a throw inside a chain of coroutines (compiled in the compiled project)', () => {
  /** relay(depth - 2) ... relay(0) -> leaf: `depth` coroutines in all. */
  const chain = (depth: number, leaf: () => Coroutine<never>): Coroutine<never> => (depth === 1 ? leaf() : throwing.relay(depth - 2, leaf));
  /** Outermost first, as getStack lists them: the relays at their yield*, the leaf at `leafAt`. */
  const suspendedAt = (depth: number, leafMarker: string): { name: string; file: string; line: number; column: number; kind: 'frame' }[] => {
    const entry = (name: string, marker: string) => {
      const [line, column] = positionOf(marker, 'yield*');
      return { name, file: SOURCE_FILE, line, column, kind: 'frame' as const };
    };
    if (depth === 1) return [entry('raise', leafMarker)];
    return [...Array.from({ length: depth - 2 }, () => entry('relay', 'RELAY_CALL')), entry('relay', 'RELAY_TO_LEAF'), entry('raise', leafMarker)];
  };

  for (const depth of [1, 3, 50]) {
    it(`after a resume, at depth ${depth}: getStack while suspended, then the chain and error.stack with the throw site`, () => {
      const loop = new EventLoop({ clock: 'virtual' });
      loop.setExceptionHandler(() => {});
      const future = loop.createFuture<string>();
      const task = loop.createTask(chain(depth, () => throwing.raise(future)), { name: `thrower-${depth}` });
      loop.runOnce();
      const stack = suspendedAt(depth, 'RAISE_AWAIT');
      if (compiledCoroutines) expect(task.getStack()).toEqual(stack);
      else expect(task.getStack()).toEqual([{ name: '<generator>', kind: 'generator' }]);
      future.setResult(`thrown at depth ${depth}`);
      let error: Error | undefined;
      try {
        loop.runUntilComplete(task);
      } catch (thrown) {
        error = thrown as Error;
      }
      loop.close();
      expect(error?.message).toBe(`thrown at depth ${depth}`);
      const [throwLine, throwColumn] = positionOf('RAISE_THROW', 'new Error');
      const lines = error!.stack!.split('\n');
      if (!compiledCoroutines) {
        expect(lines[1]).toMatch(/coroutines\.ts/);
        expect(coroutineChainOf(error)).toEqual([{ name: '<generator>', kind: 'generator', task: `thrower-${depth}` }]);
        return;
      }
      // The top JS frame: the frame class named after the coroutine, at the .ts line and column of the throw.
      expect(lines[1]).toMatch(new RegExp(`^    at raise\\$Frame\\.step \\(.*test/debug/coroutines\\.ts:${throwLine}:${throwColumn}\\)$`));
      // The chain: raise where it threw (the JS stack has the position), then every caller at its yield*.
      const expected = stack.reverse().map((entry, i) => (i === 0 ? { name: entry.name, file: entry.file, kind: entry.kind } : entry));
      expect(coroutineChainOf(error)).toEqual(expected.map((entry) => ({ ...entry, task: `thrower-${depth}` })));
      const block = lines.filter((line) => line.startsWith('  in coroutine '));
      expect(block).toEqual(
        expected.map((entry) => `  in coroutine ${entry.name} (${entry.file}${'line' in entry ? `:${entry.line}:${entry.column}` : ''}) [task thrower-${depth}]`),
      );
      // The failed task's traceback: the same coroutines, outermost first.
      expect(task.getStack().map((entry) => entry.name)).toEqual(stack.map((entry) => entry.name).reverse());
    });
  }

  for (const depth of [1, 3, 50]) {
    it(`on the first step, at depth ${depth}: every coroutine is on the JS stack, by name (V8 keeps 10 frames)`, () => {
      const loop = new EventLoop({ clock: 'virtual' });
      const task = loop.createTask(chain(depth, () => throwing.raiseNow(`now at ${depth}`)), { name: `now-${depth}` });
      let error: Error | undefined;
      try {
        loop.runUntilComplete(task);
      } catch (thrown) {
        error = thrown as Error;
      }
      loop.close();
      expect(error?.message).toBe(`now at ${depth}`);
      const frames = error!.stack!.split('\n').filter((line) => line.startsWith('    at '));
      if (!compiledCoroutines) {
        expect(frames[0]).toMatch(/raiseNow .*coroutines\.ts/);
        return;
      }
      const [throwLine, throwColumn] = positionOf('RAISE_NOW_THROW', 'new Error');
      expect(frames[0]).toMatch(new RegExp(`^    at raiseNow\\$Frame\\.step \\(.*test/debug/coroutines\\.ts:${throwLine}:${throwColumn}\\)$`));
      // A caller on the JS stack is at its `yield*` (the call of the child's step is mapped there).
      const [relayLine, relayColumn] = positionOf('RELAY_TO_LEAF', 'yield*');
      if (depth > 1) expect(frames[1]).toMatch(new RegExp(`^    at relay\\$Frame\\.step \\(.*test/debug/coroutines\\.ts:${relayLine}:${relayColumn}\\)$`));
      const relays = frames.filter((line) => line.includes('at relay$Frame.step')).length;
      expect(relays).toBe(Math.min(depth - 1, Error.stackTraceLimit - 1));
      // Synchronous calls are not linked yet: the chain names the coroutine the task stepped.
      expect(coroutineChainOf(error).map((entry) => `${entry.name}@${entry.task}`)).toEqual([`${depth === 1 ? 'raiseNow' : 'relay'}@now-${depth}`]);
    });
  }
});

describe('frames called synchronously (the hybrid call links a child only when it suspends)', () => {
  const at = (name: string, marker: string) => {
    const [line, column] = positionOf(marker, 'yield*');
    return { name, file: SOURCE_FILE, line, column, kind: 'frame' as const };
  };
  /** What a running frame shows: its name and file, no position (its label is in a local of `step`). */
  const running = (name: string) => ({ name, file: SOURCE_FILE, kind: 'frame' as const });

  function stackFromInside(depth: number, debug: boolean) {
    const loop = new EventLoop({ clock: 'virtual', debug });
    const stack = loop.runUntilComplete(loop.createTask(inspecting.via(depth)));
    loop.close();
    return stack;
  }

  for (const depth of [0, 2, 48]) {
    it(`getStack from inside, ${depth + 2} deep, debug off: the coroutine the task stepped, running`, () => {
      expect(stackFromInside(depth, false)).toEqual(compiledCoroutines ? [running('via')] : [{ name: '<generator>', kind: 'generator' }]);
    });

    it(`getStack from inside, ${depth + 2} deep, debug on: every caller at its yield*, the innermost running`, () => {
      const expected = [...Array.from({ length: depth }, () => at('via', 'VIA_CALL')), at('via', 'VIA_TO_HERE'), running('here')];
      // Native: the generator the task drives, named in debug mode (through the inspector).
      expect(stackFromInside(depth, true)).toEqual(compiledCoroutines ? expected : [{ name: 'via', kind: 'generator' }]);
    });
  }

  /** relay(depth - 2) ... relay(0) -> raiseNow: `depth` coroutines, the innermost throwing on its first step. */
  function throwNow(depth: number, debug: boolean): Error {
    const loop = new EventLoop({ clock: 'virtual', debug });
    loop.setExceptionHandler(() => {});
    const leaf = () => throwing.raiseNow(`now at ${depth}`);
    const task = loop.createTask(depth === 1 ? leaf() : throwing.relay(depth - 2, leaf), { name: `now-${depth}` });
    let error: Error | undefined;
    try {
      loop.runUntilComplete(task);
    } catch (thrown) {
      error = thrown as Error;
    }
    loop.close();
    expect(error?.message).toBe(`now at ${depth}`);
    return error!;
  }

  for (const depth of [1, 3, 50]) {
    it(`a throw on the first step, ${depth} deep, debug on: the chain has every coroutine, callers at their yield*`, () => {
      const error = throwNow(depth, true);
      const task = `now-${depth}`;
      if (!compiledCoroutines) {
        // Native: the yield* chain is inside V8; its generators are on the JS stack (stackTraceLimit
        // frames); the chain has the one the task drives, named in debug mode.
        expect(coroutineChainOf(error)).toEqual([{ name: depth === 1 ? 'raiseNow' : 'relay', kind: 'generator', task }]);
        expect(error.stack!.split('\n')[1]).toMatch(/at (Object\.)?raiseNow .*coroutines\.ts/);
        return;
      }
      const callers = depth === 1 ? [] : [at('relay', 'RELAY_TO_LEAF'), ...Array.from({ length: depth - 2 }, () => at('relay', 'RELAY_CALL'))];
      const expected: { name: string; file: string; line?: number; column?: number; kind: 'frame'; task: string }[] = [running('raiseNow'), ...callers].map((entry) => ({ ...entry, task }));
      expect(coroutineChainOf(error)).toEqual(expected);
      const block = error.stack!.split('\n').filter((line) => line.startsWith('  in coroutine '));
      expect(block).toEqual(expected.map((entry) => `  in coroutine ${entry.name} (${entry.file}${entry.line !== undefined ? `:${entry.line}:${entry.column}` : ''}) [task ${task}]`));
      // The JS stack still starts at the throw, by name and .ts position.
      const [throwLine, throwColumn] = positionOf('RAISE_NOW_THROW', 'new Error');
      expect(error.stack!.split('\n')[1]).toMatch(new RegExp(`^    at raiseNow\\$Frame\\.step \\(.*test/debug/coroutines\\.ts:${throwLine}:${throwColumn}\\)$`));
    });
  }

  it('hand-written frames, a future failed before the chain starts: debug off names the root; debug on the whole chain', () => {
    const chainOfError = (debug: boolean) => {
      const loop = new EventLoop({ clock: 'virtual', debug });
      loop.setExceptionHandler(() => {});
      const future = loop.createFuture<string>();
      const error = new Error('already failed');
      future.setException(error);
      const task = loop.createTask(frames.outer(future), { name: 'sync' });
      expect(() => loop.runUntilComplete(task)).toThrow(error);
      loop.close();
      return coroutineChainOf(error).map((entry) => ({ ...entry }));
    };
    expect(chainOfError(false)).toEqual([{ ...running('outer'), task: 'sync' }]);
    expect(chainOfError(true)).toEqual([running('leaf'), at('middle', 'MIDDLE_CALL'), at('outer', 'OUTER_CALL')].map((entry) => ({ ...entry, task: 'sync' })));
  });

  it('debug mode changes no result or order of events: a chain of synchronous calls and suspensions', () => {
    const runBoth = (debug: boolean) => {
      const loop = new EventLoop({ clock: 'virtual', debug });
      const log: string[] = [];
      const future = loop.createFuture<string>();
      const a = loop.createTask(frames.outer(future), { name: 'a' });
      const done = loop.createFuture<string>();
      done.setResult('now');
      const b = loop.createTask(frames.level(5, done), { name: 'b' });
      a.addDoneCallback(() => log.push(`a ${a.result()}`));
      b.addDoneCallback(() => log.push(`b ${b.result()}`));
      loop.callSoon(() => future.setResult('later'));
      loop.runUntilComplete(a);
      // a's done callback runs on the next turn.
      loop.runOnce();
      loop.close();
      return log;
    };
    expect(runBoth(true)).toEqual(runBoth(false));
    expect(runBoth(false)).toEqual(['b now', 'a outer(middle(later))']);
  });
});

describe('native generators in debug mode: named through the inspector', () => {
  // Made by Function, so that they stay native generators in the compiled project too.
  const nativeFetch = new Function('return function* nativeFetch(future) { return yield* future; }')() as (future: Future<string>) => Coroutine<string>;
  const anonymous = new Function('return function* () { yield; }')() as () => Coroutine<void>;
  const nativeRelay = new Function('inner', 'return function* nativeRelay(future) { return yield* inner(future); }')(nativeFetch) as (future: Future<string>) => Coroutine<string>;

  it("a debug loop's task names the generator it drives; a normal loop's does not", () => {
    const stackOf = (debug: boolean, make: (future: Future<string>) => Coroutine<unknown>) => {
      const loop = new EventLoop({ clock: 'virtual', debug });
      const task = loop.createTask(make(loop.createFuture()));
      loop.runOnce();
      const stack = task.getStack();
      loop.close();
      return stack;
    };
    expect(stackOf(true, nativeFetch)).toEqual([{ name: 'nativeFetch', kind: 'generator' }]);
    expect(stackOf(false, nativeFetch)).toEqual([{ name: '<generator>', kind: 'generator' }]);
    // Only the outermost: the generators it delegates to are inside V8.
    expect(stackOf(true, nativeRelay)).toEqual([{ name: 'nativeRelay', kind: 'generator' }]);
    expect(stackOf(true, () => anonymous())).toEqual([{ name: '<generator>', kind: 'generator' }]);
  });

  it("an error's chain, the call graph and the task's repr name it too", () => {
    const loop = new EventLoop({ clock: 'virtual', debug: true });
    loop.setExceptionHandler(() => {});
    const future = loop.createFuture<string>();
    const task = loop.createTask(nativeRelay(future), { name: 'relayed' });
    loop.runOnce();
    let printed = '';
    task.printStack({ file: { write: (text: string) => (printed += text) } });
    expect(printed).toBe("Stack for <Task pending name='relayed' coro=nativeRelay()> (most recent call last):\n  in generator nativeRelay\n");
    const error = new Error('failed');
    future.setException(error);
    expect(() => loop.runUntilComplete(task)).toThrow(error);
    expect(coroutineChainOf(error)).toEqual([{ name: 'nativeRelay', kind: 'generator', task: 'relayed' }]);
    expect(error.stack!.split('\n').at(-1)).toBe('  in generator nativeRelay [task relayed]');
    loop.close();
  });
});

describe('the coroutine chain of a cancellation, and what a chain holds', () => {
  const napper = coroutine(function* napper(ms: number): Coroutine<void> {
    yield* sleep(ms); // NAPPER_SLEEP
  });
  const dozer = coroutine(function* dozer(ms: number): Coroutine<void> {
    yield* napper(ms); // DOZER_CALL
  });
  const at = (name: string, marker: string) => {
    const [line, column] = positionIn(import.meta.url, `// ${marker}`, 'yield*');
    return { name, file: TEST_FILE, line, column, kind: 'frame' as const };
  };

  /** Runs `coro` as a task named `name` for one tick, cancels it and runs it out: what it threw. */
  const thrownWhenCancelled = (coro: Coroutine<void>, name: string): unknown => {
    const loop = new EventLoop({ clock: 'virtual' });
    const task = loop.createTask(coro, { name });
    loop.runOnce();
    task.cancel();
    try {
      loop.runUntilComplete(task);
    } catch (thrown) {
      return thrown;
    } finally {
      loop.close();
    }
    throw new Error(`${name} was cancelled but did not throw`);
  };

  it('a task cancelled while it sleeps: its CancelledError has the chain, described anew at each read', () => {
    const error = thrownWhenCancelled(dozer(10), 'dozing');
    expect(error).toBeInstanceOf(CancelledError);
    const chain = coroutineChainOf(error);
    // Compiled: the sleeping frame (thrown into at its sleep), then its caller at its yield*.
    expect(chain).toEqual(
      compiledCoroutines
        ? [
            { ...at('napper', 'NAPPER_SLEEP'), task: 'dozing' },
            { ...at('dozer', 'DOZER_CALL'), task: 'dozing' },
          ]
        : [{ name: 'dozer', kind: 'generator', task: 'dozing' }],
    );
    const again = coroutineChainOf(error);
    expect(again).toEqual(chain);
    expect(again[0]).not.toBe(chain[0]);
    // The chain is kept out of sight: no property of the error shows it.
    expect(Object.keys(error as object)).toEqual(Object.keys(new CancelledError()));
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);
    expect((error as Error).stack).not.toMatch(/ {2}in /);
  });

  it('a CancelledError made by the program gets its chain the same way', () => {
    const loop = new EventLoop({ clock: 'virtual' });
    const future = loop.createFuture<string>();
    const task = loop.createTask(frames.outer(future), { name: 'told' });
    loop.runOnce();
    const error = new CancelledError('by hand');
    future.setException(error);
    expect(() => loop.runUntilComplete(task)).toThrow(error);
    loop.close();
    expect(coroutineChainOf(error).map((entry) => `${entry.name}@${entry.task}`)).toEqual(['leaf@told', 'middle@told', 'outer@told']);
    expect(task.cancelled()).toBe(true);
  });

  it('a frame that caught the error thrown into it and rethrows it a step later is listed once', () => {
    const rethrower = coroutine(function* rethrower(ms: number): Coroutine<void> {
      try {
        yield* sleep(ms); // RETHROWER_SLEEP
      } catch (error) {
        yield* sleep(ms);
        throw error;
      }
    });
    const error = thrownWhenCancelled(rethrower(10), 'again');
    expect(error).toBeInstanceOf(CancelledError);
    expect(coroutineChainOf(error)).toEqual([compiledCoroutines ? { ...at('rethrower', 'RETHROWER_SLEEP'), task: 'again' } : { name: 'rethrower', kind: 'generator', task: 'again' }]);
  });

  it('a frame that caught the error thrown into it and keeps it: once done, the chain does not keep the frame', async () => {
    const kept: { error?: unknown } = {};
    const keeper = coroutine(function* keeper(ms: number): Coroutine<void> {
      try {
        yield* sleep(ms); // KEEPER_SLEEP
      } catch (error) {
        kept.error = error;
      }
    });
    const setup = (): WeakRef<object> => {
      const loop = new EventLoop({ clock: 'virtual' });
      const coro = keeper(10);
      const task = loop.createTask(coro, { name: 'keeping' });
      loop.runOnce();
      task.cancel();
      loop.runUntilComplete(task);
      loop.close();
      return new WeakRef(coro);
    };
    const coro = setup();
    const collect = exposeGc();
    for (let turn = 0; turn < 5 && coro.deref() !== undefined; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      collect();
    }
    expect(coro.deref()).toBeUndefined();
    expect(kept.error).toBeInstanceOf(CancelledError);
    expect(coroutineChainOf(kept.error)).toEqual([compiledCoroutines ? { ...at('keeper', 'KEEPER_SLEEP'), task: 'keeping' } : { name: 'keeper', kind: 'generator', task: 'keeping' }]);
  });

  it('an error a task was to throw in, replaced by a cancellation before the step: its chain does not keep the frame', async () => {
    const failure = new Error('superseded');
    const setup = (): WeakRef<object> => {
      const loop = new EventLoop({ clock: 'virtual' });
      const future = loop.createFuture<string>();
      const coro = frames.leaf(future);
      const task = loop.createTask(coro, { name: 'superseded' });
      loop.runOnce();
      future.setException(failure);
      // The future is done: the cancellation waits for the step, which throws it in instead.
      task.cancel();
      expect(() => loop.runUntilComplete(task)).toThrow(CancelledError);
      loop.close();
      return new WeakRef(coro);
    };
    const coro = setup();
    const collect = exposeGc();
    for (let turn = 0; turn < 5 && coro.deref() !== undefined; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      collect();
    }
    expect(coro.deref()).toBeUndefined();
    expect(coroutineChainOf(failure).map((entry) => `${entry.name}@${entry.task}`)).toEqual(['leaf@superseded']);
  });

  it('what a chain records of a frame describes it as describeFrame did when it was recorded', () => {
    const loop = new EventLoop({ clock: 'virtual' });
    const future = loop.createFuture<string>();
    const generator = natives.leaf(future);
    const described: Frame[] = [
      frames.outer(future) as unknown as Frame,
      frames.leaf(future) as unknown as Frame,
      plainFrame() as unknown as Frame,
      new IteratorFrame(generator),
      new IteratorFrame(napper(1)),
    ];
    for (const frame of described) {
      for (const label of [-1, 0, 1, 2]) {
        const recorded = recordFrame(frame, label);
        expect(describeRecorded(recorded, label)).toEqual(describeFrame(frame, label));
        expect(describeRecorded(recorded, label)).not.toBe(describeRecorded(recorded, label));
      }
    }
    loop.close();
  });
});
