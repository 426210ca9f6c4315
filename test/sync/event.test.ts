import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError } from '../../runtime/errors.js';
import { Event } from '../../runtime/event.js';
import { sleep } from '../../runtime/sleep.js';
import { virtualLoop, waitersOf } from './helpers.js';

describe('Event', () => {
  it('starts unset; set/clear/isSet', () => {
    const event = new Event();
    expect(event.isSet()).toBe(false);
    event.set();
    expect(event.isSet()).toBe(true);
    event.clear();
    expect(event.isSet()).toBe(false);
    expect(String(event)).toBe('<Event [unset]>');
  });

  it('wakes every waiter on set(); a wait that starts while set returns at once (CPython test_wait)', () => {
    const { loop } = virtualLoop();
    const event = new Event();
    const result: number[] = [];
    function* waiter(id: number): Coroutine<boolean> {
      const value = yield* event.wait();
      if (value) result.push(id);
      return value;
    }
    function* main(): Coroutine<void> {
      const t1 = loop.createTask(waiter(1));
      const t2 = loop.createTask(waiter(2));
      yield* sleep(0);
      expect(result).toEqual([]);
      const t3 = loop.createTask(waiter(3));
      event.set();
      yield* sleep(0);
      // t3 was scheduled before set() woke t1 and t2, and finds the flag already set.
      expect(result).toEqual([3, 1, 2]);
      expect([t1.result(), t2.result(), t3.result()]).toEqual([true, true, true]);
    }
    loop.runUntilComplete(main());
  });

  it('does not suspend when already set', () => {
    const event = new Event();
    event.set();
    expect(event.wait().next()).toEqual({ value: true, done: true });
  });

  it('releases all waiters at the time of set(), in arrival order', () => {
    const { loop, trace, log } = virtualLoop();
    const event = new Event();
    function* waiter(name: string, startMs: number): Coroutine<void> {
      yield* sleep(startMs);
      log(`${name} waits`);
      yield* event.wait();
      log(`${name} woke`);
    }
    function* main(): Coroutine<void> {
      const tasks = [loop.createTask(waiter('a', 5)), loop.createTask(waiter('b', 1)), loop.createTask(waiter('c', 3))];
      yield* sleep(10);
      log('set');
      event.set();
      for (const task of tasks) yield* task;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['1 b waits', '3 c waits', '5 a waits', '10 set', '10 b woke', '10 c woke', '10 a woke']);
  });

  it('removes a cancelled waiter', () => {
    const { loop } = virtualLoop();
    const event = new Event();
    function* main(): Coroutine<string> {
      const waiting = loop.createTask(event.wait());
      loop.callSoon(() => waiting.cancel());
      try {
        yield* waiting;
      } catch (error) {
        expect(error).toBeInstanceOf(CancelledError);
      }
      expect(waitersOf(event).length).toBe(0);
      return waiting.cancelled() ? 'cancelled' : 'not cancelled';
    }
    expect(loop.runUntilComplete(main())).toBe('cancelled');
  });

  it('keeps the wake-up of waiters when clear() follows set() at once (CPython test_clear_with_waiters)', () => {
    const { loop } = virtualLoop();
    const event = new Event();
    const result: number[] = [];
    function* waiter(): Coroutine<boolean> {
      if (yield* event.wait()) result.push(1);
      return true;
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(waiter());
      yield* sleep(0);
      expect(result).toEqual([]);
      event.set();
      event.clear();
      expect(event.isSet()).toBe(false);
      event.set();
      event.set();
      expect(waitersOf(event).length).toBe(1);
      yield* sleep(0);
      expect(result).toEqual([1]);
      expect(waitersOf(event).length).toBe(0);
      expect(task.result()).toBe(true);
    }
    loop.runUntilComplete(main());
  });

  it('blocks again after clear()', () => {
    const { loop, trace, log } = virtualLoop();
    const event = new Event();
    function* waiter(): Coroutine<void> {
      yield* event.wait();
      log('first wake');
      event.clear();
      yield* event.wait();
      log('second wake');
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(waiter());
      yield* sleep(1);
      event.set();
      yield* sleep(1);
      expect(event.isSet()).toBe(false);
      yield* sleep(3);
      event.set();
      yield* task;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['1 first wake', '5 second wake']);
  });
});
