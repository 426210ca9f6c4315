import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, ValueError } from '../../runtime/errors.js';
import { BoundedSemaphore, Semaphore } from '../../runtime/semaphore.js';
import { sleep } from '../../runtime/sleep.js';
import type { Task } from '../../runtime/task.js';
import { thrownBy, virtualLoop, waitersOf } from './helpers.js';

function valueOf(semaphore: Semaphore): number {
  return (semaphore as unknown as { value: number }).value;
}

describe('Semaphore', () => {
  it('checks its initial value; 0 means locked', () => {
    expect(new Semaphore(0).locked()).toBe(true);
    expect(new Semaphore().locked()).toBe(false);
    const error = thrownBy(() => new Semaphore(-1));
    expect(error).toBeInstanceOf(ValueError);
    expect((error as Error).message).toBe('Semaphore initial value must be >= 0');
    expect(String(new Semaphore(2))).toBe('<Semaphore [unlocked, value:2]>');
  });

  it('counts permits and hands released ones to waiters in order (CPython test_acquire)', () => {
    const { loop } = virtualLoop();
    const sem = new Semaphore(3);
    const result: number[] = [];
    function* taker(id: number): Coroutine<boolean> {
      yield* sem.acquire();
      result.push(id);
      return true;
    }
    function* main(): Coroutine<void> {
      expect(yield* sem.acquire()).toBe(true);
      expect(yield* sem.acquire()).toBe(true);
      expect(sem.locked()).toBe(false);
      const tasks = [1, 2, 3].map((id) => loop.createTask(taker(id)));
      yield* sleep(0);
      expect(result).toEqual([1]);
      expect(sem.locked()).toBe(true);
      expect(waitersOf(sem).length).toBe(2);
      expect(valueOf(sem)).toBe(0);

      const t4 = loop.createTask(taker(4));
      sem.release();
      sem.release();
      expect(valueOf(sem)).toBe(0); // both permits went straight to waiters 2 and 3
      yield* sleep(0);
      expect(result).toEqual([1, 2, 3]); // 4 arrived first but had to queue behind them
      expect(waitersOf(sem).length).toBe(1);
      expect(sem.locked()).toBe(true);
      sem.release();
      yield* t4;
      expect(result).toEqual([1, 2, 3, 4]);
      for (const task of tasks) expect(task.result()).toBe(true);
    }
    loop.runUntilComplete(main());
  });

  it('limits concurrency with withLock (full trace)', () => {
    const { loop, trace, log } = virtualLoop();
    const sem = new Semaphore(2);
    function* job(name: string, ms: number): Coroutine<string> {
      return yield* sem.withLock(function* () {
        log(`${name} start`);
        yield* sleep(ms);
        log(`${name} end`);
        return name;
      });
    }
    function* main(): Coroutine<string[]> {
      const tasks = [job('a', 10), job('b', 5), job('c', 10), job('d', 1), job('e', 1)].map((coro) => loop.createTask(coro));
      const names: string[] = [];
      for (const task of tasks) names.push(yield* task);
      expect(valueOf(sem)).toBe(2);
      return names;
    }
    expect(loop.runUntilComplete(main())).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(trace).toEqual([
      '0 a start', '0 b start',
      '5 b end', '5 c start',
      '10 a end', '10 d start',
      '11 d end', '11 e start',
      '12 e end',
      '15 c end',
    ]);
  });

  it('removes a cancelled waiter (CPython test_acquire_cancel)', () => {
    const { loop } = virtualLoop();
    const sem = new Semaphore();
    function* main(): Coroutine<void> {
      yield* sem.acquire();
      const acquiring = loop.createTask(sem.acquire());
      loop.callSoon(() => acquiring.cancel());
      try {
        yield* acquiring;
      } catch (error) {
        expect(error).toBeInstanceOf(CancelledError);
      }
      expect(waitersOf(sem).length).toBe(0);
      expect(valueOf(sem)).toBe(0);
    }
    loop.runUntilComplete(main());
  });

  it('skips waiters cancelled before the release (test_acquire_cancel_before_awoken)', () => {
    const { loop } = virtualLoop();
    const sem = new Semaphore(0);
    function* main(): Coroutine<void> {
      const [t1, t2, t3, t4] = [0, 1, 2, 3].map(() => loop.createTask(sem.acquire())) as [Task<true>, Task<true>, Task<true>, Task<true>];
      yield* sleep(0);
      t1.cancel();
      t2.cancel();
      sem.release();
      yield* sleep(0);
      yield* sleep(0);
      expect(t3.done()).toBe(true);
      expect(t4.done()).toBe(false);
      t4.cancel();
      yield* sleep(0);
      expect(t4.cancelled()).toBe(true);
    }
    loop.runUntilComplete(main());
  });

  it('does not hang when the first waiter is cancelled at the release (test_acquire_hang)', () => {
    const { loop } = virtualLoop();
    const sem = new Semaphore(0);
    function* main(): Coroutine<void> {
      const t1 = loop.createTask(sem.acquire());
      const t2 = loop.createTask(sem.acquire());
      yield* sleep(0);
      t1.cancel();
      sem.release();
      yield* sleep(0);
      yield* sleep(0);
      expect(sem.locked()).toBe(true);
      expect(t2.done()).toBe(true);
    }
    loop.runUntilComplete(main());
  });

  it('gives the permit back when the woken waiter is cancelled before it runs, and the next waiter gets it', () => {
    const { loop, trace, log } = virtualLoop();
    const sem = new Semaphore(0);
    function* taker(name: string): Coroutine<void> {
      try {
        yield* sem.acquire();
        log(`${name} acquired`);
      } catch (error) {
        log(`${name} ${(error as Error).name}`);
      }
    }
    function* main(): Coroutine<void> {
      const first = loop.createTask(taker('first'));
      const second = loop.createTask(taker('second'));
      yield* sleep(0);
      sem.release(); // the permit goes to `first`...
      expect(valueOf(sem)).toBe(0);
      first.cancel(); // ...which is cancelled before it runs
      yield* first;
      yield* second;
      expect(valueOf(sem)).toBe(0);
      expect(sem.locked()).toBe(true);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 first CancelledError', '0 second acquired']);
  });

  it('does not hang after a holder cancels a waiter (test_acquire_no_hang)', () => {
    const { loop } = virtualLoop();
    const sem = new Semaphore(1);
    let t2: Task<void> | null = null;
    function* c1(): Coroutine<void> {
      yield* sem.withLock(function* () {
        yield* sleep(0);
        t2?.cancel();
      });
    }
    function* c2(): Coroutine<void> {
      yield* sem.withLock(function* () {
        throw new Error('must not run');
      });
    }
    function* main(): Coroutine<void> {
      const t1 = loop.createTask(c1());
      t2 = loop.createTask(c2());
      yield* t1;
      try {
        yield* t2;
      } catch (error) {
        expect(error).toBeInstanceOf(CancelledError);
      }
      expect(yield* sem.acquire()).toBe(true);
    }
    loop.runUntilComplete(main());
  });

  it('serves acquirers in FIFO order across release/acquire cycles (test_acquire_fifo_order)', () => {
    const { loop, trace, log } = virtualLoop();
    const sem = new Semaphore(1);
    function* coro(tag: string): Coroutine<void> {
      yield* sem.acquire();
      log(`${tag}_1`);
      yield* sleep(10);
      sem.release();
      yield* sem.acquire();
      log(`${tag}_2`);
      yield* sleep(10);
      sem.release();
    }
    function* main(): Coroutine<void> {
      const tasks = ['c1', 'c2', 'c3'].map((tag) => loop.createTask(coro(tag)));
      for (const task of tasks) yield* task;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 c1_1', '10 c2_1', '20 c3_1', '30 c1_2', '40 c2_2', '50 c3_2']);
  });

  it('a releaser that re-acquires at once queues behind the waiters (test_acquire_fifo_order_2)', () => {
    const { loop } = virtualLoop();
    const sem = new Semaphore(1);
    const result: number[] = [];
    function* c1(): Coroutine<void> {
      yield* sem.acquire();
      result.push(1);
    }
    function* c2(): Coroutine<void> {
      yield* sem.acquire();
      result.push(2);
      sem.release();
      yield* sem.acquire();
      result.push(4);
    }
    function* c3(): Coroutine<void> {
      yield* sem.acquire();
      result.push(3);
    }
    function* main(): Coroutine<void> {
      const tasks = [loop.createTask(c1()), loop.createTask(c2()), loop.createTask(c3())];
      yield* sleep(0);
      sem.release();
      sem.release();
      for (const task of tasks) yield* task;
    }
    loop.runUntilComplete(main());
    expect(result).toEqual([1, 2, 3, 4]);
  });

  it('skips a waiter cancelled earlier (test_acquire_fifo_order_3)', () => {
    const { loop } = virtualLoop();
    const sem = new Semaphore(0);
    const result: number[] = [];
    function* taker(id: number): Coroutine<void> {
      yield* sem.acquire();
      result.push(id);
    }
    function* main(): Coroutine<void> {
      const tasks = [1, 2, 3].map((id) => loop.createTask(taker(id)));
      yield* sleep(0);
      tasks[0]?.cancel();
      yield* sleep(0);
      sem.release();
      sem.release();
      for (const task of tasks) {
        try {
          yield* task;
        } catch (error) {
          expect(error).toBeInstanceOf(CancelledError);
        }
      }
    }
    loop.runUntilComplete(main());
    expect(result).toEqual([2, 3]);
  });

  it('a successful acquire wakes the waiters that FIFO held back (test_acquire_fifo_order_4)', () => {
    const { loop } = virtualLoop();
    const sem = new Semaphore(0);
    const result: number[] = [];
    let t4: Task<void> | null = null;
    function* c1(): Coroutine<void> {
      expect(valueOf(sem)).toBe(0);
      yield* sem.acquire();
      expect(valueOf(sem)).toBe(0); // the permits left went to c2 and c3
      t4 = loop.createTask(c4());
      result.push(1);
    }
    function* c2(): Coroutine<void> {
      sem.release();
      sem.release();
      sem.release();
      expect(valueOf(sem)).toBe(2);
      expect(sem.locked()).toBe(true); // c1 has not woken up yet
      yield* sem.acquire();
      result.push(2);
    }
    function* c3(): Coroutine<void> {
      yield* sem.acquire();
      expect(sem.locked()).toBe(true);
      result.push(3);
    }
    function* c4(): Coroutine<void> {
      result.push(4);
      yield* sleep(0);
    }
    function* main(): Coroutine<void> {
      const tasks = [loop.createTask(c1()), loop.createTask(c2()), loop.createTask(c3())];
      yield* sleep(0);
      expect(valueOf(sem)).toBe(2);
      expect(waitersOf(sem).length).toBe(3);
      yield* sleep(0);
      for (const task of tasks) yield* task;
      yield* t4 as unknown as Task<void>;
    }
    loop.runUntilComplete(main());
    expect(result).toEqual([1, 2, 3, 4]);
  });

  it('release without waiters unlocks', () => {
    const { loop } = virtualLoop();
    const sem = new Semaphore();
    function* main(): Coroutine<void> {
      yield* sem.acquire();
      expect(sem.locked()).toBe(true);
      sem.release();
      expect(sem.locked()).toBe(false);
    }
    loop.runUntilComplete(main());
  });
});

describe('BoundedSemaphore', () => {
  it('throws ValueError when released more than acquired', () => {
    const { loop } = virtualLoop();
    const sem = new BoundedSemaphore(2);
    const error = thrownBy(() => sem.release());
    expect(error).toBeInstanceOf(ValueError);
    expect((error as Error).message).toBe('BoundedSemaphore released too many times');
    function* main(): Coroutine<void> {
      yield* sem.acquire();
      yield* sem.acquire();
      expect(sem.locked()).toBe(true);
      sem.release();
      sem.release();
      expect(thrownBy(() => sem.release())).toBeInstanceOf(ValueError);
      expect(valueOf(sem)).toBe(2);
    }
    loop.runUntilComplete(main());
    expect(String(sem)).toBe('<BoundedSemaphore [unlocked, value:2]>');
  });

  it('withLock holds a permit and gives it back', () => {
    const { loop, trace, log } = virtualLoop();
    const sem = new BoundedSemaphore(1);
    function* main(): Coroutine<void> {
      const inner = loop.createTask(
        sem.withLock(function* () {
          log('inner holds');
          yield* sleep(3);
        }),
      );
      yield* sleep(0);
      yield* sem.withLock(function* () {
        log('main holds');
      });
      yield* inner;
      expect(thrownBy(() => sem.release())).toBeInstanceOf(ValueError);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 inner holds', '3 main holds']);
  });
});
