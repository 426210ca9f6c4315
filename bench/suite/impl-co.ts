/**
 * The suite's scenarios on co 4.6: generators that yield Promises, run by `co`. A yield to the loop is
 * `yield` of an already resolved Promise (co resumes on its `then`, one microtask turn); a
 * sub-coroutine is called co's way, `yield sub()` (co runs the yielded generator as a nested co and
 * resumes with its result); gather is a yielded array (co's Promise.all); the one-slot queue's
 * methods are generators called the same way; S6 sleeps are Promises on the shared VirtualClock that
 * a cancellation rejects (co has no cancellation).
 */
import co from 'co';
import { allSleepDelays, s6Result, type Workload } from './spec.js';
import { Cancelled, Sleeper, VirtualClock } from './virtual-clock.js';

type CoGenerator<T> = Generator<unknown, T, unknown>;

const resolved = Promise.resolve();

function* spin(count: number): CoGenerator<number> {
  for (let i = 0; i < count; i++) yield resolved;
  return count;
}

function* chain(depth: number, leafYields: number): CoGenerator<number> {
  if (depth === 1) {
    for (let i = 0; i < leafYields; i++) yield resolved;
    return 1;
  }
  return ((yield chain(depth - 1, leafYields)) as number) + 1;
}

function* spinAll(tasks: number, yields: number): CoGenerator<number> {
  const spinners: Promise<number>[] = [];
  for (let i = 0; i < tasks; i++) spinners.push(co(spin, yields));
  let sum = 0;
  for (const count of (yield spinners) as number[]) sum += count;
  return sum;
}

/** A one-slot queue: `put` waits while full, `get` while empty, each woken by the other side. */
class OneSlot<T> {
  private item: T | undefined = undefined;
  private full = false;
  private wakePutter: (() => void) | null = null;
  private wakeGetter: (() => void) | null = null;

  *put(item: T): CoGenerator<void> {
    while (this.full) yield new Promise<void>((resolve) => (this.wakePutter = resolve));
    this.item = item;
    this.full = true;
    const wake = this.wakeGetter;
    this.wakeGetter = null;
    wake?.();
  }

  *get(): CoGenerator<T> {
    while (!this.full) yield new Promise<void>((resolve) => (this.wakeGetter = resolve));
    const item = this.item as T;
    this.item = undefined;
    this.full = false;
    const wake = this.wakePutter;
    this.wakePutter = null;
    wake?.();
    return item;
  }
}

function* producer(queue: OneSlot<number>, items: number): CoGenerator<void> {
  for (let i = 0; i < items; i++) yield queue.put(i);
}

function* consumer(queue: OneSlot<number>, items: number): CoGenerator<number> {
  let sum = 0;
  for (let i = 0; i < items; i++) sum += (yield queue.get()) as number;
  return sum;
}

function* pingPong(items: number): CoGenerator<number> {
  const queue = new OneSlot<number>();
  const feeding = co(producer, queue, items);
  const sum = (yield consumer(queue, items)) as number;
  yield feeding;
  return sum;
}

function* addOne(x: number): CoGenerator<number> {
  return x + 1;
}

function* callMany(calls: number): CoGenerator<number> {
  let total = 0;
  for (let i = 0; i < calls; i++) total = (yield addOne(total)) as number;
  return total;
}

function* sleeper(handle: Sleeper, delays: readonly number[], count: { completed: number; cancelled: number }): CoGenerator<void> {
  try {
    for (const ms of delays) {
      yield handle.sleep(ms);
      count.completed++;
    }
  } catch (error) {
    if (!(error instanceof Cancelled)) throw error;
    count.cancelled++;
  }
}

function* sleepThenCancel(clock: VirtualClock, delays: readonly number[][], cancelAtMs: number): CoGenerator<string> {
  const count = { completed: 0, cancelled: 0 };
  const handles = delays.map(() => new Sleeper(clock));
  const sleepers = delays.map((perTask, i) => co(sleeper, handles[i] as Sleeper, perTask, count));
  yield new Sleeper(clock).sleep(cancelAtMs);
  for (const handle of handles) handle.cancel();
  yield sleepers;
  return s6Result(count.completed, count.cancelled);
}

export const workload: Workload = {
  S1: (p) => () => co(spin, p.yields),
  'S2-10': (p) => () => co(chain, p.depth, p.leafYields),
  'S2-100': (p) => () => co(chain, p.depth, p.leafYields),
  S3: (p) => () => co(spinAll, p.tasks, p.yields),
  S4: (p) => () => co(pingPong, p.items),
  S5: (p) => () => co(callMany, p.calls),
  S6: (p) => {
    const delays = allSleepDelays(p);
    return async () => {
      const clock = new VirtualClock();
      let result: string | undefined;
      const running = co(sleepThenCancel, clock, delays, p.cancelAtMs).then((value) => (result = value));
      await clock.drain(() => result !== undefined);
      await running;
      return result;
    };
  },
};
