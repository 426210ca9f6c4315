import { describe, expect, it } from 'vitest';
import { Barrier } from '../../runtime/barrier.js';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, ValueError } from '../../runtime/errors.js';
import { createTask, run } from '../../runtime/run.js';
import { sleep } from '../../runtime/sleep.js';
import type { Task } from '../../runtime/task.js';
import { thrownBy, virtualLoop } from './helpers.js';

function* settle<T>(tasks: Task<T>[]): Coroutine<(T | string)[]> {
  const results: (T | string)[] = [];
  for (const task of tasks) {
    try {
      results.push(yield* task);
    } catch (error) {
      results.push((error as Error).name);
    }
  }
  return results;
}

describe('Barrier', () => {
  it('needs at least one party', () => {
    for (const parties of [0, -4, Number.NaN]) expect(thrownBy(() => new Barrier(parties))).toBeInstanceOf(ValueError);
    const barrier = new Barrier(5);
    expect([barrier.parties, barrier.nWaiting, barrier.broken]).toEqual([5, 0, false]);
    expect(String(barrier)).toBe('<Barrier [filling, waiters:0/5]>');
  });

  it('releases everyone when the last party arrives; indices follow arrival order', () => {
    const { loop, trace, log } = virtualLoop();
    const barrier = new Barrier(3);
    function* party(name: string, arriveMs: number): Coroutine<number> {
      yield* sleep(arriveMs);
      log(`${name} arrives (waiting ${barrier.nWaiting})`);
      const index = yield* barrier.wait();
      log(`${name} passes with ${index}`);
      return index;
    }
    function* main(): Coroutine<(number | string)[]> {
      const tasks = [loop.createTask(party('a', 1)), loop.createTask(party('b', 5)), loop.createTask(party('c', 3))];
      return yield* settle(tasks);
    }
    expect(loop.runUntilComplete(main())).toEqual([0, 2, 1]);
    expect(trace).toEqual([
      '1 a arrives (waiting 0)',
      '3 c arrives (waiting 1)',
      '5 b arrives (waiting 2)',
      '5 b passes with 2',
      '5 a passes with 0',
      '5 c passes with 1',
    ]);
    expect([barrier.nWaiting, barrier.broken]).toEqual([0, false]);
  });

  it('a one-party barrier passes at once, every time (test_filling_one_task_twice)', () => {
    const { loop } = virtualLoop();
    const barrier = new Barrier(1);
    function* main(): Coroutine<number[]> {
      const t1 = loop.createTask(barrier.wait());
      yield* sleep(0);
      expect(barrier.nWaiting).toBe(0);
      const t2 = loop.createTask(barrier.wait());
      yield* sleep(0);
      expect(t1.done() && t2.done()).toBe(true);
      return [t1.result(), t2.result(), yield* barrier.wait()];
    }
    expect(loop.runUntilComplete(main())).toEqual([0, 0, 0]);
  });

  it('is reusable: phase by phase, nobody starts phase k+1 before all finished phase k', () => {
    const { loop, trace, log } = virtualLoop();
    const barrier = new Barrier(3);
    const work: Record<string, number[]> = { a: [1, 4, 1], b: [3, 1, 1], c: [2, 2, 5] };
    function* party(name: string): Coroutine<void> {
      for (let phase = 0; phase < 3; phase++) {
        yield* sleep((work[name] as number[])[phase] as number);
        yield* barrier.wait();
        log(`${name} phase ${phase} done`);
      }
    }
    function* main(): Coroutine<void> {
      yield* settle(['a', 'b', 'c'].map((name) => loop.createTask(party(name))));
    }
    loop.runUntilComplete(main());
    // Phase ends: max(1,3,2)=3, then 3+max(4,1,2)=7, then 7+max(1,1,5)=12.
    expect(trace.map((entry) => entry.split(' ')[0] + ' phase ' + entry.split(' ')[3])).toEqual([
      '3 phase 0', '3 phase 0', '3 phase 0',
      '7 phase 1', '7 phase 1', '7 phase 1',
      '12 phase 2', '12 phase 2', '12 phase 2',
    ]);
  });

  it('tasks arriving while it drains wait for the next round (test_blocking_tasks_while_draining)', () => {
    const { loop, trace, log } = virtualLoop();
    const barrier = new Barrier(2);
    function* party(name: string): Coroutine<number[]> {
      const first = yield* barrier.wait();
      // Re-entering at once: the barrier may still be draining the round we just left.
      const second = yield* barrier.wait();
      log(`${name} ${first}/${second}`);
      return [first, second];
    }
    function* main(): Coroutine<void> {
      yield* settle([loop.createTask(party('x')), loop.createTask(party('y'))]);
      expect(barrier.nWaiting).toBe(0);
    }
    loop.runUntilComplete(main());
    // y trips round one and re-enters while it drains, so it must wait; x drains it last, re-enters
    // the fresh round first (index 0), and y, arriving second, trips round two (index 1).
    expect(trace).toEqual(['0 y 1/1', '0 x 0/0']);
  });

  it('reset() breaks the current waiters and leaves the barrier usable (test_reset_barrier_while_tasks_waiting)', () => {
    const { loop, trace, log } = virtualLoop();
    const barrier = new Barrier(3);
    function* party(name: string): Coroutine<void> {
      try {
        yield* barrier.wait();
        log(`${name} passed`);
      } catch (error) {
        log(`${name} ${(error as Error).name}: ${(error as Error).message}`);
      }
    }
    function* main(): Coroutine<void> {
      const waiting = [loop.createTask(party('a')), loop.createTask(party('b'))];
      yield* sleep(2);
      expect(barrier.nWaiting).toBe(2);
      yield* barrier.reset();
      yield* settle(waiting);
      expect([barrier.nWaiting, barrier.broken, String(barrier)]).toEqual([0, false, '<Barrier [filling, waiters:0/3]>']);
      yield* settle(['c', 'd', 'e'].map((name) => loop.createTask(party(name))));
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual([
      '2 a BrokenBarrierError: Abort or reset of barrier',
      '2 b BrokenBarrierError: Abort or reset of barrier',
      '2 e passed',
      '2 c passed',
      '2 d passed',
    ]);
  });

  it('reset() of an empty barrier keeps it filling (test_reset_barrier)', () => {
    const { loop } = virtualLoop();
    const barrier = new Barrier(1);
    function* main(): Coroutine<void> {
      yield* barrier.reset();
      expect([barrier.nWaiting, barrier.broken]).toEqual([0, false]);
      expect(yield* barrier.wait()).toBe(0);
    }
    loop.runUntilComplete(main());
  });

  it('abort() breaks waiters and every later wait until reset()', () => {
    const { loop, trace, log } = virtualLoop();
    const barrier = new Barrier(3);
    function* party(name: string): Coroutine<void> {
      try {
        log(`${name} got ${yield* barrier.wait()}`);
      } catch (error) {
        log(`${name} ${(error as Error).name}: ${(error as Error).message}`);
      }
    }
    function* main(): Coroutine<void> {
      const waiting = [loop.createTask(party('a')), loop.createTask(party('b'))];
      yield* sleep(1);
      yield* barrier.abort();
      expect(barrier.broken).toBe(true);
      expect(barrier.nWaiting).toBe(0);
      expect(String(barrier)).toBe('<Barrier [broken]>');
      yield* settle(waiting);
      yield* sleep(1);
      yield* party('late');
      yield* barrier.reset();
      expect(barrier.broken).toBe(false);
      yield* settle(['x', 'y', 'z'].map((name) => loop.createTask(party(name))));
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual([
      '1 a BrokenBarrierError: Abort or reset of barrier',
      '1 b BrokenBarrierError: Abort or reset of barrier',
      '2 late BrokenBarrierError: Barrier aborted',
      '2 z got 2',
      '2 x got 0',
      '2 y got 1',
    ]);
  });

  it('a party cancelled while filling leaves; others fill its place (test_filling_tasks_cancel_one)', () => {
    const { loop } = virtualLoop();
    const barrier = new Barrier(3);
    const passed: string[] = [];
    function* party(name: string): Coroutine<void> {
      yield* barrier.wait();
      passed.push(name);
    }
    function* main(): Coroutine<void> {
      const t1 = loop.createTask(party('t1'));
      yield* sleep(0);
      expect(barrier.nWaiting).toBe(1);
      const t2 = loop.createTask(party('t2'));
      yield* sleep(0);
      expect(barrier.nWaiting).toBe(2);
      t1.cancel();
      yield* sleep(0);
      expect(barrier.nWaiting).toBe(1);
      try {
        yield* t1;
      } catch (error) {
        expect(error).toBeInstanceOf(CancelledError);
      }
      const t3 = loop.createTask(party('t3'));
      yield* sleep(0);
      expect(barrier.nWaiting).toBe(2);
      const t4 = loop.createTask(party('t4'));
      yield* settle([t2, t3, t4]);
      expect(passed.sort()).toEqual(['t2', 't3', 't4']);
      expect([barrier.nWaiting, barrier.broken]).toEqual([0, false]);
    }
    loop.runUntilComplete(main());
  });

  it('synchronises tasks under the real clock with run()', async () => {
    const barrier = new Barrier(4);
    const arrivals: number[] = [];
    function* party(id: number): Coroutine<number> {
      // 25 ms apart: each task reads the real clock when it first steps, so gaps of a few ms could be
      // reordered by a pause between those steps on a loaded machine.
      yield* sleep(id * 25);
      arrivals.push(id);
      return yield* barrier.wait();
    }
    function* main(): Coroutine<number[]> {
      const tasks = [3, 1, 2, 0].map((id) => createTask(party(id)));
      const indices: number[] = [];
      for (const task of tasks) indices.push(yield* task);
      return indices;
    }
    const indices = await run(main());
    expect([...indices].sort()).toEqual([0, 1, 2, 3]);
    // Indices follow arrival order: task i (sleeping 25·i ms) arrives i-th.
    expect(arrivals).toEqual([0, 1, 2, 3]);
    expect(indices).toEqual([3, 1, 2, 0]);
  });
});
