import { describe, expect, expectTypeOf, it } from 'vitest';
import { asCompleted } from '../../runtime/as-completed.js';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError } from '../../runtime/errors.js';
import type { Future } from '../../runtime/future.js';
import { sleep } from '../../runtime/sleep.js';
import { describeError, virtualLoop } from './helpers.js';

function* after<T>(ms: number, value: T): Coroutine<T> {
  yield* sleep(ms);
  return value;
}

function* failAfter(ms: number, message: string): Coroutine<never> {
  yield* sleep(ms);
  throw new Error(message);
}

describe('asCompleted', () => {
  it('gives the outcomes in completion order, errors thrown from their own step', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const future = loop.createFuture<number>();
      loop.callLater(25, () => future.setResult(25));
      const steps = asCompleted([after(30, 'thirty'), future, failAfter(10, 'ten failed'), after(20, 'twenty')]);
      for (const next of steps) {
        expectTypeOf(next).toEqualTypeOf<Coroutine<string | number>>();
        try {
          log(`got ${yield* next}`);
        } catch (error) {
          log(`error ${describeError(error)}`);
        }
      }
      log('end');
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 error Error: ten failed', '20 got twenty', '25 got 25', '30 got thirty', '30 end']);
  });

  it('starts coroutines at once, and results that arrived before the caller asks are given at once', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const steps = asCompleted([after(10, 'a'), after(5, 'b')]);
      yield* sleep(50);
      for (const next of steps) log(`got ${yield* next}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['50 got b', '50 got a']);
  });

  it('counts an awaitable passed twice once; an empty input gives no steps', () => {
    const { loop } = virtualLoop();
    function* main(): Coroutine<number[]> {
      const future = loop.createFuture<number>();
      future.setResult(1);
      const counts = [[...asCompleted([future, future, future])].length, [...asCompleted([])].length];
      for (const next of asCompleted([future, future])) yield* next;
      return counts;
    }
    expect(loop.runUntilComplete(main())).toEqual([1, 0]);
  });

  it('on timeout, the steps still to come throw TimeoutError; nothing is cancelled', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const slow = loop.createTask(after(100, 'slow'));
      const slower = loop.createTask(after(200, 'slower'));
      for (const next of asCompleted([after(10, 'fast'), slow, slower], { timeout: 50 })) {
        try {
          log(`got ${yield* next}`);
        } catch (error) {
          log(`error ${describeError(error)}`);
        }
      }
      log(`slow ${yield* slow} cancelled=${slow.cancelled()}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 got fast', '50 error TimeoutError', '50 error TimeoutError', '100 slow slow cancelled=false']);
  });

  it('a result that arrived before the timeout is still delivered after it', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const steps = asCompleted([after(10, 'early'), after(100, 'late')], { timeout: 50 });
      yield* sleep(60);
      for (const next of steps) {
        try {
          log(`got ${yield* next}`);
        } catch (error) {
          log(`error ${describeError(error)}`);
        }
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['60 got early', '60 error TimeoutError']);
  });

  it('steps can be awaited concurrently by several tasks', () => {
    const { loop, trace, log } = virtualLoop();
    function* consumer(name: string, next: Coroutine<string>): Coroutine<void> {
      log(`${name} got ${yield* next}`);
    }
    function* main(): Coroutine<void> {
      const [first, second] = [...asCompleted([after(20, 'x'), after(10, 'y')])] as [Coroutine<string>, Coroutine<string>];
      const b = loop.createTask(consumer('second', second));
      const a = loop.createTask(consumer('first', first));
      yield* a;
      yield* b;
    }
    loop.runUntilComplete(main());
    // Whoever waits first takes the first completion.
    expect(trace).toEqual(['10 second got y', '20 first got x']);
  });

  it('a cancelled step does not lose a completion for the others', () => {
    const { loop, trace, log } = virtualLoop();
    function* consumer(name: string, next: Coroutine<string>): Coroutine<void> {
      try {
        log(`${name} got ${yield* next}`);
      } catch (error) {
        log(`${name} ${describeError(error)}`);
      }
    }
    function* main(): Coroutine<void> {
      const [first, second] = [...asCompleted([after(20, 'x'), after(10, 'y')])] as [Coroutine<string>, Coroutine<string>];
      const a = loop.createTask(consumer('a', first));
      const b = loop.createTask(consumer('b', second));
      yield* sleep(5);
      a.cancel();
      yield* b;
      yield* a;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['5 a CancelledError', '10 b got y']);
  });

  it('a cancelled awaitable is delivered as CancelledError', () => {
    const { loop } = virtualLoop();
    function* main(): Coroutine<string> {
      const future = loop.createFuture<number>();
      loop.callLater(3, () => future.cancel());
      for (const next of asCompleted([future])) {
        try {
          yield* next;
        } catch (error) {
          return `${error instanceof CancelledError} at ${loop.time()}`;
        }
      }
      return 'no error';
    }
    expect(loop.runUntilComplete(main())).toBe('true at 3');
  });

  it('refuses a single future or coroutine in place of an iterable', () => {
    const { loop } = virtualLoop();
    function* main(): Coroutine<string[]> {
      const messages: string[] = [];
      const future = loop.createFuture<number>();
      for (const wrong of [future, after(1, 1)]) {
        try {
          asCompleted(wrong as unknown as Future<number>[]);
        } catch (error) {
          messages.push(describeError(error));
        }
      }
      future.cancel();
      return messages;
    }
    expect(loop.runUntilComplete(main())).toEqual([
      'TypeError: asCompleted() expects an iterable of awaitables, not a single one',
      'TypeError: asCompleted() expects an iterable of awaitables, not a single one',
    ]);
  });
});
