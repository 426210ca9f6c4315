/**
 * The suite's scenarios as tsyncio coroutines: ONE source, run four ways on the tsyncio loop —
 * uncompiled (this file as tsc emits it: native generators), compiled (the real transformer output of
 * this file, variants.ts), downlevelled by TypeScript to ES5 (`__generator`), and by Babel's
 * regenerator. So the coroutines here must stay within what all four take; the run functions around
 * them (loops, tasks, checks) are plain code and are downlevelled with them.
 */
import { EventLoop, Queue, createTask, gather, gatherWith, sleep, type Coroutine, type Task } from '../../runtime/index.js';
import { allSleepDelays, s6Result, type Workload } from './spec.js';

/** @coroutine */
function* spin(count: number): Coroutine<number> {
  for (let i = 0; i < count; i++) yield;
  return count;
}

/** @coroutine */
function* chain(depth: number, leafYields: number): Coroutine<number> {
  if (depth === 1) {
    for (let i = 0; i < leafYields; i++) yield;
    return 1;
  }
  return (yield* chain(depth - 1, leafYields)) + 1;
}

/** @coroutine */
function* spinAll(tasks: number, yields: number): Coroutine<number> {
  const spinners: Task<number>[] = [];
  for (let i = 0; i < tasks; i++) spinners.push(createTask(spin(yields)));
  const counts = yield* gather(...spinners);
  let sum = 0;
  for (const count of counts) sum += count;
  return sum;
}

/** @coroutine */
function* producer(queue: Queue<number>, items: number): Coroutine<void> {
  for (let i = 0; i < items; i++) yield* queue.put(i);
}

/** @coroutine */
function* consumer(queue: Queue<number>, items: number): Coroutine<number> {
  let sum = 0;
  for (let i = 0; i < items; i++) sum += yield* queue.get();
  return sum;
}

/** @coroutine */
function* pingPong(items: number): Coroutine<number> {
  const queue = new Queue<number>(1);
  const feeding = createTask(producer(queue, items));
  const sum = yield* consumer(queue, items);
  yield* feeding;
  return sum;
}

/** @coroutine */
function* addOne(x: number): Coroutine<number> {
  return x + 1;
}

/** @coroutine */
function* callMany(calls: number): Coroutine<number> {
  let total = 0;
  for (let i = 0; i < calls; i++) total = yield* addOne(total);
  return total;
}

interface SleepCount {
  completed: number;
}

/** @coroutine */
function* sleeper(delays: readonly number[], count: SleepCount): Coroutine<void> {
  for (const ms of delays) {
    yield* sleep(ms);
    count.completed++;
  }
}

/** @coroutine */
function* sleepThenCancel(delays: readonly number[][], cancelAtMs: number): Coroutine<string> {
  const count: SleepCount = { completed: 0 };
  const sleepers: Task<void>[] = [];
  for (const perTask of delays) sleepers.push(createTask(sleeper(perTask, count)));
  yield* sleep(cancelAtMs);
  for (const task of sleepers) task.cancel();
  yield* gatherWith({ returnExceptions: true }, ...sleepers);
  let cancelled = 0;
  for (const task of sleepers) if (task.cancelled()) cancelled++;
  return s6Result(count.completed, cancelled);
}

function runOnLoop<T>(coro: Coroutine<T>, debug = false): T {
  const loop = new EventLoop({ clock: 'virtual', debug });
  try {
    return loop.runUntilComplete(coro);
  } finally {
    loop.close();
  }
}

export const workload: Workload = {
  S1: (p) => () => runOnLoop(spin(p.yields), p.debug === true),
  'S2-10': (p) => () => runOnLoop(chain(p.depth, p.leafYields)),
  'S2-100': (p) => () => runOnLoop(chain(p.depth, p.leafYields)),
  S3: (p) => () => runOnLoop(spinAll(p.tasks, p.yields)),
  S4: (p) => () => runOnLoop(pingPong(p.items)),
  S5: (p) => () => runOnLoop(callMany(p.calls)),
  S6: (p) => {
    const delays = allSleepDelays(p);
    return () => runOnLoop(sleepThenCancel(delays, p.cancelAtMs));
  },
};
