import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, RuntimeError } from '../../runtime/errors.js';
import { Condition } from '../../runtime/condition.js';
import { Lock } from '../../runtime/lock.js';
import { sleep } from '../../runtime/sleep.js';
import { thrownBy, virtualLoop, waitersOf } from './helpers.js';

describe('Condition', () => {
  it('wakes waiters in order, each returning only once it has the lock back (CPython test_wait)', () => {
    const { loop } = virtualLoop();
    const cond = new Condition();
    const result: number[] = [];
    function* waiter(id: number): Coroutine<boolean> {
      yield* cond.acquire();
      if (yield* cond.wait()) result.push(id);
      return true;
    }
    function* main(): Coroutine<void> {
      const tasks = [1, 2, 3].map((id) => loop.createTask(waiter(id)));
      yield* sleep(0);
      expect(result).toEqual([]);
      expect(cond.locked()).toBe(false);

      expect(yield* cond.acquire()).toBe(true);
      cond.notify();
      yield* sleep(0);
      expect(result).toEqual([]); // notified, but the lock is still ours
      expect(cond.locked()).toBe(true);

      cond.release();
      yield* sleep(0);
      expect(result).toEqual([1]);
      expect(cond.locked()).toBe(true); // waiter 1 returned holding it

      cond.notify(2);
      yield* sleep(0);
      expect(result).toEqual([1]);

      cond.release();
      yield* sleep(0);
      expect(result).toEqual([1, 2]);
      cond.release();
      yield* sleep(0);
      expect(result).toEqual([1, 2, 3]);
      expect(cond.locked()).toBe(true);
      expect(tasks.map((task) => task.result())).toEqual([true, true, true]);
    }
    loop.runUntilComplete(main());
  });

  it('notify(n) wakes at most n waiters, notifyAll wakes them all (CPython test_notify, test_notify_all)', () => {
    const { loop, trace, log } = virtualLoop();
    const cond = new Condition();
    function* waiter(id: number): Coroutine<void> {
      yield* cond.withLock(function* () {
        yield* cond.wait();
        log(`woke ${id}`);
      });
    }
    function* main(): Coroutine<void> {
      const tasks = [1, 2, 3, 4].map((id) => loop.createTask(waiter(id)));
      yield* sleep(1);
      yield* cond.withLock(function* () {
        cond.notify(1);
      });
      yield* sleep(1);
      yield* cond.withLock(function* () {
        cond.notify(1);
        cond.notify(2); // waiter 2 is already notified: this wakes 3 and 4
      });
      for (const task of tasks) yield* task;
      yield* cond.withLock(function* () {
        cond.notifyAll(); // nobody left: a no-op
      });
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['1 woke 1', '2 woke 2', '2 woke 3', '2 woke 4']);
  });

  it('notifyAll wakes every waiter in arrival order', () => {
    const { loop, trace, log } = virtualLoop();
    const cond = new Condition();
    function* waiter(id: number): Coroutine<void> {
      yield* cond.withLock(function* () {
        yield* cond.wait();
        log(`woke ${id}`);
        yield* sleep(1); // each holds the lock a little: the others follow one by one
      });
    }
    function* main(): Coroutine<void> {
      const tasks = [1, 2, 3].map((id) => loop.createTask(waiter(id)));
      yield* sleep(5);
      yield* cond.withLock(function* () {
        cond.notifyAll();
      });
      for (const task of tasks) yield* task;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['5 woke 1', '6 woke 2', '7 woke 3']);
  });

  it('wait, notify and notifyAll without the lock are RuntimeErrors', () => {
    const { loop } = virtualLoop();
    const cond = new Condition();
    expect(thrownBy(() => cond.notify())).toBeInstanceOf(RuntimeError);
    expect(thrownBy(() => cond.notifyAll())).toBeInstanceOf(RuntimeError);
    function* main(): Coroutine<string> {
      try {
        yield* cond.wait();
        return 'waited';
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    }
    expect(loop.runUntilComplete(main())).toBe('RuntimeError: cannot wait on un-acquired lock');
  });

  it('re-acquires the lock when the wait is cancelled (CPython test_wait_cancel)', () => {
    const { loop } = virtualLoop();
    const cond = new Condition();
    function* main(): Coroutine<void> {
      yield* cond.acquire();
      const waiting = loop.createTask(cond.wait());
      loop.callSoon(() => waiting.cancel());
      let caught: unknown = null;
      try {
        yield* waiting;
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(CancelledError);
      expect(waitersOf(cond).length).toBe(0);
      expect(cond.locked()).toBe(true);
    }
    loop.runUntilComplete(main());
  });

  it('holds the lock again when a cancelled wait throws, even if that takes time', () => {
    const { loop, trace, log } = virtualLoop();
    const cond = new Condition();
    function* waiter(): Coroutine<void> {
      yield* cond.acquire();
      try {
        yield* cond.wait();
      } catch (error) {
        log(`${(error as Error).name} '${(error as Error).message}', locked=${String(cond.locked())}`);
        throw error;
      } finally {
        cond.release();
      }
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(waiter());
      yield* sleep(1);
      yield* cond.acquire(); // the waiter released it inside wait()
      log('main holds the lock');
      yield* sleep(9);
      task.cancel('stop');
      yield* sleep(10); // the cancelled waiter cannot leave wait() while we hold the lock
      log(`task done=${String(task.done())}`);
      cond.release();
      try {
        yield* task;
      } catch {
        log(`task cancelled=${String(task.cancelled())}, locked=${String(cond.locked())}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual([
      '1 main holds the lock',
      '20 task done=false',
      "20 CancelledError 'stop', locked=true",
      '20 task cancelled=true, locked=false',
    ]);
  });

  it('a notified waiter whose lock is contested while it is cancelled still ends holding the lock (test_wait_cancel_contested)', () => {
    const { loop } = virtualLoop();
    const cond = new Condition();
    function* main(): Coroutine<void> {
      yield* cond.acquire();
      const waitTask = loop.createTask(cond.wait());
      yield* sleep(0);
      expect(cond.locked()).toBe(false);
      yield* cond.acquire();
      cond.notify();
      loop.callSoon(() => waitTask.cancel());
      loop.callSoon(() => cond.release());
      try {
        yield* waitTask;
      } catch (error) {
        expect(error).toBeInstanceOf(CancelledError);
      }
      expect(cond.locked()).toBe(true);
    }
    loop.runUntilComplete(main());
  });

  it('a waiter cancelled after notify, while re-acquiring, ends cancelled (bpo-32841)', () => {
    const { loop } = virtualLoop();
    const cond = new Condition();
    let waited = false;
    function* waitOnCond(): Coroutine<void> {
      yield* cond.withLock(function* () {
        waited = true;
        yield* cond.wait();
      });
    }
    function* main(): Coroutine<void> {
      const waiter = loop.createTask(waitOnCond());
      yield* sleep(0);
      yield* cond.acquire();
      cond.notify();
      yield* sleep(0); // the waiter now waits to re-acquire
      waiter.cancel();
      yield* sleep(0);
      cond.release();
      yield* sleep(0);
      expect(waiter.cancelled()).toBe(true);
      expect(waited).toBe(true);
      expect(cond.locked()).toBe(false);
    }
    loop.runUntilComplete(main());
  });

  it('waitFor re-checks the predicate after each wake-up and returns its value (CPython test_wait_for)', () => {
    const { loop } = virtualLoop();
    const cond = new Condition();
    let ready: string | null = null;
    const result: string[] = [];
    function* waiter(): Coroutine<boolean> {
      yield* cond.acquire();
      const value = yield* cond.waitFor(() => ready);
      result.push(value as string);
      cond.release();
      return true;
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(waiter());
      yield* sleep(0);
      yield* cond.acquire();
      cond.notify();
      cond.release();
      yield* sleep(0);
      expect(result).toEqual([]);
      ready = 'go';
      yield* cond.acquire();
      cond.notify();
      cond.release();
      yield* sleep(0);
      expect(result).toEqual(['go']);
      expect(task.result()).toBe(true);
    }
    loop.runUntilComplete(main());
  });

  it('waitFor returns at once, without the lock, when the predicate already holds (test_wait_for_unacquired)', () => {
    const { loop } = virtualLoop();
    const cond = new Condition();
    function* main(): Coroutine<string> {
      const value = yield* cond.waitFor(() => [1, 2, 3]);
      expect(value).toEqual([1, 2, 3]);
      try {
        yield* cond.waitFor(() => false);
        return 'waited';
      } catch (error) {
        return (error as Error).name;
      }
    }
    expect(loop.runUntilComplete(main())).toBe('RuntimeError');
  });

  it('shares an explicit lock (CPython test_explicit_lock)', () => {
    const { loop } = virtualLoop();
    function* check(lock: Lock, cond: Condition): Coroutine<void> {
      expect(lock.locked()).toBe(false);
      expect(cond.locked()).toBe(false);
      yield* cond.withLock(function* () {
        expect(lock.locked()).toBe(true);
        expect(cond.locked()).toBe(true);
      });
      expect(lock.locked()).toBe(false);
      yield* lock.withLock(function* () {
        expect(cond.locked()).toBe(true);
      });
      expect(cond.locked()).toBe(false);
    }
    function* main(): Coroutine<void> {
      const lock = new Lock();
      yield* check(lock, new Condition(lock));
      const shared = new Lock();
      const first = new Condition(shared);
      const second = new Condition(shared);
      yield* check(shared, first);
      yield* first.acquire();
      expect(second.locked()).toBe(true);
      first.release();
    }
    loop.runUntilComplete(main());
  });

  it('re-throws the very CancelledError received while waiting for the notification (test_cancelled_error_wakeup)', () => {
    const { loop } = virtualLoop();
    const cond = new Condition();
    let raised: unknown = null;
    function* func(): Coroutine<void> {
      yield* cond.withLock(function* () {
        try {
          yield* cond.waitFor(() => false);
        } catch (error) {
          raised = error;
          throw error;
        }
      });
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(func());
      yield* sleep(0);
      task.cancel('foo');
      try {
        yield* task;
      } catch (error) {
        expect(error).toBeInstanceOf(CancelledError);
        expect((error as Error).message).toBe('foo');
        expect(error).toBe(raised);
      }
      expect(task.cancelled()).toBe(true);
    }
    loop.runUntilComplete(main());
  });

  it('re-throws the very CancelledError received while re-acquiring (test_cancelled_error_re_aquire)', () => {
    const { loop } = virtualLoop();
    const cond = new Condition();
    let wake = false;
    let raised: unknown = null;
    function* func(): Coroutine<void> {
      yield* cond.withLock(function* () {
        try {
          yield* cond.waitFor(() => wake);
        } catch (error) {
          raised = error;
          throw error;
        }
      });
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(func());
      yield* sleep(0);
      yield* cond.acquire();
      wake = true;
      cond.notify();
      yield* sleep(0);
      task.cancel('foo'); // the task is now re-acquiring the lock
      cond.release();
      try {
        yield* task;
      } catch (error) {
        expect((error as Error).message).toBe('foo');
        expect(error).toBe(raised);
      }
      expect(task.cancelled()).toBe(true);
    }
    loop.runUntilComplete(main());
  });

  for (const when of ['before it runs', 'while it re-acquires the lock'] as const) {
    it(`does not lose a notification when the notified task is cancelled ${when} (test_cancelled_wakeup${when === 'before it runs' ? '' : '_relock'})`, () => {
      const { loop, trace, log } = virtualLoop();
      const cond = new Condition();
      let state = 0;
      function* consumer(name: string): Coroutine<void> {
        yield* cond.withLock(function* () {
          for (;;) {
            yield* cond.waitFor(() => state !== 0);
            if (state < 0) return;
            state--;
            log(`${name} consumed`);
          }
        });
      }
      function* main(): Coroutine<void> {
        const consumers = [loop.createTask(consumer('c0')), loop.createTask(consumer('c1'))];
        yield* sleep(0);
        yield* cond.acquire();
        state++;
        cond.notify(1);
        if (when === 'while it re-acquires the lock') yield* sleep(0);
        (consumers[0] as (typeof consumers)[0]).cancel();
        cond.release();
        yield* sleep(10);
        log(`state=${state}`);
        yield* cond.withLock(function* () {
          state = -1;
          cond.notifyAll();
        });
        yield* consumers[1] as (typeof consumers)[1];
        expect(consumers[0]?.cancelled()).toBe(true);
      }
      loop.runUntilComplete(main());
      expect(trace).toEqual(['0 c1 consumed', '10 state=0']);
    });
  }

  it('withLock returns the body value and releases on throw', () => {
    const { loop } = virtualLoop();
    const cond = new Condition();
    function* main(): Coroutine<string> {
      const value = yield* cond.withLock(function* () {
        yield* sleep(1);
        return 'inside';
      });
      try {
        yield* cond.withLock(function* (): Coroutine<never> {
          throw new Error('bad');
        });
      } catch {
        expect(cond.locked()).toBe(false);
      }
      return value;
    }
    expect(loop.runUntilComplete(main())).toBe('inside');
  });
});
