import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, ValueError } from '../../runtime/errors.js';
import { LifoQueue } from '../../runtime/lifo-queue.js';
import { Queue, QueueEmpty, QueueFull, QueueShutDown } from '../../runtime/queue.js';
import { run, createTask } from '../../runtime/run.js';
import { sleep } from '../../runtime/sleep.js';
import type { Task } from '../../runtime/task.js';
import { thrownBy, virtualLoop, waitersOf } from './helpers.js';

function errorName(error: unknown): string {
  return (error as Error).name;
}

describe('Queue basics', () => {
  it('reports maxsize, qsize, empty and full', () => {
    const queue = new Queue<number>(2);
    expect(queue.maxsize).toBe(2);
    expect([queue.qsize(), queue.empty(), queue.full()]).toEqual([0, true, false]);
    queue.putNowait(1);
    expect([queue.qsize(), queue.empty(), queue.full()]).toEqual([1, false, false]);
    queue.putNowait(2);
    expect([queue.qsize(), queue.empty(), queue.full()]).toEqual([2, false, true]);
    expect(new Queue().maxsize).toBe(0);
    expect(String(queue)).toBe('<Queue maxsize=2 tasks=2>');
  });

  it('is never full when maxsize <= 0', () => {
    for (const maxsize of [0, -1]) {
      const queue = new Queue<number>(maxsize);
      for (let i = 0; i < 1000; i++) queue.putNowait(i);
      expect(queue.full()).toBe(false);
      expect(queue.qsize()).toBe(1000);
    }
  });

  it('compares qsize with a fractional maxsize like Python (test_float_maxsize)', () => {
    const queue = new Queue<number>(1.3);
    queue.putNowait(1);
    queue.putNowait(2);
    expect(queue.full()).toBe(true);
    expect(thrownBy(() => queue.putNowait(3))).toBeInstanceOf(QueueFull);
  });

  it('is FIFO, through a ring buffer that grows and wraps', () => {
    const queue = new Queue<number>();
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 7; i++) queue.putNowait(next++);
      for (let i = 0; i < 5; i++) out.push(queue.getNowait());
    }
    while (!queue.empty()) out.push(queue.getNowait());
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
  });

  it('getNowait on empty throws QueueEmpty; putNowait on full throws QueueFull', () => {
    const queue = new Queue<string>(1);
    expect(thrownBy(() => queue.getNowait())).toBeInstanceOf(QueueEmpty);
    queue.putNowait('a');
    const error = thrownBy(() => queue.putNowait('b'));
    expect(error).toBeInstanceOf(QueueFull);
    expect(errorName(error)).toBe('QueueFull');
    expect(queue.getNowait()).toBe('a');
  });

  it('LifoQueue returns the newest item first', () => {
    const queue = new LifoQueue<number>();
    for (const item of [1, 3, 2]) queue.putNowait(item);
    expect(queue.qsize()).toBe(3);
    expect([queue.getNowait(), queue.getNowait(), queue.getNowait()]).toEqual([2, 3, 1]);
    expect(thrownBy(() => queue.getNowait())).toBeInstanceOf(QueueEmpty);
  });

  it('get and put do not suspend when they need not wait', () => {
    const queue = new Queue<number>(1);
    expect(queue.put(7).next()).toEqual({ value: undefined, done: true });
    expect(queue.get().next()).toEqual({ value: 7, done: true });
  });
});

