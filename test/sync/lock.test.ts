import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, RuntimeError } from '../../runtime/errors.js';
import { EventLoop } from '../../runtime/loop.js';
import { createTask, run } from '../../runtime/run.js';
import { sleep } from '../../runtime/sleep.js';
import { Lock } from '../../runtime/lock.js';
import type { Future } from '../../runtime/future.js';
import { thrownBy, virtualLoop, waitersOf } from './helpers.js';

describe('Lock', () => {
  it('is unlocked at first, taken at once when free, and release() of a free lock is a RuntimeError', () => {
    const { loop } = virtualLoop();
    const lock = new Lock();
    expect(lock.locked()).toBe(false);
    const error = thrownBy(() => lock.release());
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toBe('Lock is not acquired.');
    function* main(): Coroutine<boolean[]> {
      const states: boolean[] = [];
      states.push(yield* lock.acquire());
      states.push(lock.locked());
      lock.release();
      states.push(lock.locked());
      return states;
    }
    expect(loop.runUntilComplete(main())).toEqual([true, true, false]);
  });

  it('hands the lock to waiters in arrival order, one release at a time', () => {
    const { loop, trace, log } = virtualLoop();
    const lock = new Lock();
    function* contender(name: string): Coroutine<boolean> {
      const acquired = yield* lock.acquire();
      log(`${name} acquired`);
      return acquired;
    }
    function* main(): Coroutine<void> {
      yield* lock.acquire();
      const t1 = loop.createTask(contender('c1'));
      const t2 = loop.createTask(contender('c2'));
      yield* sleep(0);
      log('release 1');
      lock.release();
      yield* sleep(0);
      yield* sleep(0);
      const t3 = loop.createTask(contender('c3'));
      log('release 2');
      lock.release();
      yield* sleep(0);
      log('release 3');
      lock.release();
      yield* sleep(0);
      expect([t1.result(), t2.result(), t3.result()]).toEqual([true, true, true]);
      expect(lock.locked()).toBe(true);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 release 1', '0 c1 acquired', '0 release 2', '0 c2 acquired', '0 release 3', '0 c3 acquired']);
  });

  it('serialises critical sections over time (FIFO, full trace)', () => {
    const { loop, trace, log } = virtualLoop();
    const lock = new Lock();
    function* worker(name: string, ms: number): Coroutine<void> {
      log(`${name} wants`);
      yield* lock.acquire();
      try {
        log(`${name} in`);
        yield* sleep(ms);
      } finally {
        log(`${name} out`);
        lock.release();
      }
    }
    function* main(): Coroutine<void> {
      const tasks = [loop.createTask(worker('a', 30)), loop.createTask(worker('b', 10)), loop.createTask(worker('c', 20))];
      for (const task of tasks) yield* task;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual([
      '0 a wants', '0 a in', '0 b wants', '0 c wants',
      '30 a out', '30 b in', '40 b out', '40 c in', '60 c out',
    ]);
  });

  it('removes a waiter that is cancelled', () => {
    const { loop } = virtualLoop();
    const lock = new Lock();
    function* main(): Coroutine<string> {
      yield* lock.acquire();
      const waiter = loop.createTask(lock.acquire());
      loop.callSoon(() => waiter.cancel());
      try {
        yield* waiter;
        return 'acquired';
      } catch (error) {
        expect(error).toBeInstanceOf(CancelledError);
        expect(waitersOf(lock).length).toBe(0);
        expect(lock.locked()).toBe(true);
        return 'cancelled';
      }
    }
    expect(loop.runUntilComplete(main())).toBe('cancelled');
  });

  it('skips a waiter cancelled at the moment of release (CPython test_cancel_race)', () => {
    const { loop, trace, log } = virtualLoop();
    const lock = new Lock();
    function* lockIt(name: string, blocker: Future<void> | null): Coroutine<void> {
      yield* lock.acquire();
      log(`${name} acquired`);
      try {
        if (blocker !== null) yield* blocker;
      } finally {
        lock.release();
      }
    }
    function* main(): Coroutine<void> {
      const blockA = loop.createFuture<void>();
      const ta = loop.createTask(lockIt('A', blockA));
      yield* sleep(0);
      expect(lock.locked()).toBe(true);
      const tb = loop.createTask(lockIt('B', null));
      yield* sleep(0);
      expect(waitersOf(lock).length).toBe(1);
      const tc = loop.createTask(lockIt('C', null));
      yield* sleep(0);
      expect(waitersOf(lock).length).toBe(2);
      blockA.setResult();
      tb.cancel();
      expect((waitersOf(lock).at(0) as Future<boolean>).cancelled()).toBe(true);
      yield* sleep(0);
      expect(lock.locked()).toBe(false);
      expect(ta.done()).toBe(true);
      expect(tb.cancelled()).toBe(true);
      yield* tc;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 A acquired', '0 C acquired']);
  });

  it('gives the lock to exactly one task when a waiter is cancelled and the lock released together (bpo-32734)', () => {
    const { loop } = virtualLoop();
    const lock = new Lock();
    let lockCount = 0;
    let callCount = 0;
    function* lockIt(): Coroutine<void> {
      callCount++;
      yield* lock.acquire();
      lockCount++;
    }
    function* main(): Coroutine<void> {
      yield* lock.acquire();
      const t1 = loop.createTask(lockIt());
      const t2 = loop.createTask(lockIt());
      const t3 = loop.createTask(lockIt());
      yield* sleep(0);
      loop.callSoon(() => {
        t1.cancel();
        lock.release();
      });
      try {
        yield* t1;
      } catch (error) {
        expect(error).toBeInstanceOf(CancelledError);
      }
      expect(lockCount).toBe(1);
      expect(callCount).toBe(3);
      expect(t1.cancelled() && t2.done()).toBe(true);
      t3.cancel();
      yield* sleep(0);
      expect(t3.cancelled()).toBe(true);
    }
    loop.runUntilComplete(main());
  });

  it('passes the wake-up on when the woken waiter is cancelled before it runs (test_finished_waiter_cancelled)', () => {
    const { loop } = virtualLoop();
    const lock = new Lock();
    function* main(): Coroutine<void> {
      yield* lock.acquire();
      const tb = loop.createTask(lock.acquire());
      yield* sleep(0);
      expect(waitersOf(lock).length).toBe(1);
      const tc = loop.createTask(lock.acquire());
      tb.cancel();
      lock.release();
      yield* sleep(0);
      expect(lock.locked()).toBe(true);
      expect(tb.cancelled()).toBe(true);
      expect(yield* tc).toBe(true);
    }
    loop.runUntilComplete(main());
  });

  it('passes the lock on when a waiter is cancelled after release() woke it', () => {
    const { loop, trace, log } = virtualLoop();
    const lock = new Lock();
    function* contender(name: string): Coroutine<void> {
      try {
        yield* lock.acquire();
      } catch (error) {
        log(`${name} ${(error as Error).name}`);
        throw error;
      }
      log(`${name} acquired`);
      lock.release();
    }
    function* main(): Coroutine<void> {
      yield* lock.acquire();
      const tb = loop.createTask(contender('B'));
      const tc = loop.createTask(contender('C'));
      yield* sleep(0);
      lock.release(); // wakes B's waiter: its future now holds a result
      tb.cancel(); // ...but B is cancelled before it runs
      yield* sleep(0);
      yield* sleep(0);
      expect(tb.cancelled()).toBe(true);
      expect(tc.done()).toBe(true);
      expect(lock.locked()).toBe(false);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 B CancelledError', '0 C acquired']);
  });

  it('does not let a new acquirer barge past a woken waiter (3.12 fairness)', () => {
    const { loop, trace, log } = virtualLoop();
    const lock = new Lock();
    function* contender(name: string): Coroutine<void> {
      log(`${name} wants`);
      yield* lock.acquire();
      log(`${name} acquired`);
      yield* sleep(1);
      lock.release();
    }
    function* main(): Coroutine<void> {
      yield* lock.acquire();
      const waiter = loop.createTask(contender('waiter'));
      yield* sleep(0);
      lock.release();
      // The lock is free but promised to `waiter`, which has not run yet: this acquire must queue.
      expect(lock.locked()).toBe(false);
      log('main wants');
      yield* lock.acquire();
      log('main acquired');
      yield* waiter;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 waiter wants', '0 main wants', '0 waiter acquired', '1 main acquired']);
  });

  it('is taken at once when it is free and every queued waiter was cancelled', () => {
    const { loop } = virtualLoop();
    const lock = new Lock();
    function* main(): Coroutine<void> {
      yield* lock.acquire();
      const waiter = loop.createTask(lock.acquire());
      yield* sleep(0);
      waiter.cancel(); // its future is cancelled but it is still queued until it runs
      lock.release();
      expect(waitersOf(lock).length).toBe(1);
      // No wait: this acquire does not suspend, so the cancelled waiter is still queued afterwards.
      const gen = lock.acquire();
      expect(gen.next()).toEqual({ value: true, done: true });
      expect(lock.locked()).toBe(true);
      yield* sleep(0);
      expect(waiter.cancelled()).toBe(true);
      expect(waitersOf(lock).length).toBe(0);
      expect(lock.locked()).toBe(true);
    }
    loop.runUntilComplete(main());
  });

  it('withLock runs the body holding the lock and returns its value', () => {
    const { loop, trace, log } = virtualLoop();
    const lock = new Lock();
    function* critical(name: string): Coroutine<string> {
      return yield* lock.withLock(function* () {
        log(`${name} in (locked=${String(lock.locked())})`);
        yield* sleep(5);
        log(`${name} out`);
        return name.toUpperCase();
      });
    }
    function* main(): Coroutine<string[]> {
      const a = loop.createTask(critical('a'));
      const b = loop.createTask(critical('b'));
      const results = [yield* a, yield* b];
      expect(lock.locked()).toBe(false);
      return results;
    }
    expect(loop.runUntilComplete(main())).toEqual(['A', 'B']);
    expect(trace).toEqual(['0 a in (locked=true)', '5 a out', '5 b in (locked=true)', '10 b out']);
  });

  it('withLock releases when the body throws or is cancelled, and does not release a lock it never got', () => {
    const { loop, trace, log } = virtualLoop();
    const lock = new Lock();
    function* main(): Coroutine<void> {
      try {
        yield* lock.withLock(function* (): Coroutine<never> {
          yield* sleep(1);
          throw new Error('boom');
        });
      } catch (error) {
        log(`caught ${(error as Error).message}, locked=${String(lock.locked())}`);
      }
      const sleeper = loop.createTask(
        lock.withLock(function* () {
          yield* sleep(100);
        }),
      );
      yield* sleep(10);
      expect(lock.locked()).toBe(true);
      // A second task queues for the lock and is cancelled while waiting: it must not release.
      const queued = loop.createTask(lock.withLock(function* () {}));
      yield* sleep(0);
      queued.cancel();
      yield* sleep(0);
      log(`queued cancelled=${String(queued.cancelled())}, locked=${String(lock.locked())}`);
      sleeper.cancel();
      yield* sleep(0);
      log(`sleeper cancelled=${String(sleeper.cancelled())}, locked=${String(lock.locked())}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual([
      '1 caught boom, locked=false',
      '11 queued cancelled=true, locked=true',
      '11 sleeper cancelled=true, locked=false',
    ]);
  });

  it('is bound to the loop of its first wait', () => {
    const lock = new Lock();
    const first = new EventLoop({ clock: 'virtual' });
    function* holdAndWait(): Coroutine<void> {
      yield* lock.acquire();
      const other = first.createTask(lock.acquire());
      yield* sleep(0);
      lock.release();
      yield* other;
      lock.release();
    }
    first.runUntilComplete(holdAndWait());
    const second = new EventLoop({ clock: 'virtual' });
    function* elsewhere(): Coroutine<string> {
      yield* lock.acquire(); // free: taken without touching any loop
      const contender = second.createTask(lock.acquire());
      try {
        yield* contender;
        return 'no error';
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    }
    expect(second.runUntilComplete(elsewhere())).toBe('RuntimeError: <Lock [locked]> is bound to a different event loop');
  });

  it('works under the real clock with run()', async () => {
    const lock = new Lock();
    const order: string[] = [];
    function* worker(name: string): Coroutine<void> {
      yield* lock.withLock(function* () {
        order.push(`${name}+`);
        yield* sleep(2);
        order.push(`${name}-`);
      });
    }
    function* realMain(): Coroutine<string[]> {
      const tasks = ['x', 'y', 'z'].map((name) => createTask(worker(name)));
      for (const task of tasks) yield* task;
      return order;
    }
    await expect(run(realMain())).resolves.toEqual(['x+', 'x-', 'y+', 'y-', 'z+', 'z-']);
  });
});

