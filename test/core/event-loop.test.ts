import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { RuntimeError } from '../../runtime/errors.js';
import { EventLoop } from '../../runtime/loop.js';
import { getRunningLoop, runningLoopOrNull } from '../../runtime/running.js';
import { sleep } from '../../runtime/sleep.js';
import { Future } from '../../runtime/future.js';
import { run } from '../../runtime/run.js';

function virtualLoop(): EventLoop {
  return new EventLoop({ clock: 'virtual' });
}

/** Runs the loop's ticks by hand, recording a tick marker before each, until nothing is left. */
function runTicks(loop: EventLoop, trace: string[], ticks: number): void {
  for (let tick = 1; tick <= ticks; tick++) {
    trace.push(`tick ${tick}`);
    loop.runOnce();
  }
}

describe('EventLoop ready queue', () => {
  it('runs tasks and callSoon handles in FIFO order, interleaved as scheduled', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* worker(name: string, steps: number): Coroutine<void> {
      for (let step = 0; step < steps; step++) {
        trace.push(`${name}${step}`);
        yield;
      }
      trace.push(`${name} end`);
    }
    loop.createTask(worker('a', 2));
    loop.callSoon(() => trace.push('cb1'));
    loop.createTask(worker('b', 2));
    loop.callSoon(() => trace.push('cb2'));
    runTicks(loop, trace, 4);
    expect(trace).toEqual([
      'tick 1', 'a0', 'cb1', 'b0', 'cb2',
      'tick 2', 'a1', 'b1',
      'tick 3', 'a end', 'b end',
      'tick 4',
    ]);
    loop.close();
  });

  it('each tick runs only what was ready when it began', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    loop.callSoon(() => {
      trace.push('first');
      loop.callSoon(() => {
        trace.push('scheduled by first');
        loop.callSoon(() => trace.push('scheduled by second'));
      });
    });
    loop.callSoon(() => trace.push('second'));
    runTicks(loop, trace, 4);
    expect(trace).toEqual(['tick 1', 'first', 'second', 'tick 2', 'scheduled by first', 'tick 3', 'scheduled by second', 'tick 4']);
    loop.close();
  });

  it('a timer due now joins the ready queue at the start of the next tick, after what is already queued', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    loop.callSoon(() => {
      trace.push('a');
      loop.callLater(0, () => trace.push('timer 0'));
      loop.callSoon(() => trace.push('soon'));
    });
    runTicks(loop, trace, 3);
    expect(trace).toEqual(['tick 1', 'a', 'tick 2', 'soon', 'timer 0', 'tick 3']);
    loop.close();
  });

  it('passes arguments through callSoon, callLater and callAt', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    const record = (label: string, count: number, flag: boolean): void => {
      trace.push(`${loop.time()} ${label} ${count} ${flag}`);
    };
    loop.callAt(30, record, 'at', 3, true);
    loop.callLater(20, record, 'later', 2, false);
    loop.callSoon(record, 'soon', 1, true);
    const done = loop.createFuture<string>();
    loop.callAt(40, (future: Future<string>, value: string) => future.setResult(value), done, 'finished');
    expect(loop.runUntilComplete(done)).toBe('finished');
    expect(trace).toEqual(['0 soon 1 true', '20 later 2 false', '30 at 3 true']);
    loop.close();
  });

  it('a cancelled callSoon handle never runs; the others keep their order', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    loop.callSoon(() => trace.push('one'));
    const skipped = loop.callSoon(() => trace.push('two'));
    loop.callSoon(() => trace.push('three'));
    expect(skipped.cancelled()).toBe(false);
    skipped.cancel();
    skipped.cancel();
    expect(skipped.cancelled()).toBe(true);
    runTicks(loop, trace, 2);
    expect(trace).toEqual(['tick 1', 'one', 'three', 'tick 2']);
    loop.close();
  });

  it('a handle cancelled by an earlier callback of the same tick does not run', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    let later: ReturnType<EventLoop['callSoon']> | null = null;
    loop.callSoon(() => {
      trace.push('canceller');
      later?.cancel();
    });
    later = loop.callSoon(() => trace.push('cancelled one'));
    runTicks(loop, trace, 1);
    expect(trace).toEqual(['tick 1', 'canceller']);
    loop.close();
  });

  it('a cancelled timer leaves the heap at once: the clock never jumps to its deadline', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    const cancelledTimer = loop.callLater(100, () => trace.push('must not run'));
    loop.callLater(10, () => trace.push(`${loop.time()} kept`));
    expect(cancelledTimer.whenTime()).toBe(100);
    cancelledTimer.cancel();
    expect(cancelledTimer.cancelled()).toBe(true);
    const never = loop.createFuture<void>();
    expect(() => loop.runUntilComplete(never)).toThrow(RuntimeError);
    expect(trace).toEqual(['10 kept']);
    expect(loop.time()).toBe(10);
    loop.close();
  });

  it('a timer cancelled by an earlier callback of the same tick does not run', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    let second: ReturnType<EventLoop['callLater']> | null = null;
    loop.callLater(5, () => {
      trace.push(`${loop.time()} first`);
      second?.cancel();
    });
    second = loop.callLater(5, () => trace.push('second'));
    loop.callLater(6, () => trace.push(`${loop.time()} third`));
    runUntilIdle(loop);
    expect(trace).toEqual(['5 first', '6 third']);
    loop.close();
  });

  it('timers with equal deadlines fire in scheduling order, sleeping tasks included', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* sleeper(name: string): Coroutine<void> {
      yield* sleep(50);
      trace.push(`${loop.time()} ${name}`);
    }
    function* main(): Coroutine<void> {
      loop.callLater(50, () => trace.push(`${loop.time()} h1`));
      const a = loop.createTask(sleeper('task a'));
      loop.callAt(50, () => trace.push(`${loop.time()} h2`));
      yield; // task a starts sleeping now, after h2 was scheduled
      loop.callLater(50, () => trace.push(`${loop.time()} h3`));
      for (let index = 4; index <= 9; index++) loop.callAt(50, () => trace.push(`${loop.time()} h${index}`));
      yield* a;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['50 h1', '50 h2', '50 task a', '50 h3', '50 h4', '50 h5', '50 h6', '50 h7', '50 h8', '50 h9']);
    loop.close();
  });

  it('time() under the virtual clock starts at 0 and jumps to each deadline, never past it', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    expect(loop.time()).toBe(0);
    function* main(): Coroutine<number> {
      trace.push(`start ${loop.time()}`);
      yield* sleep(1500);
      trace.push(`after 1500: ${loop.time()}`);
      yield;
      trace.push(`after a turn: ${loop.time()}`);
      yield* sleep(0.25);
      trace.push(`after 0.25: ${loop.time()}`);
      loop.callLater(7, () => trace.push(`timer ${loop.time()}`));
      yield* sleep(10);
      return loop.time();
    }
    expect(loop.runUntilComplete(main())).toBe(1510.25);
    expect(trace).toEqual(['start 0', 'after 1500: 1500', 'after a turn: 1500', 'after 0.25: 1500.25', 'timer 1507.25']);
    loop.close();
  });
});

