/**
 * The suite's scenarios on effection (structured concurrency over generators). Effection has no bare
 * "yield to the loop": its cheapest suspension is an `action` that resolves at once (the routine
 * suspends on the effect and the reducer resumes it), which stands for a yield here. Sub-coroutines
 * are operations called with `yield*` (effection's own way: native delegation); tasks are `spawn`ed
 * and joined with `all`; the one-slot queue is made of `withResolvers`; S6 sleeps on the shared
 * VirtualClock through an `action` whose teardown cancels the timer, and the cancellation is `halt`.
 */
import { action, all, run, spawn, withResolvers, type Operation, type Task } from 'effection';
import { allSleepDelays, s6Result, type Workload } from './spec.js';
import { VirtualClock } from './virtual-clock.js';

const noTeardown = (): void => {};
const yieldNow: Operation<void> = action<void>((resolve) => {
  resolve();
  return noTeardown;
});

function* spin(count: number): Operation<number> {
  for (let i = 0; i < count; i++) yield* yieldNow;
  return count;
}

function* chain(depth: number, leafYields: number): Operation<number> {
  if (depth === 1) {
    for (let i = 0; i < leafYields; i++) yield* yieldNow;
    return 1;
  }
  return (yield* chain(depth - 1, leafYields)) + 1;
}

function* spinAll(tasks: number, yields: number): Operation<number> {
  const spinners: Task<number>[] = [];
  for (let i = 0; i < tasks; i++) spinners.push(yield* spawn(() => spin(yields)));
  let sum = 0;
  for (const count of yield* all(spinners)) sum += count;
  return sum;
}

/** A one-slot queue: `put` waits while full, `get` while empty, each woken by the other side. */
class OneSlot<T> {
  private item: T | undefined = undefined;
  private full = false;
  private wakePutter: (() => void) | null = null;
  private wakeGetter: (() => void) | null = null;

  *put(item: T): Operation<void> {
    while (this.full) {
      const { operation, resolve } = withResolvers<void>();
      this.wakePutter = resolve;
      yield* operation;
    }
    this.item = item;
    this.full = true;
    const wake = this.wakeGetter;
    this.wakeGetter = null;
    wake?.();
  }

  *get(): Operation<T> {
    while (!this.full) {
      const { operation, resolve } = withResolvers<void>();
      this.wakeGetter = resolve;
      yield* operation;
    }
    const item = this.item as T;
    this.item = undefined;
    this.full = false;
    const wake = this.wakePutter;
    this.wakePutter = null;
    wake?.();
    return item;
  }
}

function* producer(queue: OneSlot<number>, items: number): Operation<void> {
  for (let i = 0; i < items; i++) yield* queue.put(i);
}

function* consumer(queue: OneSlot<number>, items: number): Operation<number> {
  let sum = 0;
  for (let i = 0; i < items; i++) sum += yield* queue.get();
  return sum;
}

function* pingPong(items: number): Operation<number> {
  const queue = new OneSlot<number>();
  const feeding = yield* spawn(() => producer(queue, items));
  const sum = yield* consumer(queue, items);
  yield* feeding;
  return sum;
}

function* addOne(x: number): Operation<number> {
  return x + 1;
}

function* callMany(calls: number): Operation<number> {
  let total = 0;
  for (let i = 0; i < calls; i++) total = yield* addOne(total);
  return total;
}

function virtualSleep(clock: VirtualClock, ms: number): Operation<void> {
  return action<void>((resolve) => {
    const timer = clock.schedule(ms, resolve);
    return () => clock.cancel(timer);
  });
}

function* sleeper(clock: VirtualClock, delays: readonly number[], count: { completed: number; cancelled: number }): Operation<void> {
  let slept = 0;
  try {
    for (const ms of delays) {
      yield* virtualSleep(clock, ms);
      count.completed++;
      slept++;
    }
  } finally {
    if (slept < delays.length) count.cancelled++;
  }
}

function* sleepThenCancel(clock: VirtualClock, delays: readonly number[][], cancelAtMs: number): Operation<string> {
  const count = { completed: 0, cancelled: 0 };
  const sleepers: Task<void>[] = [];
  for (const perTask of delays) sleepers.push(yield* spawn(() => sleeper(clock, perTask, count)));
  yield* virtualSleep(clock, cancelAtMs);
  for (const task of sleepers) yield* task.halt();
  return s6Result(count.completed, count.cancelled);
}

export const workload: Workload = {
  S1: (p) => () => run(() => spin(p.yields)),
  'S2-10': (p) => () => run(() => chain(p.depth, p.leafYields)),
  'S2-100': (p) => () => run(() => chain(p.depth, p.leafYields)),
  S3: (p) => () => run(() => spinAll(p.tasks, p.yields)),
  S4: (p) => () => run(() => pingPong(p.items)),
  S5: (p) => () => run(() => callMany(p.calls)),
  S6: (p) => {
    const delays = allSleepDelays(p);
    return async () => {
      const clock = new VirtualClock();
      let result: string | undefined;
      const running = run(() => sleepThenCancel(clock, delays, p.cancelAtMs)).then((value) => (result = value));
      await clock.drain(() => result !== undefined);
      await running;
      return result;
    };
  },
};
