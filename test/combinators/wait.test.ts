import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, ValueError } from '../../runtime/errors.js';
import type { Future } from '../../runtime/future.js';
import { sleep } from '../../runtime/sleep.js';
import type { Task } from '../../runtime/task.js';
import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, wait } from '../../runtime/wait.js';
import { describeError, virtualLoop } from './helpers.js';

function* after<T>(ms: number, value: T): Coroutine<T> {
  yield* sleep(ms);
  return value;
}

function* failAfter(ms: number, message: string): Coroutine<never> {
  yield* sleep(ms);
  throw new Error(message);
}

/** Names of the tasks in a set, sorted, for order-independent comparison. */
function names(set: Set<Task<unknown>>): string[] {
  return [...set].map((task) => task.getName()).sort();
}

describe('wait', () => {
  it('ALL_COMPLETED (default) waits for every future and cancels nothing', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const a = loop.createTask(after(10, 'a'), { name: 'a' });
      const b = loop.createTask(failAfter(20, 'b failed'), { name: 'b' });
      const result = yield* wait([a, b]);
      const [done, pending] = result;
      log(`done=${names(done as Set<Task<unknown>>)} pending=${pending.size}`);
      expect(b.exception()).toBeInstanceOf(Error);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['20 done=a,b pending=0']);
  });

  it('FIRST_COMPLETED returns when the first future is done; the others keep running', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const a = loop.createTask(after(30, 'a'), { name: 'a' });
      const b = loop.createTask(after(10, 'b'), { name: 'b' });
      const c = loop.createTask(after(20, 'c'), { name: 'c' });
      const [done, pending] = yield* wait([a, b, c], { returnWhen: FIRST_COMPLETED });
      // The sets hold the caller's own future type.
      expectTypeOf(done).toEqualTypeOf<Set<Task<string>>>();
      log(`done=${names(done)} pending=${names(pending)}`);
      log(`a=${yield* a}`);
      expect(c.done()).toBe(true);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 done=b pending=a,c', '30 a=a']);
  });

  it('FIRST_COMPLETED counts a cancelled future as completed', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const a = loop.createTask(after(30, 'a'), { name: 'a' });
      const b = loop.createTask(after(30, 'b'), { name: 'b' });
      loop.callLater(5, () => b.cancel());
      const [done, pending] = yield* wait([a, b], { returnWhen: FIRST_COMPLETED });
      log(`done=${names(done)} pending=${names(pending)} b.cancelled=${b.cancelled()}`);
      a.cancel();
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['5 done=b pending=a b.cancelled=true']);
  });

  it('FIRST_EXCEPTION returns at the first error, ignoring successes and cancellations before it', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const ok = loop.createTask(after(5, 'ok'), { name: 'ok' });
      const cancelled = loop.createTask(after(50, 'x'), { name: 'cancelled' });
      const bad = loop.createTask(failAfter(15, 'bad'), { name: 'bad' });
      const slow = loop.createTask(after(40, 'slow'), { name: 'slow' });
      loop.callLater(10, () => cancelled.cancel());
      const [done, pending] = yield* wait<Task<unknown>>([ok, cancelled, bad, slow], { returnWhen: FIRST_EXCEPTION });
      log(`done=${names(done)} pending=${names(pending)}`);
      yield* slow;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['15 done=bad,cancelled,ok pending=slow']);
  });

  it('FIRST_EXCEPTION without any error waits for all', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const a = loop.createTask(after(5, 1), { name: 'a' });
      const b = loop.createTask(after(25, 2), { name: 'b' });
      const [done] = yield* wait([a, b], { returnWhen: FIRST_EXCEPTION });
      log(`done=${names(done)}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['25 done=a,b']);
  });

  it('returns on timeout with the unfinished futures pending and still running', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const a = loop.createTask(after(10, 'a'), { name: 'a' });
      const b = loop.createTask(after(100, 'b'), { name: 'b' });
      const [done, pending] = yield* wait([a, b], { timeout: 50, returnWhen: ALL_COMPLETED });
      log(`done=${names(done)} pending=${names(pending)}`);
      expect(b.cancelled()).toBe(false);
      log(`b=${yield* b}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['50 done=a pending=b', '100 b=b']);
  });

  it('with futures already done returns on the next turn, without waiting for the timeout', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const f = loop.createFuture<number>();
      f.setResult(1);
      const [done, pending] = yield* wait([f], { timeout: 1000 });
      log(`done=${done.size} pending=${pending.size}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 done=1 pending=0']);
  });

  it('timeout 0 gives the current state after one turn', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const f = loop.createFuture<number>();
      const [done, pending] = yield* wait([f], { timeout: 0 });
      log(`done=${done.size} pending=${pending.size}`);
      f.cancel();
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 done=0 pending=1']);
  });

  it('deduplicates the futures', () => {
    const { loop } = virtualLoop();
    function* main(): Coroutine<number[]> {
      const f = loop.createFuture<number>();
      loop.callLater(3, () => f.setResult(3));
      const [done, pending] = yield* wait([f, f, f]);
      return [done.size, pending.size, loop.time()];
    }
    expect(loop.runUntilComplete(main())).toEqual([1, 0, 3]);
  });

  it('refuses coroutines, a single future, an empty collection and an unknown returnWhen', () => {
    const { loop } = virtualLoop();
    function* attempt(body: () => Coroutine<unknown>): Coroutine<string> {
      try {
        yield* body();
        return 'no error';
      } catch (error) {
        return `${error instanceof ValueError ? 'ValueError' : error instanceof TypeError ? 'TypeError' : 'other'}: ${describeError(error)}`;
      }
    }
    function* main(): Coroutine<string[]> {
      const f = loop.createFuture<number>();
      const coro = after(1, 1);
      const results = [
        yield* attempt(() => wait([coro as unknown as Future<number>])),
        yield* attempt(() => wait(f as unknown as Future<number>[])),
        yield* attempt(() => wait([])),
        yield* attempt(() => wait([f], { returnWhen: 'SOMETIMES' as typeof ALL_COMPLETED })),
      ];
      f.cancel();
      return results;
    }
    expect(loop.runUntilComplete(main())).toEqual([
      'TypeError: TypeError: Passing coroutines is forbidden, use tasks explicitly.',
      'TypeError: TypeError: wait() expects an iterable of futures, not Future',
      'ValueError: ValueError: Set of Tasks/Futures is empty.',
      'ValueError: ValueError: Invalid returnWhen value: SOMETIMES',
    ]);
  });

  it('cancelling the waiting task does not cancel the futures and removes its callbacks', () => {
    const { loop, trace, log } = virtualLoop();
    function* waiter(a: Task<string>): Coroutine<void> {
      try {
        yield* wait([a], { timeout: 100 });
      } catch (error) {
        log(`waiter ${describeError(error)}`);
        throw error;
      }
    }
    function* main(): Coroutine<void> {
      const a = loop.createTask(after(50, 'a'));
      const waiting = loop.createTask(waiter(a));
      yield* sleep(10);
      waiting.cancel();
      try {
        yield* waiting;
      } catch (error) {
        expect(error).toBeInstanceOf(CancelledError);
      }
      log(`a=${yield* a} cancelled=${a.cancelled()}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 waiter CancelledError', '50 a=a cancelled=false']);
  });
});