function runUntilIdle(loop: EventLoop): void {
  const idle = loop.createFuture<void>();
  // A far timer that completes the future once everything before it ran.
  loop.callLater(1e9, () => idle.setResult());
  loop.runUntilComplete(idle);
}

describe('EventLoop ready queue growth', () => {
  it('keeps FIFO order when the ring grows while wrapped around', () => {
    const loop = virtualLoop();
    const order: number[] = [];
    // Move the ring's head away from 0 first, so the growth has to unwrap it.
    for (let index = 0; index < 700; index++) loop.callSoon(() => {});
    loop.runOnce();
    let expectedCount = 0;
    function* task(id: number): Coroutine<void> {
      order.push(id);
      yield;
      order.push(id + 100_000);
    }
    for (let index = 0; index < 3000; index++) {
      if (index % 3 === 0) loop.createTask(task(index));
      else loop.callSoon((id: number) => order.push(id), index);
      expectedCount++;
    }
    loop.runOnce();
    expect(order).toEqual(Array.from({ length: expectedCount }, (_, index) => index));
    order.length = 0;
    loop.runOnce();
    expect(order).toEqual(Array.from({ length: 1000 }, (_, index) => index * 3 + 100_000));
    loop.close();
  });
});

describe('EventLoop real clock', () => {
  it('runUntilComplete sleeps the thread until the deadline', () => {
    const loop = new EventLoop();
    expect(loop.virtualClock).toBe(false);
    function* main(): Coroutine<number> {
      const start = loop.time();
      yield* sleep(30);
      return loop.time() - start;
    }
    const wallStart = performance.now();
    const elapsed = loop.runUntilComplete(main());
    const wall = performance.now() - wallStart;
    expect(elapsed).toBeGreaterThanOrEqual(30);
    expect(wall).toBeGreaterThanOrEqual(29);
    expect(wall).toBeLessThan(2000);
    loop.close();
  });

  it('run() under the real clock waits on a host timer for the deadline', async () => {
    function* main(): Coroutine<number[]> {
      const loop = getRunningLoop();
      const start = loop.time();
      yield* sleep(30);
      const afterSleep = loop.time() - start;
      yield* sleep(0);
      return [afterSleep, loop.time() - start];
    }
    const wallStart = performance.now();
    const [afterSleep, afterTurn] = await run(main());
    const wall = performance.now() - wallStart;
    expect(afterSleep).toBeGreaterThanOrEqual(30);
    expect(afterTurn).toBeGreaterThanOrEqual(afterSleep as number);
    expect(wall).toBeGreaterThanOrEqual(29);
    expect(wall).toBeLessThan(2000);
  });

  it('time() follows performance.now() and timers fire in deadline order', () => {
    const loop = new EventLoop();
    const before = performance.now();
    const now = loop.time();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(performance.now());
    const order: string[] = [];
    const done = loop.createFuture<void>();
    loop.callLater(20, () => order.push('20'));
    loop.callLater(5, () => order.push('5'));
    loop.callLater(25, () => done.setResult());
    loop.runUntilComplete(done);
    expect(order).toEqual(['5', '20']);
    expect(loop.time() - now).toBeGreaterThanOrEqual(25);
    loop.close();
  });
});

