/**
 * Emitted frames keep the runtime's allocation promise (protocol.ts, "Allocation"): after warm-up,
 * 10⁶ loop steps of a compiled coroutine that yields, and of one that makes a `yield*` call to a
 * compiled coroutine returning at once, and 10⁶ such calls made a thousand per step, trigger no
 * garbage collection — the child frame is scalar-replaced. Guards the emitted shape: an inline `throw` or an `exitWith` call on the child's
 * path each cost a heap frame per call (measured when the re-entrancy check came in).
 */
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { EventLoop } from '../../runtime/index.js';
import { compiled } from './harness.js';

const SOURCE = `export const log: unknown[] = [];
/** @coroutine */
function* add(a: number, b: number) {
  return a + b;
}
/** @coroutine */
function* spin(n: number) {
  for (let i = 0; i < n; i++) yield;
  return n;
}
/** @coroutine */
function* callEachStep(n: number) {
  let total = 0;
  for (let i = 0; i < n; i++) {
    total = yield* add(total, 1);
    yield;
  }
  return total;
}
/** @coroutine */
function* callsInOneStep(n: number) {
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 1000; j++) total = yield* add(total, 1);
    yield;
  }
  return total;
}
export const cases = { spin: () => spin(2_000_000), callEachStep: () => callEachStep(2_000_000), callsInOneStep: () => callsInOneStep(2_000_000) };
`;

const WARM_UP_STEPS = 200_000;
const MEASURED_STEPS = 1_000_000;

describe('allocation of emitted frames on the hot path', () => {
  const module = compiled(SOURCE).module;
  for (const name of ['spin', 'callEachStep']) {
    it(`10⁶ steps of ${name}: no GC`, () => {
      const loop = new EventLoop({ clock: 'virtual' });
      const task = loop.createTask(module.cases[name]!() as Generator<unknown, unknown, unknown>);
      for (let i = 0; i < WARM_UP_STEPS; i++) loop.runOnce();
      const profiler = new v8.GCProfiler();
      profiler.start();
      for (let i = 0; i < MEASURED_STEPS; i++) loop.runOnce();
      const gcTypes = profiler.stop().statistics.map((event) => event.gcType);
      expect(task.done()).toBe(false);
      expect(gcTypes).toEqual([]);
    });
  }

  // A thousand calls in one step, more than the call budget (protocol.ts): the budget counts depth,
  // so none of them goes through delegate, and none allocates.
  it('10⁶ calls, a thousand in each of 10³ steps, of a coroutine returning at once: no GC', () => {
    const loop = new EventLoop({ clock: 'virtual' });
    const task = loop.createTask(module.cases['callsInOneStep']!() as Generator<unknown, unknown, unknown>);
    for (let i = 0; i < WARM_UP_STEPS / 1000; i++) loop.runOnce();
    const profiler = new v8.GCProfiler();
    profiler.start();
    for (let i = 0; i < MEASURED_STEPS / 1000; i++) loop.runOnce();
    const gcTypes = profiler.stop().statistics.map((event) => event.gcType);
    expect(task.done()).toBe(false);
    expect(gcTypes).toEqual([]);
  });
});