describe('Queue waiting', () => {
  it('a blocked get returns the item put later (test_blocking_get_wait)', () => {
    const { loop, trace, log } = virtualLoop();
    const queue = new Queue<string>();
    function* consumer(): Coroutine<string> {
      log('get');
      const item = yield* queue.get();
      log(`got ${item}`);
      return item;
    }
    function* main(): Coroutine<string> {
      const task = loop.createTask(consumer());
      yield* sleep(10);
      log('put');
      queue.putNowait('x');
      return yield* task;
    }
    expect(loop.runUntilComplete(main())).toBe('x');
    expect(trace).toEqual(['0 get', '10 put', '10 got x']);
  });

  it('getters are served in arrival order', () => {
    const { loop, trace, log } = virtualLoop();
    const queue = new Queue<number>();
    function* getter(name: string): Coroutine<void> {
      log(`${name} got ${yield* queue.get()}`);
    }
    function* main(): Coroutine<void> {
      const tasks = ['g1', 'g2', 'g3'].map((name) => loop.createTask(getter(name)));
      yield* sleep(1);
      for (const item of [10, 20, 30]) yield* queue.put(item);
      for (const task of tasks) yield* task;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['1 g1 got 10', '1 g2 got 20', '1 g3 got 30']);
  });

  it('putters on a full queue are served in arrival order, each when a slot frees', () => {
    const { loop, trace, log } = virtualLoop();
    const queue = new Queue<string>(1);
    function* putter(item: string): Coroutine<void> {
      yield* queue.put(item);
      log(`put ${item}`);
    }
    function* main(): Coroutine<void> {
      queue.putNowait('first');
      const tasks = ['a', 'b', 'c'].map((item) => loop.createTask(putter(item)));
      for (let i = 0; i < 4; i++) {
        yield* sleep(5);
        log(`get ${yield* queue.get()}`);
      }
      for (const task of tasks) yield* task;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['5 get first', '5 put a', '10 get a', '10 put b', '15 get b', '15 put c', '20 get c']);
  });

  it('runs producer and consumer in lockstep with maxsize 1 (full trace)', () => {
    const { loop, trace, log } = virtualLoop();
    const queue = new Queue<number>(1);
    function* producer(): Coroutine<void> {
      for (let i = 1; i <= 4; i++) {
        yield* sleep(1); // producing takes 1 ms
        log(`put ${i}`);
        yield* queue.put(i);
        log(`put ${i} done`);
      }
    }
    function* consumer(): Coroutine<number> {
      let sum = 0;
      for (let i = 1; i <= 4; i++) {
        const item = yield* queue.get();
        log(`got ${item}`);
        sum += item;
        yield* sleep(3); // consuming takes 3 ms: the producer has to wait for the slot
      }
      return sum;
    }
    function* main(): Coroutine<number> {
      const producing = loop.createTask(producer());
      const consuming = loop.createTask(consumer());
      yield* producing;
      return yield* consuming;
    }
    expect(loop.runUntilComplete(main())).toBe(10);
    expect(trace).toEqual([
      '1 put 1', '1 put 1 done', '1 got 1',
      '2 put 2', '2 put 2 done',
      '3 put 3', // full: waits for the consumer
      '4 got 2', '4 put 3 done',
      '5 put 4',
      '7 got 3', '7 put 4 done',
      '10 got 4',
    ]);
  });

  it('a getter woken by a put but cancelled before it runs passes the item to the next getter (test_get_cancelled_race)', () => {
    const { loop, trace, log } = virtualLoop();
    const queue = new Queue<string>();
    function* getter(name: string): Coroutine<void> {
      try {
        log(`${name} got ${yield* queue.get()}`);
      } catch (error) {
        log(`${name} ${errorName(error)}`);
      }
    }
    function* main(): Coroutine<void> {
      const g1 = loop.createTask(getter('g1'));
      const g2 = loop.createTask(getter('g2'));
      yield* sleep(1);
      queue.putNowait('item'); // wakes g1...
      g1.cancel(); // ...which is cancelled before it runs
      yield* g1;
      yield* g2;
      expect(queue.empty()).toBe(true);
      expect(waitersOf(queue, 'getters').length).toBe(0);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['1 g1 CancelledError', '1 g2 got item']);
  });

  it('a putter woken by a get but cancelled before it runs passes the slot to the next putter (test_put_cancelled_race)', () => {
    const { loop, trace, log } = virtualLoop();
    const queue = new Queue<string>(1);
    function* putter(item: string): Coroutine<void> {
      try {
        yield* queue.put(item);
        log(`put ${item}`);
      } catch (error) {
        log(`${item} ${errorName(error)}`);
      }
    }
    function* main(): Coroutine<void> {
      queue.putNowait('x');
      const p1 = loop.createTask(putter('a'));
      const p2 = loop.createTask(putter('b'));
      yield* sleep(1);
      expect(queue.getNowait()).toBe('x'); // wakes a...
      p1.cancel(); // ...cancelled before it runs
      yield* p1;
      yield* p2;
      expect(queue.getNowait()).toBe('b');
      expect(waitersOf(queue, 'putters').length).toBe(0);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['1 a CancelledError', '1 put b']);
  });

  it('cancelled getters and putters do not stay queued (test_cancelled_getters_not_being_held_in_self_getters)', () => {
    const { loop } = virtualLoop();
    const queue = new Queue<number>(1);
    function* main(): Coroutine<void> {
      const getter = loop.createTask(queue.get());
      yield* sleep(0);
      expect(waitersOf(queue, 'getters').length).toBe(1);
      getter.cancel();
      yield* sleep(0);
      expect(getter.cancelled()).toBe(true);
      expect(waitersOf(queue, 'getters').length).toBe(0);

      queue.putNowait(1);
      const putter = loop.createTask(queue.put(2));
      yield* sleep(0);
      expect(waitersOf(queue, 'putters').length).toBe(1);
      putter.cancel();
      yield* sleep(0);
      expect(putter.cancelled()).toBe(true);
      expect(waitersOf(queue, 'putters').length).toBe(0);
      expect(queue.qsize()).toBe(1);
    }
    loop.runUntilComplete(main());
  });

  it('a cancelled get loses no item: the item stays for the next get', () => {
    const { loop } = virtualLoop();
    const queue = new Queue<number>();
    function* main(): Coroutine<number> {
      const getter = loop.createTask(queue.get());
      yield* sleep(5);
      getter.cancel();
      yield* sleep(0);
      queue.putNowait(42);
      return yield* queue.get();
    }
    expect(loop.runUntilComplete(main())).toBe(42);
  });

  it('is bound to one loop', () => {
    const queue = new Queue<number>();
    bindToOwnLoop(queue);
    const second = virtualLoop().loop;
    function* main(): Coroutine<string> {
      try {
        yield* queue.get();
        return 'got';
      } catch (error) {
        return `${errorName(error)}: ${(error as Error).message}`;
      }
    }
    expect(second.runUntilComplete(main())).toBe('RuntimeError: <Queue maxsize=0 tasks=1> is bound to a different event loop');
  });
});