describe('EventLoop.runUntilComplete', () => {
  it('returns the result synchronously', () => {
    const loop = virtualLoop();
    function* main(): Coroutine<string> {
      yield* sleep(5);
      return 'value';
    }
    expect(loop.runUntilComplete(main())).toBe('value');
    expect(loop.time()).toBe(5);
    loop.close();
  });

  it('throws the coroutine\'s error synchronously (and the loop stays usable)', () => {
    const loop = virtualLoop();
    const boom = new Error('boom');
    function* failing(): Coroutine<never> {
      yield;
      throw boom;
    }
    expect(() => loop.runUntilComplete(failing())).toThrow(boom);
    expect(loop.isRunning()).toBe(false);
    function* fine(): Coroutine<number> {
      yield;
      return 1;
    }
    expect(loop.runUntilComplete(fine())).toBe(1);
    loop.close();
  });

  it('accepts a future and returns its result', () => {
    const loop = virtualLoop();
    const future = loop.createFuture<number>();
    loop.callLater(3, () => future.setResult(42));
    expect(loop.runUntilComplete(future)).toBe(42);
    expect(loop.time()).toBe(3);
    loop.close();
  });

  it('throws a clear error naming run() when the main coroutine waits on a Promise', () => {
    const loop = virtualLoop();
    function* main(): Coroutine<unknown> {
      return yield new Promise<never>(() => {});
    }
    let caught: unknown;
    try {
      loop.runUntilComplete(main());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RuntimeError);
    expect((caught as Error).message).toMatch(/outside the event loop/);
    expect((caught as Error).message).toMatch(/run\(main\)/);
    expect(loop.isRunning()).toBe(false);
  });

  it('throws a clear error naming run() when waiting on a future nobody completes', () => {
    const loop = virtualLoop();
    const orphan = loop.createFuture<number>();
    function* main(): Coroutine<number> {
      yield* sleep(10);
      return yield* orphan;
    }
    expect(() => loop.runUntilComplete(main())).toThrow(/run\(main\)/);
    expect(loop.time()).toBe(10);
    expect(() => loop.runUntilComplete(orphan)).toThrow(/the future is waiting on something outside the event loop.*run\(main\)/);
  });

  it('is not re-entrant: a nested call throws RuntimeError into the caller', () => {
    const loop = virtualLoop();
    function* inner(): Coroutine<number> {
      return 1;
    }
    function* main(): Coroutine<string> {
      try {
        loop.runUntilComplete(inner());
        return 'nested run succeeded';
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    }
    expect(loop.runUntilComplete(main())).toBe('RuntimeError: This event loop is already running');
    loop.close();
  });

  it('refuses to run a loop while another loop is running', () => {
    const outer = virtualLoop();
    const other = virtualLoop();
    const future = other.createFuture<number>();
    other.callSoon(() => future.setResult(1));
    function* main(): Coroutine<string> {
      try {
        other.runUntilComplete(future);
        return 'ran';
      } catch (error) {
        return (error as Error).message;
      }
    }
    expect(outer.runUntilComplete(main())).toMatch(/another loop is running/);
    expect(other.isRunning()).toBe(false);
    expect(other.runUntilComplete(future)).toBe(1);
  });
});

describe('EventLoop argument checks (asyncio base_events)', () => {
  it('callSoon/callLater/callAt refuse a non-function at once', () => {
    const loop = virtualLoop();
    const notCallable = 'not a function' as unknown as () => void;
    expect(() => loop.callSoon(notCallable)).toThrow(TypeError);
    expect(() => loop.callLater(1, notCallable)).toThrow(TypeError);
    expect(() => loop.callAt(1, notCallable)).toThrow(TypeError);
    const done = loop.createFuture<void>();
    loop.callSoon(() => done.setResult());
    loop.runUntilComplete(done);
    loop.close();
  });

  it('negative delays are deadlines in the past: earliest first', () => {
    const loop = virtualLoop();
    const order: number[] = [];
    loop.callLater(-1, (id: number) => order.push(id), 1);
    loop.callLater(-2, (id: number) => order.push(id), 2);
    loop.callLater(0, (id: number) => order.push(id), 3);
    runUntilIdle(loop);
    expect(order).toEqual([2, 1, 3]);
    loop.close();
  });

  it('runUntilComplete refuses what is not awaitable (TypeError) and a future of another loop (ValueError)', () => {
    const loop = virtualLoop();
    const other = virtualLoop();
    expect(() => loop.runUntilComplete('blah' as unknown as Future<void>)).toThrow(TypeError);
    const foreign = other.createFuture<number>();
    let caught: unknown;
    try {
      loop.runUntilComplete(foreign);
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).name).toBe('ValueError');
    expect((caught as Error).message).toMatch(/different loop/);
    expect(loop.isRunning()).toBe(false);
    loop.close();
    other.close();
  });

  it('runUntilComplete while run() drives the loop throws: the loop is running between slices too', async () => {
    const trace: string[] = [];
    function* inner(): Coroutine<number> {
      return 1;
    }
    function* main(): Coroutine<string[]> {
      const loop = getRunningLoop();
      // A Promise continuation runs outside the loop's slices, while run() is still in charge.
      yield Promise.resolve().then(() => {
        trace.push(`isRunning ${loop.isRunning()}`);
        try {
          loop.runUntilComplete(inner());
          trace.push('nested run succeeded');
        } catch (error) {
          trace.push(`${(error as Error).name}: ${(error as Error).message}`);
        }
      });
      return trace;
    }
    expect(await run(main(), { clock: 'virtual' })).toEqual(['isRunning true', 'RuntimeError: This event loop is already running']);
  });
});

