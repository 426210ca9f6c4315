/**
 * `delegate` into native generators and plain iterables, against native `yield*`: next/throw/return
 * forwarding, an iterator without `throw` (closed, then TypeError), without `return`, non-object
 * results, non-callable methods, non-iterables. Every schedule of 4 operations, compared in full.
 */
import { describe, expect, it } from 'vitest';
import { frames, type Coroutines } from './hand-frames.js';
import { allSchedules, driveGenerator, implementations } from './compare.js';

type Log = string[];
type MakeTarget = (log: Log, impl: Coroutines) => unknown;

/** A hand-made iterator counting to `limit`, logging every call; `shape` removes or breaks methods. */
function countingIterator(
  log: Log,
  limit: number,
  shape: {
    throw?: 'missing' | 'null' | 'not callable' | 'non-object' | 'ok';
    return?: 'missing' | 'non-object' | 'throws' | 'ok';
    next?: 'non-object' | 'ok';
  },
): object {
  let count = 0;
  const iterator: Record<string, unknown> = {
    next(value: unknown): unknown {
      log.push(`next(${String(value)})`);
      if (shape.next === 'non-object') return 42;
      count++;
      return count > limit ? { value: `end${count}`, done: true } : { value: `v${count}`, done: false };
    },
  };
  switch (shape.throw ?? 'ok') {
    case 'null':
      iterator.throw = null;
      break;
    case 'not callable':
      iterator.throw = 5;
      break;
    case 'non-object':
      iterator.throw = (error: unknown) => {
        log.push(`throw(${String(error)})`);
        return 'nope';
      };
      break;
    case 'ok':
      iterator.throw = (error: unknown) => {
        log.push(`throw(${String(error)})`);
        if (error === 't1') return { value: 'recovered', done: false };
        if (error === 't2') return { value: 'finished by throw', done: true };
        throw error;
      };
      break;
    case 'missing':
      break;
  }
  switch (shape.return ?? 'ok') {
    case 'non-object':
      iterator.return = (value: unknown) => {
        log.push(`return(${String(value)})`);
        return undefined;
      };
      break;
    case 'throws':
      iterator.return = (value: unknown) => {
        log.push(`return(${String(value)})`);
        throw new RangeError('return failed');
      };
      break;
    case 'ok':
      iterator.return = (value: unknown) => {
        log.push(`return(${String(value)})`);
        return value === 'r2' ? { value: 'kept going', done: false } : { value, done: true };
      };
      break;
    case 'missing':
      break;
  }
  return { [Symbol.iterator]: () => iterator };
}

const targets: [string, MakeTarget][] = [
  [
    'a native generator with a yield in finally',
    (log) =>
      (function* inner(): Generator<string, string, unknown> {
        try {
          const first: unknown = yield 'i1';
          log.push(`inner got ${String(first)}`);
          yield 'i2';
          return 'inner done';
        } catch (error) {
          log.push(`inner caught ${String(error)}`);
          return 'inner recovered';
        } finally {
          log.push('inner finally');
          yield 'i-fin';
        }
      })(),
  ],
  ['a frame, through the hybrid call', (log, impl) => impl.pauseThenAdd(log, 10)],
  ['a frame that returns at once', (log, impl) => impl.addOne(log, 10)],
  ['a chain of frames', (_log, impl) => impl.chain(3, 2)],
  ['a frame delegating to a native generator', (log, impl) => impl.delegator(log, ['x', 'y'].values())],
  ['an array', () => ['a', 'b']],
  ['a string', () => 'xy'],
  ['an empty array', () => []],
  ['an iterator', (log) => countingIterator(log, 2, {})],
  ['an iterator without throw', (log) => countingIterator(log, 2, { throw: 'missing' })],
  ['an iterator with throw: null', (log) => countingIterator(log, 2, { throw: 'null' })],
  ['an iterator without throw or return', (log) => countingIterator(log, 2, { throw: 'missing', return: 'missing' })],
  ['an iterator without throw whose return gives a non-object', (log) => countingIterator(log, 2, { throw: 'missing', return: 'non-object' })],
  ['an iterator without throw whose return throws', (log) => countingIterator(log, 2, { throw: 'missing', return: 'throws' })],
  ['an iterator without return', (log) => countingIterator(log, 2, { return: 'missing' })],
  ['an iterator with a non-callable throw', (log) => countingIterator(log, 2, { throw: 'not callable' })],
  ['an iterator whose throw gives a non-object', (log) => countingIterator(log, 2, { throw: 'non-object' })],
  ['an iterator whose return gives a non-object', (log) => countingIterator(log, 2, { return: 'non-object' })],
  ['an iterator whose next gives a non-object', (log) => countingIterator(log, 2, { next: 'non-object' })],
  ['an iterable whose Symbol.iterator gives a non-object', () => ({ [Symbol.iterator]: () => 7 })],
  ['a number (not iterable)', () => 5],
  ['null (not iterable)', () => null],
];

/** Engine messages differ from ours; the kind of error and everything else must match. */
function normalize(lines: string[]): string[] {
  return lines.map((line) => line.replace(/TypeError: .*$/, 'TypeError'));
}

describe('delegate forwards exactly as native yield*', () => {
  const schedules = allSchedules(4);
  for (const [name, makeTarget] of targets) {
    it(`into ${name}`, () => {
      for (const ops of schedules) {
        const [native, frame] = implementations.map(([, impl]) => {
          const log: Log = [];
          const generator = impl.delegator(log, makeTarget(log, impl));
          return normalize([...driveGenerator(generator, ops), '--', ...log]);
        });
        if ((frame as string[]).join('\n') !== (native as string[]).join('\n')) expect({ ops, frame }).toEqual({ ops, frame: native });
      }
    });
  }

  it('a frame delegator into a native generator under a task', async () => {
    const { EventLoop } = await import('../../runtime/loop.js');
    const loop = new EventLoop({ clock: 'virtual' });
    const log: Log = [];
    function* native(): Generator<undefined, string, unknown> {
      log.push('native 1');
      yield;
      log.push('native 2');
      return 'native result';
    }
    expect(loop.runUntilComplete(frames.delegator(log, native()))).toBe('native result');
    expect(log).toEqual(['delegating', 'native 1', 'native 2', 'delegated result native result']);
    loop.close();
  });
});