/** Makes `queue` wait once on a loop of its own, which binds it there. */
function bindToOwnLoop(queue: Queue<number>): void {
  const { loop } = virtualLoop();
  function* main(): Coroutine<void> {
    const getter = loop.createTask(queue.get());
    yield* sleep(0);
    queue.putNowait(1);
    yield* getter;
  }
  loop.runUntilComplete(main());
}

describe('Queue taskDone / join', () => {
  it('join waits until every item put has been marked done', () => {
    const { loop, trace, log } = virtualLoop();
    const queue = new Queue<number>();
    function* worker(name: string): Coroutine<void> {
      for (;;) {
        const item = yield* queue.get();
        yield* sleep(item);
        log(`${name} did ${item}`);
        queue.taskDone();
      }
    }
    function* main(): Coroutine<void> {
      for (const item of [5, 2, 4, 1]) queue.putNowait(item);
      const workers = [loop.createTask(worker('w1')), loop.createTask(worker('w2'))];
      yield* queue.join();
      log('joined');
      for (const task of workers) task.cancel();
      for (const task of workers) {
        try {
          yield* task;
        } catch (error) {
          expect(error).toBeInstanceOf(CancelledError);
        }
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['2 w2 did 2', '5 w1 did 5', '6 w2 did 4', '6 w1 did 1', '6 joined']);
  });

  it('join returns at once when nothing is unfinished; taskDone too often is a ValueError', () => {
    const queue = new Queue<number>();
    expect(queue.join().next()).toEqual({ value: undefined, done: true });
    const error = thrownBy(() => queue.taskDone());
    expect(error).toBeInstanceOf(ValueError);
    expect((error as Error).message).toBe('taskDone() called too many times');
    queue.putNowait(1);
    queue.getNowait();
    queue.taskDone();
    expect(thrownBy(() => queue.taskDone())).toBeInstanceOf(ValueError);
  });

  it('counts items, not gets: join blocks until the last taskDone', () => {
    const { loop, trace, log } = virtualLoop();
    const queue = new Queue<string>();
    function* main(): Coroutine<void> {
      queue.putNowait('a');
      queue.putNowait('b');
      const joiners = [loop.createTask(queue.join()), loop.createTask(queue.join())];
      yield* sleep(1);
      queue.getNowait();
      queue.getNowait();
      queue.taskDone();
      yield* sleep(1);
      log(`after one taskDone: ${joiners.map((task) => task.done()).join(',')}`);
      queue.taskDone();
      for (const task of joiners) yield* task;
      log('both joined');
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['2 after one taskDone: false,false', '2 both joined']);
  });
});

describe('Queue shutdown (Python 3.13)', () => {
  it('shutdown(): put throws, get drains what is left then throws', () => {
    const { loop } = virtualLoop();
    const queue = new Queue<number>();
    function* main(): Coroutine<string[]> {
      const events: string[] = [];
      yield* queue.put(1);
      yield* queue.put(2);
      queue.shutdown();
      for (const action of [() => queue.putNowait(3), () => queue.put(3).next()]) {
        events.push(errorName(thrownBy(action)));
      }
      events.push(`got ${yield* queue.get()}`);
      events.push(`got ${queue.getNowait()}`);
      events.push(errorName(thrownBy(() => queue.getNowait())));
      try {
        yield* queue.get();
      } catch (error) {
        events.push(`get: ${errorName(error)}`);
      }
      return events;
    }
    expect(loop.runUntilComplete(main())).toEqual(['QueueShutDown', 'QueueShutDown', 'got 1', 'got 2', 'QueueShutDown', 'get: QueueShutDown']);
    expect(String(queue)).toBe('<Queue maxsize=0 tasks=2 shutdown>');
  });

  it('shutdown(true) discards the items, counts them done and releases join', () => {
    const { loop, trace, log } = virtualLoop();
    const queue = new Queue<number>();
    function* main(): Coroutine<void> {
      for (const item of [1, 2, 3]) queue.putNowait(item);
      queue.getNowait(); // taken but not marked done: join still waits for it
      const joiner = loop.createTask(queue.join());
      yield* sleep(1);
      queue.shutdown(true);
      expect(queue.qsize()).toBe(0);
      try {
        yield* queue.get();
      } catch (error) {
        log(`get: ${errorName(error)}`);
      }
      yield* sleep(1);
      log(`joined=${String(joiner.done())}`);
      queue.taskDone();
      yield* joiner;
      log('joined');
      expect(thrownBy(() => queue.taskDone())).toBeInstanceOf(ValueError);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['1 get: QueueShutDown', '2 joined=false', '2 joined']);
  });

  it('shutdown(true) with nothing unfinished releases join at once', () => {
    const { loop, trace, log } = virtualLoop();
    const queue = new Queue<number>();
    function* main(): Coroutine<void> {
      queue.putNowait(1);
      queue.putNowait(2);
      const joiner = loop.createTask(queue.join());
      yield* sleep(3);
      queue.shutdown(true);
      yield* joiner;
      log('joined');
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['3 joined']);
  });

  it('wakes blocked getters, which throw QueueShutDown, in order', () => {
    const { loop, trace, log } = virtualLoop();
    const queue = new Queue<number>();
    function* getter(name: string): Coroutine<void> {
      try {
        yield* queue.get();
      } catch (error) {
        log(`${name} ${errorName(error)}`);
      }
    }
    function* main(): Coroutine<void> {
      const tasks = ['g1', 'g2', 'g3'].map((name) => loop.createTask(getter(name)));
      yield* sleep(7);
      queue.shutdown();
      for (const task of tasks) yield* task;
      expect(waitersOf(queue, 'getters').length).toBe(0);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['7 g1 QueueShutDown', '7 g2 QueueShutDown', '7 g3 QueueShutDown']);
  });

  it('wakes blocked putters, which throw QueueShutDown; the items already in stay gettable', () => {
    const { loop, trace, log } = virtualLoop();
    const queue = new Queue<string>(1);
    function* putter(item: string): Coroutine<void> {
      try {
        yield* queue.put(item);
        log(`put ${item}`);
      } catch (error) {
        log(`${item} ${errorName(error)}`);
      }
    }
    function* main(): Coroutine<void> {
      queue.putNowait('kept');
      const tasks = ['a', 'b'].map((item) => loop.createTask(putter(item)));
      yield* sleep(4);
      queue.shutdown();
      for (const task of tasks) yield* task;
      log(`got ${yield* queue.get()}`);
      try {
        yield* queue.get();
      } catch (error) {
        log(`get: ${errorName(error)}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['4 a QueueShutDown', '4 b QueueShutDown', '4 got kept', '4 get: QueueShutDown']);
  });

  it('a putter woken by a get just before shutdown still throws (it has not run yet)', () => {
    const { loop, trace, log } = virtualLoop();
    const queue = new Queue<string>(1);
    function* main(): Coroutine<void> {
      queue.putNowait('x');
      const putter: Task<void> = loop.createTask(queue.put('y'));
      yield* sleep(1);
      queue.getNowait(); // wakes the putter: a slot is free
      queue.shutdown(); // ...but the queue is shut down before it runs
      try {
        yield* putter;
      } catch (error) {
        log(`putter: ${errorName(error)}`);
      }
      log(`qsize=${queue.qsize()}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['1 putter: QueueShutDown', '1 qsize=0']);
  });

  it('consumers drain a shut-down queue and stop on QueueShutDown (the 3.13 idiom)', () => {
    const { loop, trace, log } = virtualLoop();
    const queue = new Queue<number>(2);
    function* producer(): Coroutine<void> {
      for (let i = 1; i <= 5; i++) yield* queue.put(i);
      queue.shutdown();
      log('producer shut the queue down');
    }
    function* consumer(name: string): Coroutine<number[]> {
      const seen: number[] = [];
      for (;;) {
        let item: number;
        try {
          item = yield* queue.get();
        } catch (error) {
          if (!(error instanceof QueueShutDown)) throw error;
          log(`${name} stops`);
          return seen;
        }
        yield* sleep(2);
        seen.push(item);
        queue.taskDone();
      }
    }
    function* main(): Coroutine<number[][]> {
      const consumers = [loop.createTask(consumer('c1')), loop.createTask(consumer('c2'))];
      const producing = loop.createTask(producer());
      const results = [yield* consumers[0] as Task<number[]>, yield* consumers[1] as Task<number[]>];
      yield* producing;
      yield* queue.join();
      return results;
    }
    expect(loop.runUntilComplete(main())).toEqual([[1, 3, 5], [2, 4]]);
    expect(trace).toEqual(['2 producer shut the queue down', '4 c2 stops', '6 c1 stops']);
  });
});

describe('Queue under the real clock', () => {
  it('passes items between tasks with run()', async () => {
    function* main(): Coroutine<string[]> {
      const queue = new Queue<string>(1);
      const received: string[] = [];
      const consumer = createTask(
        (function* (): Coroutine<void> {
          for (;;) {
            const item = yield* queue.get();
            if (item === 'end') return;
            received.push(item);
          }
        })(),
      );
      for (const item of ['a', 'b', 'c']) {
        yield* queue.put(item);
        yield* sleep(1);
      }
      yield* queue.put('end');
      yield* consumer;
      return received;
    }
    await expect(run(main())).resolves.toEqual(['a', 'b', 'c']);
  });
});
