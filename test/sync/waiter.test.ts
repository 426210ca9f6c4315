import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, InvalidStateError, RuntimeError } from '../../runtime/errors.js';
import { Future } from '../../runtime/future.js';
import { Queue } from '../../runtime/queue.js';
import { sleep } from '../../runtime/sleep.js';
import { Waiter } from '../../runtime/waiter.js';
import { thrownBy, virtualLoop } from './helpers.js';

/** What a primitive's waiter does for the task parked on it (runtime/waiter.ts, Task.park). */
describe('Waiter', () => {
  function describeError(error: unknown): string {
    return `${(error as Error).name}(${(error as Error).message})`;
  }

  it('a task parked on a waiter runs again once it is woken, and `yield* waiter` is the value', () => {
    const { loop, trace, log } = virtualLoop();
    const waiter = new Waiter<string>();
    function* parked(): Coroutine<void> {
      log('parks');
      log(`woken with ${yield* waiter}`);
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(parked());
      yield* sleep(1);
      log(`still parked: ${String(!task.done() && !waiter.done())}`);
      waiter.setResult('v');
      log('woke it');
      yield* task;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 parks', '1 still parked: true', '1 woke it', '1 woken with v']);
    expect([waiter.done(), waiter.cancelled()]).toEqual([true, false]);
  });

  it('a woken waiter is done: a second setResult throws InvalidStateError, cancel() is false', () => {
    const waiter = new Waiter<number>();
    waiter.setResult(1);
    expect(thrownBy(() => waiter.setResult(2))).toBeInstanceOf(InvalidStateError);
    expect(waiter.cancel()).toBe(false);
    expect(waiter.cancelled()).toBe(false);
  });

  it('cancelling a parked task cancels its waiter and throws CancelledError, with the message, where it waits', () => {
    const { loop, trace, log } = virtualLoop();
    const waiter = new Waiter<string>();
    function* parked(): Coroutine<void> {
      try {
        yield* waiter;
        log('not reached');
      } catch (error) {
        log(`caught ${describeError(error)}`);
        throw error;
      } finally {
        log('finally');
      }
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(parked());
      yield* sleep(1);
      expect(task.cancel('stop')).toBe(true);
      log(`waiter cancelled: ${String(waiter.cancelled())}`);
      try {
        yield* task;
      } catch (error) {
        log(`task ${describeError(error)}`);
      }
      expect(task.cancelled()).toBe(true);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['1 waiter cancelled: true', '1 caught CancelledError(stop)', '1 finally', '1 task CancelledError(stop)']);
    // Cancelled waiters are skipped by the primitives' wake-ups; waking one is an error.
    expect(thrownBy(() => waiter.setResult('late'))).toBeInstanceOf(InvalidStateError);
  });

  it('cancelling the waiter itself wakes its task with CancelledError', () => {
    const { loop, trace, log } = virtualLoop();
    const waiter = new Waiter<void>();
    function* parked(): Coroutine<void> {
      try {
        yield* waiter;
      } catch (error) {
        log(`caught ${describeError(error)}`);
      }
      log('goes on');
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(parked());
      yield* sleep(1);
      expect(waiter.cancel('gone')).toBe(true);
      expect(waiter.cancel('again')).toBe(false);
      yield* task;
      expect(task.cancelled()).toBe(false);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['1 caught CancelledError(gone)', '1 goes on']);
  });

  it('a task woken and then cancelled before it runs sees CancelledError; its waiter stays woken', () => {
    const { loop, trace, log } = virtualLoop();
    const waiter = new Waiter<string>();
    function* parked(): Coroutine<void> {
      try {
        log(`got ${yield* waiter}`);
      } catch (error) {
        log(`caught ${describeError(error)}`);
      }
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(parked());
      yield* sleep(1);
      waiter.setResult('v');
      expect(task.cancel('late')).toBe(true);
      yield* task;
      expect([waiter.done(), waiter.cancelled()]).toEqual([true, false]);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['1 caught CancelledError(late)']);
  });

  it('a task cancelled while it runs, before it parks, has its waiter cancelled as it parks', () => {
    const { loop, trace, log } = virtualLoop();
    const waiter = new Waiter<string>();
    const self: { task: { cancel(message?: string): boolean } | null } = { task: null };
    function* parked(): Coroutine<void> {
      self.task?.cancel('early');
      try {
        yield* waiter;
      } catch (error) {
        log(`caught ${describeError(error)}`);
      }
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(parked());
      self.task = task;
      yield* task;
      log(`waiter cancelled: ${String(waiter.cancelled())}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 caught CancelledError(early)', '0 waiter cancelled: true']);
  });

  it('`yield* waiter` on a waiter already woken goes on at once, without giving up its turn', () => {
    const { loop, trace, log } = virtualLoop();
    const waiter = new Waiter<string>();
    waiter.setResult('ready');
    function* other(): Coroutine<void> {
      log('other runs');
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(other());
      log(`got ${yield* waiter}`);
      yield* task;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 got ready', '0 other runs']);
  });

  it('driven by hand: yields itself, throws RuntimeError if resumed while pending, and gives its value once woken', () => {
    const pending = new Waiter<string>();
    const early = pending[Symbol.iterator]();
    expect(early.next().value).toBe(pending);
    expect(thrownBy(() => early.next())).toBeInstanceOf(RuntimeError);

    const woken = new Waiter<string>();
    const byHand = woken[Symbol.iterator]();
    expect(byHand.next().value).toBe(woken);
    woken.setResult('v');
    expect(byHand.next()).toEqual({ value: 'v', done: true });

    const cancelled = new Waiter<string>();
    cancelled.cancel('why');
    const error = thrownBy(() => cancelled[Symbol.iterator]().next());
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe('why');
  });

  it('a blocked Queue.get queues a Waiter, not a Future, and its task parks on it', () => {
    const { loop } = virtualLoop();
    const queue = new Queue<number>();
    const getters = (queue as unknown as { getters: { length: number; at(index: number): unknown } }).getters;
    function* getter(): Coroutine<number> {
      return yield* queue.get();
    }
    function* main(): Coroutine<number> {
      const task = loop.createTask(getter());
      yield* sleep(1);
      const queued = getters.at(0);
      expect(queued).toBeInstanceOf(Waiter);
      expect(queued).not.toBeInstanceOf(Future);
      expect((task as unknown as { parkedOn: unknown }).parkedOn).toBe(queued);
      queue.putNowait(7);
      return yield* task;
    }
    expect(loop.runUntilComplete(main())).toBe(7);
    expect(getters.length).toBe(0);
  });

  it('a Queue ping-pong leaves no waiter registered once it is over', () => {
    const { loop } = virtualLoop();
    const queue = new Queue<number>(1);
    function* consumer(): Coroutine<number> {
      let sum = 0;
      for (let i = 0; i < 100; i++) sum += yield* queue.get();
      return sum;
    }
    function* producer(): Coroutine<void> {
      for (let i = 0; i < 100; i++) yield* queue.put(i);
    }
    function* main(): Coroutine<number> {
      const feeding = loop.createTask(producer());
      const sum = yield* consumer();
      yield* feeding;
      const getters = (queue as unknown as { getters: { length: number } }).getters;
      const putters = (queue as unknown as { putters: { length: number } }).putters;
      expect([getters.length, putters.length]).toEqual([0, 0]);
      return sum;
    }
    expect(loop.runUntilComplete(main())).toBe(4950);
  });
});
