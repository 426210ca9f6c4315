/**
 * The hot paths allocate nothing: after warm-up, 10⁶ loop steps of hand-written frames grow the heap
 * by (nearly) nothing and trigger no garbage collection. GCs are counted with v8.GCProfiler (a bound
 * on events, never on time). Runs in its own process (vitest pool 'forks').
 */
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { EventLoop } from '../../runtime/loop.js';
import type { Coroutine } from '../../runtime/coroutine.js';
import type { Task } from '../../runtime/task.js';
import { frameBench, nativeBench } from '../../bench/frames.js';

const WARM_UP_STEPS = 200_000;
const MEASURED_STEPS = 1_000_000;
/** Heap growth allowed over 10⁶ steps: well under one byte per step. */
const HEAP_GROWTH_BOUND = 64 * 1024;

interface Measurement {
  gcEvents: number;
  gcTypes: string[];
  heapGrowth: number;
}

/** Runs `steps` ticks of `loop` (one step of the single task each) under the GC profiler. */
function measureTicks(loop: EventLoop, steps: number): Measurement {
  const profiler = new v8.GCProfiler();
  const before = v8.getHeapStatistics().used_heap_size;
  profiler.start();
  for (let i = 0; i < steps; i++) loop.runOnce();
  const after = v8.getHeapStatistics().used_heap_size;
  const report = profiler.stop();
  return {
    gcEvents: report.statistics.length,
    gcTypes: report.statistics.map((event) => event.gcType),
    heapGrowth: after - before,
  };
}

/** Starts `coro` as the loop's only task and warms the path up. */
function startWarm(coro: Coroutine<unknown>): { loop: EventLoop; task: Task<unknown> } {
  const loop = new EventLoop({ clock: 'virtual' });
  const task = loop.createTask(coro);
  for (let i = 0; i < WARM_UP_STEPS; i++) loop.runOnce();
  return { loop, task };
}

const scenarios: [string, () => Coroutine<unknown>][] = [
  ['bare yields', () => frameBench.spin(WARM_UP_STEPS + MEASURED_STEPS + 10)],
  ['a yield* chain of depth 10 whose leaf yields', () => frameBench.chain(10, WARM_UP_STEPS + MEASURED_STEPS + 10)],
  ['a sub-call that returns without suspending, then a yield', () => frameBench.callEachStep(WARM_UP_STEPS + MEASURED_STEPS + 10)],
];

describe('allocation on the hot path', () => {
  for (const [name, makeCoro] of scenarios) {
    it(`10⁶ steps of ${name}: no GC, heap growth < ${HEAP_GROWTH_BOUND / 1024} KiB`, () => {
      const { loop, task } = startWarm(makeCoro());
      const measurement = measureTicks(loop, MEASURED_STEPS);
      expect(task.done()).toBe(false);
      expect(measurement).toEqual({ gcEvents: 0, gcTypes: [], heapGrowth: measurement.heapGrowth });
      expect(measurement.heapGrowth).toBeLessThan(HEAP_GROWTH_BOUND);
      loop.close();
    });
  }

  it('control: the same measurement sees the allocation of native generators (a result object per step)', () => {
    const { loop } = startWarm(nativeBench.callEachStep(WARM_UP_STEPS + MEASURED_STEPS + 10));
    const measurement = measureTicks(loop, MEASURED_STEPS);
    expect(measurement.gcEvents).toBeGreaterThan(0);
    loop.close();
  });
});
