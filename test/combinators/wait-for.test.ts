import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, TimeoutError } from '../../runtime/errors.js';
import { sleep } from '../../runtime/sleep.js';
import type { Task } from '../../runtime/task.js';
import { waitFor } from '../../runtime/wait-for.js';
import { describeError, virtualLoop } from './helpers.js';

function* after<T>(ms: number, value: T): Coroutine<T> {
  yield* sleep(ms);
  return value;
}

describe('waitFor', () => {
  it('returns the result when the work finishes in time; null/undefined wait without limit', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const value = yield* waitFor(after(10, 'coro'), 50);
      expectTypeOf(value).toEqualTypeOf<string>();
      log(value);
      const task = loop.createTask(after(10, 7));
      const fromTask = yield* waitFor(task, 50);
      expectTypeOf(fromTask).toEqualTypeOf<number>();
      log(`task ${fromTask}`);
      log(`sleep ${yield* waitFor(sleep(5, 'slept'), 50)}`);
      log(yield* waitFor(after(10_000, 'null'), null));
      log(yield* waitFor(after(10_000, 'undefined'), undefined));
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 coro', '20 task 7', '25 sleep slept', '10025 null', '20025 undefined']);
  });

  it('on timeout cancels a coroutine (run in the caller\'s own task) and throws TimeoutError caused by CancelledError', () => {
    const { loop, trace, log } = virtualLoop();
    let workTask: Task<unknown> | null = null;
    function* work(): Coroutine<string> {
      workTask = loop.currentTask;
      try {
        yield* sleep(1000);
        return 'late';
      } finally {
        log('work finally');
      }
    }
    function* main(): Coroutine<void> {
      try {
        yield* waitFor(work(), 30);
      } catch (error) {
        log(`caught ${describeError(error)} cause=${describeError((error as Error).cause)}`);
        expect(error).toBeInstanceOf(TimeoutError);
      }
      expect(workTask).toBe(loop.currentTask);
      log(`cancelling=${(loop.currentTask as Task<unknown>).cancelling()}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['30 work finally', '30 caught TimeoutError cause=CancelledError', '30 cancelling=0']);
  });

  it('on timeout cancels a task and waits until it has really finished (test_wait_for_waits_for_task_cancellation)', () => {
    const { loop, trace, log } = virtualLoop();
    function* inner(): Coroutine<void> {
      try {
        yield* sleep(1000);
      } catch (error) {
        log('inner cleaning up');
        yield* sleep(15);
        throw error;
      } finally {
        log('inner done');
      }
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(inner());
      try {
        yield* waitFor(task, 10);
      } catch (error) {
        log(`caught ${describeError(error)} task.cancelled=${task.cancelled()}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 inner cleaning up', '25 inner done', '25 caught TimeoutError task.cancelled=true']);
  });

  it('rethrows an error raised while the work was being cancelled (test_wait_for_reraises_exception_during_cancellation)', () => {
    const { loop, trace, log } = virtualLoop();
    function* inner(): Coroutine<void> {
      try {
        yield* sleep(200);
      } finally {
        throw new Error('raised in finally');
      }
    }
    function* main(): Coroutine<void> {
      for (const ms of [5, 0]) {
        const task = loop.createTask(inner());
        yield* sleep(0); // started, so that its finally runs when cancelled
        try {
          yield* waitFor(task, ms);
        } catch (error) {
          log(`ms=${ms} caught ${describeError(error)}`);
        }
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['5 ms=5 caught Error: raised in finally', '5 ms=0 caught Error: raised in finally']);
  });

  it('returns the value if the work swallows the cancellation (test_wait_for_cancellation_race_condition)', () => {
    const { loop, trace, log } = virtualLoop();
    function* stubborn(): Coroutine<number> {
      try {
        yield* sleep(1000);
      } catch (error) {
        log(`stubborn got ${describeError(error)}`);
      }
      return 1;
    }
    function* main(): Coroutine<void> {
      log(`result ${yield* waitFor(stubborn(), 10)}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 stubborn got CancelledError', '10 result 1']);
  });

  it('a future resolved before the deadline wins (test_wait_for_race_condition)', () => {
    const { loop } = virtualLoop();
    function* main(): Coroutine<[string, number]> {
      const future = loop.createFuture<string>();
      loop.callLater(100, () => future.setResult('ok'));
      const value = yield* waitFor(future, 200);
      return [value, loop.time()];
    }
    expect(loop.runUntilComplete(main())).toEqual(['ok', 100]);
  });

  it('ms <= 0: a done future gives its result; a pending one is cancelled; a coroutine never starts', () => {
    const { loop, trace, log } = virtualLoop();
    let started = false;
    function* neverStarted(): Coroutine<string> {
      started = true;
      yield* sleep(1);
      return 'started';
    }
    function* main(): Coroutine<void> {
      const done = loop.createFuture<string>();
      done.setResult('done');
      log(`done: ${yield* waitFor(done, 0)}`);
      const pending = loop.createFuture<string>();
      for (const [label, aw] of [
        ['pending', pending],
        ['coroutine', neverStarted()],
      ] as const) {
        try {
          yield* waitFor(aw, -1);
        } catch (error) {
          log(`${label}: ${describeError(error)} cause=${describeError((error as Error).cause)}`);
        }
      }
      log(`pending.cancelled=${pending.cancelled()} started=${started}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual([
      '0 done: done',
      '0 pending: TimeoutError cause=CancelledError',
      '0 coroutine: TimeoutError cause=CancelledError',
      '0 pending.cancelled=true started=false',
    ]);
  });

  it('ms <= 0 waits for a task that takes time to finish its cancellation', () => {
    const { loop, trace, log } = virtualLoop();
    function* slowToCancel(): Coroutine<void> {
      try {
        yield* sleep(1000);
      } finally {
        yield* sleep(20);
        log('cleaned up');
      }
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(slowToCancel());
      yield* sleep(1);
      try {
        yield* waitFor(task, 0);
      } catch (error) {
        log(`caught ${describeError(error)}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['21 cleaned up', '21 caught TimeoutError']);
  });

  it('cancelling the caller cancels the work and propagates CancelledError, not TimeoutError', () => {
    const { loop, trace, log } = virtualLoop();
    function* waiter(work: Task<string>): Coroutine<string> {
      return yield* waitFor(work, 100);
    }
    function* main(): Coroutine<void> {
      const work = loop.createTask(after(1000, 'work'));
      const waiting = loop.createTask(waiter(work));
      yield* sleep(10);
      waiting.cancel('stop');
      try {
        yield* waiting;
      } catch (error) {
        log(`caught ${describeError(error)} work.cancelled=${work.cancelled()}`);
        expect(error).toBeInstanceOf(CancelledError);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 caught CancelledError: stop work.cancelled=true']);
  });

  it('a caller cancelled while the coroutine ignores cancellation waits for it to finish (test_asyncio_wait_for_cancelled)', () => {
    const { loop, trace, log } = virtualLoop();
    function* ignoresCancel(): Coroutine<void> {
      const exitAt = loop.time() + 200;
      while (loop.time() < exitAt) {
        try {
          yield* sleep(exitAt - loop.time());
        } catch {
          log('ignored a cancellation');
        }
      }
      log('exited');
    }
    function* main(): Coroutine<void> {
      const waiting = loop.createTask(waitFor(ignoresCancel(), 400));
      yield* sleep(0);
      waiting.cancel();
      try {
        yield* waiting;
        log(`waiting finished, cancelled=${waiting.cancelled()}`);
      } catch (error) {
        log(`waiting ${describeError(error)}`);
      }
    }
    loop.runUntilComplete(main());
    // The work runs inside the waiting task and swallowed the CancelledError: the request was consumed,
    // the deadline never passed, so the task completes normally once the work has (as in 3.12).
    expect(trace).toEqual(['0 ignored a cancellation', '200 exited', '200 waiting finished, cancelled=false']);
  });
});