describe('EventLoop lifecycle', () => {
  it('a closed loop refuses new work', () => {
    const loop = virtualLoop();
    loop.close();
    expect(loop.isClosed()).toBe(true);
    function* main(): Coroutine<void> {}
    expect(() => loop.callSoon(() => {})).toThrow(/Event loop is closed/);
    expect(() => loop.callLater(1, () => {})).toThrow(/Event loop is closed/);
    expect(() => loop.callAt(1, () => {})).toThrow(/Event loop is closed/);
    expect(() => loop.createTask(main())).toThrow(/Event loop is closed/);
    expect(() => loop.runUntilComplete(main())).toThrow(/Event loop is closed/);
    expect(() => loop.close()).not.toThrow();
  });

  it('cannot be closed while running', () => {
    const loop = virtualLoop();
    function* main(): Coroutine<string> {
      try {
        loop.close();
        return 'closed';
      } catch (error) {
        return (error as Error).message;
      }
    }
    expect(loop.runUntilComplete(main())).toBe('Cannot close a running event loop');
    expect(loop.isClosed()).toBe(false);
    loop.close();
  });

  it('getRunningLoop() is the loop inside callbacks and tasks, and throws outside', () => {
    const loop = virtualLoop();
    const seen: (EventLoop | null)[] = [];
    expect(() => getRunningLoop()).toThrow(RuntimeError);
    expect(runningLoopOrNull()).toBeNull();
    loop.callSoon(() => seen.push(getRunningLoop()));
    function* main(): Coroutine<void> {
      seen.push(getRunningLoop());
      yield* sleep(1);
      seen.push(runningLoopOrNull());
    }
    expect(loop.isRunning()).toBe(false);
    loop.runUntilComplete(main());
    expect(seen).toEqual([loop, loop, loop]);
    expect(runningLoopOrNull()).toBeNull();
    expect(() => getRunningLoop()).toThrow('no running event loop');
    loop.close();
  });

  it('isRunning() is true only while the loop runs', () => {
    const loop = virtualLoop();
    const states: boolean[] = [];
    loop.callSoon(() => states.push(loop.isRunning()));
    states.push(loop.isRunning());
    loop.runUntilComplete(loop.createTask((function* (): Coroutine<void> { yield; })()));
    states.push(loop.isRunning());
    expect(states).toEqual([false, true, false]);
    loop.close();
  });

  it('stop() inside runUntilComplete ends it after the current tick (asyncio: "stopped before Future completed")', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* main(): Coroutine<string> {
      trace.push('main 1');
      yield;
      trace.push('main 2');
      yield;
      trace.push('main 3');
      return 'done';
    }
    const task = loop.createTask(main());
    loop.callSoon(() => {
      trace.push('stop');
      loop.stop();
    });
    loop.callSoon(() => trace.push('same tick'));
    expect(() => loop.runUntilComplete(task)).toThrow(/stopped before Future completed/);
    expect(trace).toEqual(['main 1', 'stop', 'same tick']);
    expect(loop.isRunning()).toBe(false);
    // The stop request was consumed: running again resumes where it stopped.
    expect(loop.runUntilComplete(task)).toBe('done');
    expect(trace).toEqual(['main 1', 'stop', 'same tick', 'main 2', 'main 3']);
    loop.close();
  });

  it('stop() in the tick that completes the future does not hide the result', () => {
    const loop = virtualLoop();
    function* main(): Coroutine<number> {
      loop.stop();
      return 7;
    }
    expect(loop.runUntilComplete(main())).toBe(7);
    loop.close();
  });
});

