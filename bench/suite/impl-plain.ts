/**
 * The floor: the suite's scenarios in plain JavaScript with the least machinery that still does the
 * same logical work — hand-written state machines (objects with a `step`) on a minimal ready ring,
 * no protocol, no error handling, no cancellation semantics. A yield is a routine put back on the
 * ring; a chain is resumed at its leaf only, as tsyncio does; S5 is a plain function call; S6 is
 * callbacks on the shared VirtualClock.
 */
import { allSleepDelays, s6Result, type Workload } from './spec.js';
import { VirtualClock, type Timer } from './virtual-clock.js';

interface Routine {
  /** Runs one step; true: run again next turn. */
  step(): boolean;
}

class PlainLoop {
  private ring: (Routine | null)[] = new Array<Routine | null>(1024).fill(null);
  private head = 0;
  private count = 0;

  push(routine: Routine): void {
    if (this.count === this.ring.length) this.grow();
    this.ring[(this.head + this.count) & (this.ring.length - 1)] = routine;
    this.count++;
  }

  run(): void {
    while (this.count > 0) {
      // One turn: only what was ready when it began.
      let turn = this.count;
      while (turn-- > 0) {
        const routine = this.ring[this.head] as Routine;
        this.ring[this.head] = null;
        this.head = (this.head + 1) & (this.ring.length - 1);
        this.count--;
        if (routine.step()) this.push(routine);
      }
    }
  }

  private grow(): void {
    const bigger = new Array<Routine | null>(this.ring.length * 2).fill(null);
    for (let i = 0; i < this.count; i++) bigger[i] = this.ring[(this.head + i) & (this.ring.length - 1)] as Routine;
    this.ring = bigger;
    this.head = 0;
  }
}

class Spinner implements Routine {
  private i = 0;
  constructor(
    private readonly count: number,
    private readonly onDone: (result: number) => void,
  ) {}

  step(): boolean {
    if (this.i < this.count) {
      this.i++;
      return true;
    }
    this.onDone(this.count);
    return false;
  }
}

/** A chain link: its value is its callee's plus one; only the leaf (a Spinner) is ever resumed. */
class ChainLink {
  constructor(readonly caller: ChainLink | null) {}
}

function spin(yields: number): number {
  const loop = new PlainLoop();
  let result = 0;
  loop.push(new Spinner(yields, (value) => (result = value)));
  loop.run();
  return result;
}

function chain(depth: number, leafYields: number): number {
  const loop = new PlainLoop();
  let top: ChainLink | null = null;
  for (let i = 1; i < depth; i++) top = new ChainLink(top);
  let result = 0;
  loop.push(
    new Spinner(leafYields, () => {
      let value = 1;
      for (let link = top; link !== null; link = link.caller) value++;
      result = value;
    }),
  );
  loop.run();
  return result;
}

function spinAll(tasks: number, yields: number): number {
  const loop = new PlainLoop();
  let sum = 0;
  const add = (value: number): void => {
    sum += value;
  };
  for (let i = 0; i < tasks; i++) loop.push(new Spinner(yields, add));
  loop.run();
  return sum;
}

/** The one slot and its two waiting routines (re-queued by the other side). */
class Slot {
  item = 0;
  full = false;
  waitingPutter: Routine | null = null;
  waitingGetter: Routine | null = null;
}

class Producer implements Routine {
  private i = 0;
  constructor(
    private readonly loop: PlainLoop,
    private readonly slot: Slot,
    private readonly items: number,
  ) {}

  step(): boolean {
    const slot = this.slot;
    while (this.i < this.items) {
      if (slot.full) {
        slot.waitingPutter = this;
        return false;
      }
      slot.item = this.i++;
      slot.full = true;
      const getter = slot.waitingGetter;
      if (getter !== null) {
        slot.waitingGetter = null;
        this.loop.push(getter);
      }
    }
    return false;
  }
}

class Consumer implements Routine {
  private i = 0;
  sum = 0;
  constructor(
    private readonly loop: PlainLoop,
    private readonly slot: Slot,
    private readonly items: number,
  ) {}

  step(): boolean {
    const slot = this.slot;
    while (this.i < this.items) {
      if (!slot.full) {
        slot.waitingGetter = this;
        return false;
      }
      this.sum += slot.item;
      slot.full = false;
      this.i++;
      const putter = slot.waitingPutter;
      if (putter !== null) {
        slot.waitingPutter = null;
        this.loop.push(putter);
      }
    }
    return false;
  }
}

function pingPong(items: number): number {
  const loop = new PlainLoop();
  const slot = new Slot();
  const consumer = new Consumer(loop, slot, items);
  loop.push(new Producer(loop, slot, items));
  loop.push(consumer);
  loop.run();
  return consumer.sum;
}

function addOne(x: number): number {
  return x + 1;
}

function callMany(calls: number): number {
  let total = 0;
  for (let i = 0; i < calls; i++) total = addOne(total);
  return total;
}

function sleepThenCancel(delays: readonly number[][], cancelAtMs: number): string {
  const clock = new VirtualClock();
  let completed = 0;
  let cancelled = 0;
  const timers: (Timer | null)[] = [];
  const sleepNext = (task: number, next: number): void => {
    const perTask = delays[task] as number[];
    if (next === perTask.length) {
      timers[task] = null;
      return;
    }
    timers[task] = clock.schedule(perTask[next] as number, () => {
      completed++;
      sleepNext(task, next + 1);
    });
  };
  for (let task = 0; task < delays.length; task++) sleepNext(task, 0);
  clock.schedule(cancelAtMs, () => {
    for (const timer of timers) {
      if (timer === null || timer.callback === null) continue;
      clock.cancel(timer);
      cancelled++;
    }
  });
  clock.runSync();
  return s6Result(completed, cancelled);
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
    return () => sleepThenCancel(delays, p.cancelAtMs);
  },
};
