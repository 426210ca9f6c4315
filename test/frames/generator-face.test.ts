/**
 * Hand-written frames used as plain Generators, against their native sources: every schedule of
 * next/throw/return up to a length, the spec corners one by one, and frames driven from a native
 * `yield*` and a `for-of`.
 */
import { describe, expect, it } from 'vitest';
import { Future } from '../../runtime/future.js';
import { frames, natives, type Coroutines } from './hand-frames.js';
import { allSchedules, describeThrown, describeValue, driveGenerator, implementations, type GeneratorOp } from './compare.js';

type Make = (impl: Coroutines, trace: string[]) => Generator<unknown, unknown, unknown>;

function doneFuture(result: string): Future<string> {
  const future = new Future<string>();
  future.setResult(result);
  return future;
}

const subjects: [string, Make][] = [
  ['ticker', (impl, trace) => impl.ticker(trace, 'T', 3, true)],
  ['addOne', (impl, trace) => impl.addOne(trace, 1)],
  ['pauseThenAdd', (impl, trace) => impl.pauseThenAdd(trace, 1)],
  ['failing early', (impl, trace) => impl.failing(trace, false)],
  ['failing late', (impl, trace) => impl.failing(trace, true)],
  ['calls', (impl, trace) => impl.calls(trace, 2)],
  ['awaitFuture (done)', (impl, trace) => impl.awaitFuture(trace, doneFuture('x'))],
  ['awaitFuture (pending)', (impl, trace) => impl.awaitFuture(trace, new Future<string>())],
  ['sleeper', (impl, trace) => impl.sleeper(trace, () => 0, 5, 'zzz')],
  ['guarded ok', (impl, trace) => impl.guarded(trace, doneFuture('ok'), true)],
  ['guarded return', (impl, trace) => impl.guarded(trace, doneFuture('return'), true)],
  ['guarded throw', (impl, trace) => impl.guarded(trace, doneFuture('throw'), true)],
  ['guarded pending', (impl, trace) => impl.guarded(trace, new Future<string>(), true)],
  ['chain', (impl, trace) => impl.chain(3, 2)],
];

function runBoth(make: Make, ops: readonly GeneratorOp[]): { native: string[]; frame: string[] } {
  const [native, frame] = implementations.map(([, impl]) => {
    const trace: string[] = [];
    const log = driveGenerator(make(impl, trace), ops);
    return [...log, '--', ...trace];
  });
  return { native: native as string[], frame: frame as string[] };
}

