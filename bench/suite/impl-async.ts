/**
 * The suite's scenarios with native async/await: a yield to the loop is `await undefined` (one
 * microtask turn), a sub-coroutine is an async function, gather is Promise.all, the one-slot queue is
 * PromiseQueue below, S6's sleeps run on the shared VirtualClock and a cancellation rejects the
 * pending sleep (there is no task cancellation in async/await).
 */
import { allSleepDelays, s6Result, type Workload } from './spec.js';
import { Cancelled, Sleeper, VirtualClock } from './virtual-clock.js';

async function spin(count: number): Promise<number> {
  for (let i = 0; i < count; i++) await undefined;
  return count;
}

async function chain(depth: number, leafYields: number): Promise<number> {
  if (depth === 1) {
    for (let i = 0; i < leafYields; i++) await undefined;
    return 1;
  }
  return (await chain(depth - 1, leafYields)) + 1;
}

async function spinAll(tasks: number, yields: number): Promise<number> {
  const spinners: Promise<number>[] = [];
  for (let i = 0; i < tasks; i++) spinners.push(spin(yields));
  let sum = 0;
  for (const count of await Promise.all(spinners)) sum += count;
  return sum;
}

/** A one-slot queue: `put` waits while full, `get` while empty, each woken by the other side. */
export class PromiseQueue<T> {
  private item: T | undefined = undefined;
  private full = false;
  private wakePutter: (() => void) | null = null;
  private wakeGetter: (() => void) | null = null;

  async put(item: T): Promise<void> {
    while (this.full) await new Promise<void>((resolve) => (this.wakePutter = resolve));
    this.item = item;
    this.full = true;
    const wake = this.wakeGetter;
    this.wakeGetter = null;
    wake?.();
  }

  async get(): Promise<T> {
    while (!this.full) await new Promise<void>((resolve) => (this.wakeGetter = resolve));
    const item = this.item as T;
    this.item = undefined;
    this.full = false;
    const wake = this.wakePutter;
    this.wakePutter = null;
    wake?.();
    return item;
  }
}

async function producer(queue: PromiseQueue<number>, items: number): Promise<void> {
  for (let i = 0; i < items; i++) await queue.put(i);
}

async function consumer(queue: PromiseQueue<number>, items: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < items; i++) sum += await queue.get();
  return sum;
}

async function pingPong(items: number): Promise<number> {
  const queue = new PromiseQueue<number>();
  const feeding = producer(queue, items);
  const sum = await consumer(queue, items);
  await feeding;
  return sum;
}

async function addOne(x: number): Promise<number> {
  return x + 1;
}

async function callMany(calls: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < calls; i++) total = await addOne(total);
  return total;
}

async function sleeper(handle: Sleeper, delays: readonly number[], count: { completed: number; cancelled: number }): Promise<void> {
  try {
    for (const ms of delays) {
      await handle.sleep(ms);
      count.completed++;
    }
  } catch (error) {
    if (!(error instanceof Cancelled)) throw error;
    count.cancelled++;
  }
}

async function sleepThenCancel(clock: VirtualClock, delays: readonly number[][], cancelAtMs: number): Promise<string> {
  const count = { completed: 0, cancelled: 0 };
  const handles = delays.map(() => new Sleeper(clock));
  const sleepers = delays.map((perTask, i) => sleeper(handles[i] as Sleeper, perTask, count));
  await new Sleeper(clock).sleep(cancelAtMs);
  for (const handle of handles) handle.cancel();
  await Promise.all(sleepers);
  return s6Result(count.completed, count.cancelled);
}

export const workload: Workload = {
  S1: (p) => () => spin(p.yields),
  'S2-10': (p) => () => chain(p.depth, p.leafYields),
  'S2-100': (p) => () => chain(p.depth, p.leafYields),
  S3: (p) => () => spinAll(p.tasks, p.yields),
  S4: (p) => () => pingPong(p.items),
  S5: (p) => () => callMany(p.calls),
  S6: (p) => {
    const delays = allSleepDelays(p);
    return async () => {
      const clock = new VirtualClock();
      let result: string | undefined;
      const running = sleepThenCancel(clock, delays, p.cancelAtMs).then((value) => (result = value));
      await clock.drain(() => result !== undefined);
      await running;
      return result;
    };
  },
};
