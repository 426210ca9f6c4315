import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError } from '../../runtime/errors.js';
import { Future } from '../../runtime/future.js';
import { gather, gatherWith, GatheringFuture } from '../../runtime/gather.js';
import { sleep } from '../../runtime/sleep.js';
import type { Task } from '../../runtime/task.js';
import { describeError, virtualLoop } from './helpers.js';

function* sleepThen<T>(ms: number, value: T): Coroutine<T> {
  return yield* sleep(ms, value);
}

describe('gather', () => {
  it('returns the results in argument order, not completion order, typed as a tuple', () => {
    const { loop, trace, log } = virtualLoop();
    function* worker<T>(name: string, ms: number, value: T): Coroutine<T> {
      log(`${name} start`);
      yield* sleep(ms);
      log(`${name} end`);
      return value;
    }
    function* main(): Coroutine<[number, string, boolean]> {
      const task = loop.createTask(worker('task', 30, 1));
      const future = loop.createFuture<boolean>();
      loop.callLater(20, () => future.setResult(true));
      const gathered = gather(task, worker('coro', 10, 'two'), future);
      expectTypeOf(gathered).toEqualTypeOf<GatheringFuture<[number, string, boolean]>>();
      const [a, b, c] = yield* gathered;
      expectTypeOf(a).toEqualTypeOf<number>();
      expectTypeOf(b).toEqualTypeOf<string>();
      log('gathered');
      return [a, b, c];
    }
    expect(loop.runUntilComplete(main())).toEqual([1, 'two', true]);
    expect(trace).toEqual(['0 task start', '0 coro start', '10 coro end', '30 task end', '30 gathered']);
  });

  it('with no arguments is an already completed future of []', () => {
    const { loop } = virtualLoop();
    function* main(): Coroutine<unknown[]> {
      const gathered = gather();
      expect(gathered.done()).toBe(true);
      return yield* gathered;
    }
    expect(loop.runUntilComplete(main())).toEqual([]);
  });

  it('waits once for an awaitable passed twice and repeats its result', () => {
    const { loop, trace, log } = virtualLoop();
    function* once(): Coroutine<string> {
      log('run');
      yield* sleep(5);
      return 'x';
    }
    function* main(): Coroutine<string[]> {
      const coro = once();
      const future = loop.createFuture<string>();
      future.setResult('f');
      return yield* gather(coro, future, coro, future);
    }
    expect(loop.runUntilComplete(main())).toEqual(['x', 'f', 'x', 'f']);
    expect(trace).toEqual(['0 run']);
  });

  it('fails at the first error while the other children keep running', () => {
    const { loop, trace, log, reported } = virtualLoop();
    function* child(name: string, ms: number, error?: Error): Coroutine<string> {
      try {
        yield* sleep(ms);
        if (error !== undefined) throw error;
        return name;
      } finally {
        log(`${name} finally`);
      }
    }
    function* main(): Coroutine<void> {
      const slow = loop.createTask(child('slow', 50));
      const gathered = gather(child('ok', 5), child('bad', 10, new Error('boom')), slow, child('late-bad', 20, new Error('late')));
      try {
        yield* gathered;
      } catch (error) {
        log(`caught ${describeError(error)}`);
      }
      // Cancelling a gather that is already done does nothing to its children.
      expect(gathered.cancel()).toBe(false);
      log(`slow result ${yield* slow}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual([
      '5 ok finally',
      '10 bad finally',
      '10 caught Error: boom',
      '20 late-bad finally',
      '50 slow finally',
      '50 slow result slow',
    ]);
    loop.close();
    // The late error was retrieved by gather on purpose: nobody is told about it.
    expect(reported).toEqual([]);
  });

  it('with returnExceptions puts errors and CancelledErrors in the results', () => {
    const { loop } = virtualLoop();
    const boom = new Error('boom');
    function* failing(): Coroutine<number> {
      yield* sleep(10);
      throw boom;
    }
    function* main(): Coroutine<unknown[]> {
      const cancelledFuture = loop.createFuture<number>();
      const cancelledTask = loop.createTask(sleepThen(100, 'never'));
      loop.callLater(5, () => {
        cancelledFuture.cancel('stop future');
        cancelledTask.cancel('stop task');
      });
      const gathered = gatherWith({ returnExceptions: true }, failing(), cancelledFuture, cancelledTask, sleep(20, 'slept'));
      expectTypeOf(gathered).toEqualTypeOf<GatheringFuture<[number | Error, number | Error, string | Error, string | Error]>>();
      const results = yield* gathered;
      expect(loop.time()).toBe(20);
      return results;
    }
    const results = loop.runUntilComplete(main());
    expect(results[0]).toBe(boom);
    expect(results[1]).toBeInstanceOf(CancelledError);
    expect((results[1] as Error).message).toBe('stop future');
    expect(results[2]).toBeInstanceOf(CancelledError);
    expect((results[2] as Error).message).toBe('stop task');
    expect(results[3]).toBe('slept');
  });

  it('fails with CancelledError when a child is cancelled, without being cancelled itself', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const a = loop.createFuture<number>();
      const b = loop.createTask(sleepThen(30, 'b'));
      const gathered = gather(a, b);
      loop.callLater(10, () => a.cancel('a cancelled'));
      try {
        yield* gathered;
      } catch (error) {
        log(`caught ${describeError(error)}`);
      }
      expect(gathered.cancelled()).toBe(false);
      expect(gathered.exception()).toBeInstanceOf(CancelledError);
      log(`b still runs: ${yield* b}`);
    }
    loop.runUntilComplete(main());
    // The task waiting caught the CancelledError, so it was not itself cancelled.
    expect(trace).toEqual(['10 caught CancelledError: a cancelled', '30 b still runs: b']);
  });

  it('cancel() cancels every child and fails with CancelledError once they are done, even with returnExceptions', () => {
    for (const returnExceptions of [false, true]) {
      const { loop, trace, log } = virtualLoop();
      function* child(name: string): Coroutine<string> {
        try {
          yield* sleep(100);
          return name;
        } catch (error) {
          log(`${name} got ${describeError(error)}`);
          // Cleaning up takes time: the gather must wait for it.
          yield* sleep(name === 'a' ? 5 : 10);
          throw error;
        }
      }
      function* main(): Coroutine<void> {
        const gathered = gatherWith({ returnExceptions }, child('a'), child('b'));
        loop.callLater(20, () => log(`cancel returned ${gathered.cancel('enough')}`));
        try {
          yield* gathered;
        } catch (error) {
          log(`caught ${describeError(error)}`);
        }
        expect(gathered.cancel()).toBe(false);
      }
      loop.runUntilComplete(main());
      // Without returnExceptions, a's CancelledError at 25 fails the gather at once, like any error;
      // with it, the gather waits for b as well.
      const caughtAt = returnExceptions ? 30 : 25;
      expect(trace).toEqual(['20 cancel returned true', '20 a got CancelledError: enough', '20 b got CancelledError: enough', `${caughtAt} caught CancelledError: enough`]);
    }
  });

  it('a cancelled gather propagates cancellation even if the children swallow it (bpo-32684)', () => {
    const { loop, trace, log } = virtualLoop();
    function* stubborn(): Coroutine<string> {
      try {
        yield* sleep(100);
      } catch {
        log('swallowed');
      }
      return 'value';
    }
    function* waiter(): Coroutine<unknown> {
      return yield* gatherWith({ returnExceptions: true }, stubborn());
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(waiter());
      yield* sleep(10);
      task.cancel('outer');
      try {
        yield* task;
      } catch (error) {
        log(`caught ${describeError(error)}`);
      }
      expect(task.cancelled()).toBe(true);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 swallowed', '10 caught CancelledError: outer']);
  });

  it('cancelling the task that waits on gather cancels the children', () => {
    const { loop, trace, log } = virtualLoop();
    function* child(name: string, ms: number): Coroutine<void> {
      try {
        yield* sleep(ms);
        log(`${name} done`);
      } finally {
        log(`${name} finally`);
      }
    }
    function* parent(): Coroutine<void> {
      yield* gather(child('a', 5), child('b', 50), child('c', 60));
    }
    function* root(): Coroutine<void> {
      const task = loop.createTask(parent());
      yield* sleep(20);
      task.cancel();
      try {
        yield* task;
      } catch (error) {
        log(`parent ${describeError(error)} cancelled=${task.cancelled()}`);
      }
    }
    loop.runUntilComplete(root());
    expect(trace).toEqual(['5 a done', '5 a finally', '20 b finally', '20 c finally', '20 parent CancelledError cancelled=true']);
  });

  it('refuses a cancel that comes after every child finished (Python issue #26923)', () => {
    const { loop } = virtualLoop();
    const inner = loop.createFuture<number>();
    function* child(): Coroutine<number> {
      return yield* inner;
    }
    let cancelResult: boolean | null = null;
    let gathered: GatheringFuture<[number]> | null = null;
    function* main(): Coroutine<[number]> {
      gathered = gather(child());
      loop.callLater(1, () => {
        // Registered after the child task started waiting on `inner`, so it runs after the child
        // task has finished but before gather's own callback has.
        inner.addDoneCallback(() => {
          cancelResult = (gathered as GatheringFuture<[number]>).cancel();
        });
        inner.setResult(42);
      });
      return yield* gathered;
    }
    expect(loop.runUntilComplete(main())).toEqual([42]);
    expect(cancelResult).toBe(false);
    expect((gathered as unknown as Future<unknown>).cancelled()).toBe(false);
  });

  it('awaits children bound to the caller: a coroutine child runs in its own task', () => {
    const { loop } = virtualLoop();
    let childTask: Task<unknown> | null = null;
    let mainTask: Task<unknown> | null = null;
    function* child(): Coroutine<void> {
      childTask = loop.currentTask;
      yield* sleep(1);
    }
    function* main(): Coroutine<void> {
      mainTask = loop.currentTask;
      yield* gather(child());
    }
    loop.runUntilComplete(main());
    expect(childTask).not.toBeNull();
    expect(childTask).not.toBe(mainTask);
  });
});