describe('hand-written frames as plain Generators', () => {
  const schedules = allSchedules(5);

  for (const [name, make] of subjects) {
    it(`${name}: all ${schedules.length} schedules of 5 next/throw/return behave as the native generator`, () => {
      for (const ops of schedules) {
        const { native, frame } = runBoth(make, ops);
        if (frame.join('\n') !== native.join('\n')) expect({ ops, frame }).toEqual({ ops, frame: native });
      }
    });
  }

  it('return() through a finally that yields', () => {
    const { native, frame } = runBoth((impl, trace) => impl.guarded(trace, doneFuture('ok'), true), [
      ['next', undefined],
      ['return', 'R'],
      ['next', 'f'],
      ['next', undefined],
    ]);
    expect(frame).toEqual(native);
    expect(native).toEqual([
      'next(undefined) -> "in try" done=false',
      'return("R") -> "in finally" done=false',
      'next("f") -> "R" done=true',
      'next(undefined) -> undefined done=true',
      '--',
      'try',
      'got ok',
      'finally',
      'finally got f',
    ]);
  });

  it('throw before the first next runs nothing and rethrows', () => {
    for (const [, impl] of implementations) {
      const trace: string[] = [];
      const generator = impl.guarded(trace, doneFuture('ok'), true);
      expect(() => generator.throw(new Error('first'))).toThrow('first');
      expect(trace).toEqual([]);
      expect(generator.next()).toEqual({ value: undefined, done: true });
    }
  });

  it('return before the first next gives {v, done: true} and runs nothing', () => {
    for (const [, impl] of implementations) {
      const trace: string[] = [];
      const generator = impl.guarded(trace, doneFuture('ok'), true);
      expect(generator.return('early')).toEqual({ value: 'early', done: true });
      expect(trace).toEqual([]);
    }
  });

  it('the first next ignores its argument', () => {
    for (const [, impl] of implementations) {
      const trace: string[] = [];
      const generator = impl.ticker(trace, 'T', 1, true);
      expect(generator.next('ignored')).toEqual({ value: 0, done: false });
      expect(generator.next('seen')).toEqual({ value: 1, done: true });
      expect(trace).toEqual(['T 0', 'T got seen']);
    }
  });

  it('a re-entrant next throws TypeError inside the body', () => {
    const traces = implementations.map(([, impl]) => {
      const trace: string[] = [];
      const self: { generator: Generator<unknown, unknown, unknown> | null } = { generator: null };
      const generator = impl.reentrant(trace, self);
      self.generator = generator;
      trace.push(describeValue(generator.next().value));
      trace.push(describeValue(generator.next('sent').value));
      return trace;
    });
    expect(traces[1]).toEqual(traces[0]);
    expect(traces[0]).toEqual(['re-entry threw TypeError', '"after"', '"sent"']);
  });

  it('after completion: next gives {undefined, done}, throw rethrows, return(v) gives {v, done}', () => {
    for (const [, impl] of implementations) {
      const generator = impl.addOne([], 1);
      expect(generator.next()).toEqual({ value: 2, done: true });
      expect(generator.next()).toEqual({ value: undefined, done: true });
      expect(() => generator.throw('again')).toThrow();
      try {
        generator.throw('again');
      } catch (error) {
        expect(error).toBe('again');
      }
      expect((generator as Generator<unknown, unknown, unknown>).return('v')).toEqual({ value: 'v', done: true });
    }
  });

  it('a frame finished inside a yield* chain is finished for its own next() too', () => {
    // The hybrid call links `child.caller` only when the child suspends, so a child that returned at
    // once carries no stale caller that a later resume of it would wrongly step.
    const child = frames.addOne([], 1);
    const parent = frames.delegator([], child);
    expect(parent.next()).toEqual({ value: 2, done: true });
    expect(child.next()).toEqual({ value: undefined, done: true });
    expect(child.return(5)).toEqual({ value: 5, done: true });
  });

  it('driven from a native yield*', () => {
    const [native, frame] = implementations.map(([, impl]) => {
      const trace: string[] = [];
      function* outer(): Generator<unknown, unknown, unknown> {
        try {
          const result = yield* impl.guarded(trace, doneFuture('ok'), true);
          trace.push(`outer got ${String(result)}`);
          return result;
        } finally {
          trace.push('outer finally');
        }
      }
      const schedules: GeneratorOp[][] = [
        [['next', 1], ['next', 2], ['next', 3], ['next', 4]],
        [['next', 1], ['throw', 'X'], ['next', 3], ['next', 4]],
        [['next', 1], ['return', 'R'], ['next', 3], ['next', 4]],
        [['next', 1], ['next', 2], ['return', 'R'], ['next', 4]],
        [['next', 1], ['next', 2], ['throw', 'X'], ['next', 4]],
      ];
      return schedules.map((ops) => [...driveGenerator(outer(), ops), ...trace.splice(0)]);
    });
    expect(frame).toEqual(native);
  });

  it('driven from a for-of, including break (return through a finally that yields)', () => {
    const [native, frame] = implementations.map(([, impl]) => {
      const trace: string[] = [];
      for (const value of impl.guarded(trace, doneFuture('ok'), true)) trace.push(`loop ${describeValue(value)}`);
      for (const value of impl.guarded(trace, doneFuture('throw'), true)) {
        trace.push(`loop ${describeValue(value)}`);
        break;
      }
      for (const value of impl.chain(4, 3)) trace.push(`chain ${describeValue(value)}`);
      try {
        for (const value of impl.failing(trace, true)) trace.push(`loop ${describeValue(value)}`);
      } catch (error) {
        trace.push(describeThrown(error));
      }
      return trace;
    });
    expect(frame).toEqual(native);
    expect(native).toContain('finally');
  });

  it('looks like a generator: toStringTag, Symbol.iterator returns itself, iterator prototype', () => {
    const frame = frames.ticker([], 'T', 1, true);
    expect(Object.prototype.toString.call(frame)).toBe('[object Generator]');
    expect(frame[Symbol.iterator]()).toBe(frame);
    expect(Object.getPrototypeOf(Object.getPrototypeOf(frame))).not.toBe(Object.prototype);
  });
});