// runUntilComplete runs the ticks of a task yielding with nothing else ready without the ready ring
// (EventLoop.runAlone); what else happens meanwhile must come in the order the ticks give.
describe('EventLoop.runUntilComplete: a task yielding alone', () => {
  function* spinner(loop: EventLoop, trace: string[], steps: number): Coroutine<void> {
    function* other(): Coroutine<void> {
      trace.push('o0');
      yield;
      trace.push('o1');
    }
    for (let step = 0; step < steps; step++) {
      trace.push(`s${step}`);
      if (step === 1) loop.callSoon(() => trace.push('soon'));
      if (step === 2) loop.callLater(0, () => trace.push('timer'));
      if (step === 3) loop.createTask(other());
      yield;
    }
    trace.push('end');
  }
  const EXPECTED = ['s0', 's1', 'soon', 's2', 's3', 'timer', 'o0', 's4', 'o1', 's5', 'end'];

  it('callbacks, timers and tasks made by its steps run in tick order, as with runOnce', () => {
    const byTicks: string[] = [];
    const ticked = virtualLoop();
    const task = ticked.createTask(spinner(ticked, byTicks, 6));
    while (!task.done()) ticked.runOnce();
    expect(byTicks).toEqual(EXPECTED);
    ticked.close();

    const trace: string[] = [];
    const loop = virtualLoop();
    loop.runUntilComplete(spinner(loop, trace, 6));
    expect(trace).toEqual(EXPECTED);
    loop.close();
  });

  it('stop() in one of its steps ends runUntilComplete after that tick', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* main(): Coroutine<string> {
      for (let step = 0; step < 5; step++) {
        trace.push(`s${step}`);
        if (step === 2) loop.stop();
        yield;
      }
      return 'done';
    }
    const task = loop.createTask(main());
    expect(() => loop.runUntilComplete(task)).toThrow(/stopped before Future completed/);
    expect(trace).toEqual(['s0', 's1', 's2']);
    expect(loop.runUntilComplete(task)).toBe('done');
    expect(trace).toEqual(['s0', 's1', 's2', 's3', 's4']);
    loop.close();
  });

  it('a future it completes ends runUntilComplete after that tick, the task still queued', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    const future = loop.createFuture<number>();
    function* main(): Coroutine<void> {
      for (let step = 0; step < 6; step++) {
        trace.push(`s${step}`);
        if (step === 3) future.setResult(step);
        yield;
      }
    }
    const task = loop.createTask(main());
    expect(loop.runUntilComplete(future)).toBe(3);
    expect(trace).toEqual(['s0', 's1', 's2', 's3']);
    expect(task.done()).toBe(false);
    loop.runUntilComplete(task);
    expect(trace).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
    loop.close();
  });

  it('a sleep or a wait ends its streak: timers and other tasks go on', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* sleeper(): Coroutine<void> {
      for (let step = 0; step < 3; step++) {
        trace.push(`a${step}`);
        yield;
      }
      yield* sleep(10);
      trace.push(`a slept until ${loop.time()}`);
      yield;
      trace.push('a end');
    }
    function* main(): Coroutine<void> {
      const other = loop.createTask(sleeper());
      yield* sleep(5);
      trace.push(`main woke at ${loop.time()}`);
      yield* other;
      trace.push('main end');
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['a0', 'a1', 'a2', 'main woke at 5', 'a slept until 10', 'a end', 'main end']);
    loop.close();
  });
});
