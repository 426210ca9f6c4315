import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { PriorityQueue, naturalOrder } from '../../runtime/priority-queue.js';
import { QueueEmpty, QueueFull } from '../../runtime/queue.js';
import { sleep } from '../../runtime/sleep.js';
import { thrownBy, virtualLoop } from './helpers.js';

describe('naturalOrder', () => {
  it('orders numbers, bigints, booleans and strings by value', () => {
    expect(naturalOrder(1, 2)).toBeLessThan(0);
    expect(naturalOrder(2, 1)).toBeGreaterThan(0);
    expect(naturalOrder(3, 3)).toBe(0);
    expect(naturalOrder(1n, 2)).toBeLessThan(0);
    expect(naturalOrder(false, 1)).toBeLessThan(0);
    expect(naturalOrder('abc', 'abd')).toBeLessThan(0);
    expect(naturalOrder('b', 'a')).toBeGreaterThan(0);
  });

  it('orders arrays like Python tuples: element by element, a prefix first', () => {
    expect(naturalOrder([1, 'b'], [1, 'a'])).toBeGreaterThan(0);
    expect(naturalOrder([1, 'z'], [2, 'a'])).toBeLessThan(0);
    expect(naturalOrder([1], [1, 0])).toBeLessThan(0);
    expect(naturalOrder([[1, 2], 3], [[1, 2], 3])).toBe(0);
    const same = { id: 1 };
    expect(naturalOrder([1, same], [1, same])).toBe(0); // identical elements are never compared
  });

  it('throws TypeError for values Python cannot order', () => {
    const error = thrownBy(() => naturalOrder([1, { a: 1 }], [1, { a: 2 }]));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("'<' not supported between instances of 'Object' and 'Object'");
    expect(thrownBy(() => naturalOrder(1, 'a'))).toBeInstanceOf(TypeError);
    expect(thrownBy(() => naturalOrder(null, null))).toBeInstanceOf(TypeError);
  });
});

describe('PriorityQueue', () => {
  it('returns the smallest item first (numbers)', () => {
    const queue = new PriorityQueue<number>();
    for (const item of [5, 1, 4, 2, 3, 0, 9]) queue.putNowait(item);
    const out: number[] = [];
    while (!queue.empty()) out.push(queue.getNowait());
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 9]);
    expect(thrownBy(() => queue.getNowait())).toBeInstanceOf(QueueEmpty);
  });

  it('takes [priority, item] tuples like Python', () => {
    const queue = new PriorityQueue<[number, string]>();
    for (const entry of [[2, 'b'], [1, 'z'], [2, 'a'], [0, 'first']] as [number, string][]) queue.putNowait(entry);
    const out: string[] = [];
    while (!queue.empty()) out.push(queue.getNowait()[1]);
    expect(out).toEqual(['first', 'z', 'a', 'b']);
  });

  it('takes a comparator, and keeps insertion order among ties', () => {
    interface Job {
      name: string;
      priority: number;
    }
    const queue = new PriorityQueue<Job>(0, (a, b) => a.priority - b.priority);
    const jobs: Job[] = [
      { name: 'low-1', priority: 5 },
      { name: 'high-1', priority: 1 },
      { name: 'low-2', priority: 5 },
      { name: 'high-2', priority: 1 },
      { name: 'mid', priority: 3 },
      { name: 'high-3', priority: 1 },
      { name: 'low-3', priority: 5 },
    ];
    for (const job of jobs) queue.putNowait(job);
    const out: string[] = [];
    while (!queue.empty()) out.push(queue.getNowait().name);
    expect(out).toEqual(['high-1', 'high-2', 'high-3', 'mid', 'low-1', 'low-2', 'low-3']);
  });

  it('agrees with a sort over many interleaved puts and gets (stable on ties)', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const queue = new PriorityQueue<[number, number]>(0, (a, b) => a[0] - b[0]);
    const model: [number, number][] = [];
    let serial = 0;
    for (let step = 0; step < 3000; step++) {
      if (random() < 0.6 || model.length === 0) {
        const entry: [number, number] = [Math.floor(random() * 20), serial++];
        queue.putNowait(entry);
        model.push(entry);
      } else {
        model.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(queue.getNowait()).toEqual(model.shift());
      }
      expect(queue.qsize()).toBe(model.length);
    }
  });

  it('throws TypeError like Python when tuples tie on priority and the items cannot be ordered', () => {
    const queue = new PriorityQueue<[number, object]>();
    queue.putNowait([1, {}]);
    expect(thrownBy(() => queue.putNowait([1, {}]))).toBeInstanceOf(TypeError);
    queue.putNowait([0, {}]);
    // The failed put changed nothing: not the heap, not the count of unfinished items.
    expect(queue.qsize()).toBe(2);
    expect(queue.getNowait()[0]).toBe(0);
    expect(queue.getNowait()[0]).toBe(1);
    queue.taskDone();
    queue.taskDone();
    expect(thrownBy(() => queue.taskDone())).toBeInstanceOf(Error);
  });

  it('respects maxsize, and waiting getters get the smallest item at the time they run', () => {
    const { loop, trace, log } = virtualLoop();
    const queue = new PriorityQueue<number>(2);
    function* main(): Coroutine<void> {
      const getter = loop.createTask(
        (function* (): Coroutine<void> {
          log(`got ${yield* queue.get()}`);
        })(),
      );
      yield* sleep(1);
      queue.putNowait(5); // wakes the getter...
      queue.putNowait(3); // ...which, when it runs, takes the smallest item
      expect(queue.full()).toBe(true);
      expect(thrownBy(() => queue.putNowait(1))).toBeInstanceOf(QueueFull);
      yield* getter;
      log(`left ${queue.getNowait()}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['1 got 3', '1 left 5']);
  });
});
