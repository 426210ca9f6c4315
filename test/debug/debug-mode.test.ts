import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { coroutine, type Coroutine } from '../../runtime/coroutine.js';
import { creationSiteOf, trackCoroutine } from '../../runtime/debug/debug-mode.js';
import { EventLoop, type ExceptionContext } from '../../runtime/loop.js';
import { run } from '../../runtime/run.js';
import { sleep } from '../../runtime/sleep.js';
import { getRunningLoop } from '../../runtime/running.js';
import { frames, positionIn } from './coroutines.js';
import type { Fiber } from '../../runtime/fiber.js';
import { linkFrameClass, type Frame } from '../../runtime/frame.js';
import type { ResumeMode } from '../../runtime/protocol.js';

/** Compiled, the tests' own coroutines are frames with tables (positions in reports). */
const compiledCoroutines = inject('compiledCoroutines');

function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as unknown;
  if (typeof collect !== 'function') throw new Error('could not expose gc()');
  return collect as () => void;
}
const collectGarbage = exposeGc();

async function collectAndWait(turns: number): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

function recordingLoop(options: { debug?: boolean; slowStepMs?: number }): { loop: EventLoop; reports: ExceptionContext[] } {
  const loop = new EventLoop({ clock: 'virtual', ...options });
  const reports: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => reports.push(context));
  return { loop, reports };
}

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

const slowWorker = coroutine(function* slowWorker(ms: number): Coroutine<string> {
  yield; // SLOW_FIRST
  busyWait(ms);
  yield; // SLOW_SECOND
  return 'done';
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('debug mode: slow steps', () => {
  it('a step longer than slowStepMs is reported through the exception handler, naming the task and coroutine', () => {
    const { loop, reports } = recordingLoop({ debug: true, slowStepMs: 20 });
    expect(loop.runUntilComplete(loop.createTask(slowWorker(40), { name: 'slow' }))).toBe('done');
    expect(reports).toHaveLength(1);
    expect(reports[0]!.taskName).toBe('slow');
    // Compiled, the coroutine's table gives where it resumed and where it suspended again.
    const where = (marker: string): string => {
      if (!compiledCoroutines) return '';
      const [line, column] = positionIn(import.meta.url, marker, 'yield');
      return ` \\(test/debug/debug-mode\\.test\\.ts:${line}:${column}\\)`;
    };
    expect(reports[0]!.message).toMatch(
      new RegExp(`^Executing task slow took \\d+\\.\\d ms \\(slowStepMs 20\\): resumed in slowWorker${where('// SLOW_FIRST')}; it suspended in slowWorker${where('// SLOW_SECOND')}$`),
    );
    loop.close();
  });

  it('a compiled frame is named with its .ts position', () => {
    const { loop, reports } = recordingLoop({ debug: true, slowStepMs: 20 });
    const future = loop.createFuture<string>();
    const task = loop.createTask(frames.outer(future), { name: 'compiled' });
    loop.runOnce();
    // Every step counts as slow from here: the one that resumes the chain names its top frame.
    loop.slowStepMs = 0;
    future.setResult('x');
    loop.runUntilComplete(task);
    const message = reports.find((report) => report.taskName === 'compiled' && report.message.includes('resumed in leaf'))?.message;
    expect(message).toMatch(/resumed in leaf \(test\/debug\/coroutines\.ts:\d+:19\); it is done$/);
    loop.close();
  });

  it('debug off: no report, and a step reads no clock and no task gets an instrumented fire', () => {
    const { loop, reports } = recordingLoop({ debug: false, slowStepMs: 20 });
    const task = loop.createTask(slowWorker(40));
    expect(Object.prototype.hasOwnProperty.call(task, 'fire')).toBe(false);
    loop.runUntilComplete(task);
    expect(reports).toEqual([]);

    const now = vi.spyOn(performance, 'now');
    function* spin(n: number): Coroutine<number> {
      for (let i = 0; i < n; i++) yield;
      return n;
    }
    expect(loop.runUntilComplete(loop.createTask(spin(1000)))).toBe(1000);
    expect(now).not.toHaveBeenCalled();
    loop.close();
  });

  it('debug on, for contrast: the same spin reads the clock around every step', () => {
    const { loop } = recordingLoop({ debug: true });
    const task = loop.createTask(
      (function* spin(): Coroutine<void> {
        for (let i = 0; i < 1000; i++) yield;
      })(),
    );
    expect(Object.prototype.hasOwnProperty.call(task, 'fire')).toBe(true);
    const now = vi.spyOn(performance, 'now');
    loop.runUntilComplete(task);
    expect(now.mock.calls.length).toBeGreaterThanOrEqual(2 * 1000);
    loop.close();
  });
});

describe('debug mode: slow callbacks (callSoon, callLater, done callbacks)', () => {
  it('a callback longer than slowStepMs is reported with its name and where it was scheduled, as asyncio reports a slow Handle', () => {
    const { loop, reports } = recordingLoop({ debug: true, slowStepMs: 20 });
    function onTick(ms: number): void {
      busyWait(ms);
    }
    const soon = loop.callSoon(onTick, 40); // SOON_SITE
    loop.callSoon(onTick, 0);
    const later = loop.callLater(10, onTick, 40); // LATER_SITE
    const future = loop.createFuture<number>();
    future.addDoneCallback(function onDone() {
      busyWait(40);
    });
    future.setResult(1); // DONE_SITE
    loop.runUntilComplete(loop.createTask((function* (): Coroutine<void> { yield* sleep(20); })()));
    const site = (marker: string): string => {
      const [line] = positionIn(import.meta.url, marker, ';');
      return `test/debug/debug-mode\\.test\\.ts:${line}:\\d+`;
    };
    expect(reports.map((report) => report.message)).toEqual([
      expect.stringMatching(new RegExp(`^Executing <Handle onTick\\(\\) scheduled at .*${site('// SOON_SITE')}> took \\d+\\.\\d ms \\(slowStepMs 20\\)$`)),
      expect.stringMatching(new RegExp(`^Executing <Handle onDone\\(\\) scheduled at .*${site('// DONE_SITE')}> took \\d+\\.\\d ms`)),
      expect.stringMatching(new RegExp(`^Executing <TimerHandle onTick\\(\\) scheduled at .*${site('// LATER_SITE')}> took \\d+\\.\\d ms`)),
    ]);
    expect(reports.map((report) => report.handle)).toEqual([soon, expect.anything(), later]);
    expect(reports[0]!.createdAt).toMatch(/^ {4}at .*debug-mode\.test\.ts:\d+:\d+/);
    loop.close();
  });

  it('debug off: handles are not instrumented and a callback reads no clock', () => {
    const { loop, reports } = recordingLoop({ debug: false, slowStepMs: 0 });
    const now = vi.spyOn(performance, 'now');
    let calls = 0;
    const handle = loop.callSoon(() => calls++);
    expect(Object.prototype.hasOwnProperty.call(handle, 'fire')).toBe(false);
    for (let i = 0; i < 100; i++) loop.callSoon(() => calls++);
    loop.runOnce();
    expect(calls).toBe(101);
    expect(now).not.toHaveBeenCalled();
    expect(reports).toEqual([]);
    loop.close();
  });
});

describe('debug mode: switching it on', () => {
  it('TSYNCIO_DEBUG=1 in the environment makes a loop a debug loop; an explicit option wins', () => {
    expect(new EventLoop().debug).toBe(false);
    vi.stubEnv('TSYNCIO_DEBUG', '1');
    expect(new EventLoop().debug).toBe(true);
    expect(new EventLoop({ debug: false }).debug).toBe(false);
    vi.stubEnv('TSYNCIO_DEBUG', '0');
    expect(new EventLoop().debug).toBe(false);
  });

  it('run(main, { debug: true }) runs main on a debug loop', async () => {
    function* main(): Coroutine<boolean> {
      yield;
      return getRunningLoop().debug;
    }
    await expect(run(main(), { debug: true })).resolves.toBe(true);
    await expect(run(main())).resolves.toBe(false);
  });
});

describe('debug mode: creation sites', () => {
  it('a task exception never retrieved is reported with where the task was made', () => {
    const { loop, reports } = recordingLoop({ debug: true });
    function* failing(): Coroutine<never> {
      yield;
      throw new Error('lost');
    }
    const task = loop.createTask(failing(), { name: 'lost' }); // TASK_SITE
    expect(creationSiteOf(task)).toMatch(/debug-mode\.test\.ts:\d+/);
    loop.createTask((function* (): Coroutine<void> { for (let i = 0; i < 3; i++) yield; })());
    loop.runUntilComplete(loop.createTask((function* (): Coroutine<void> { for (let i = 0; i < 3; i++) yield; })()));
    loop.close();
    const report = reports.find((context) => context.message.startsWith('Task exception was never retrieved'));
    expect(report?.createdAt).toMatch(/^ {4}at .*debug-mode\.test\.ts:\d+:\d+/);
    expect(report?.createdAt).not.toMatch(/runtime\/loop\.ts/);
  });

  it('a future exception never retrieved, and a task destroyed pending, carry their creation sites', () => {
    const { loop, reports } = recordingLoop({ debug: true });
    const future = loop.createFuture();
    future.setException(new Error('nobody looked'));
    loop.createTask(frames.leaf(loop.createFuture()), { name: 'pending' });
    loop.runOnce();
    loop.close();
    expect(reports.map((context) => [context.message, /debug-mode\.test\.ts/.test(context.createdAt ?? '')])).toEqual([
      ['Task was destroyed but it is pending! (task pending)', true],
      ['Future exception was never retrieved', true],
    ]);
  });

  it('debug off: nothing is captured', () => {
    const { loop, reports } = recordingLoop({ debug: false });
    const future = loop.createFuture();
    const task = loop.createTask(frames.leaf(loop.createFuture()));
    expect(creationSiteOf(future)).toBeUndefined();
    expect(creationSiteOf(task)).toBeUndefined();
    future.setException(new Error('x'));
    loop.runOnce();
    loop.close();
    expect(reports.map((context) => context.createdAt)).toEqual([undefined, undefined]);
  });
});

describe('debug mode: coroutines never run', () => {
  it('a watched native generator or frame collected without running is reported, with its creation site', async () => {
    const { loop, reports } = recordingLoop({ debug: true });
    function* neverStarted(): Coroutine<void> {
      yield;
    }
    // Reported to the loop running when it was made (stderr if none).
    function* maker(): Coroutine<void> {
      trackCoroutine(neverStarted(), 'neverStarted');
      trackCoroutine(frames.leaf(loop.createFuture()));
      yield;
    }
    loop.runUntilComplete(loop.createTask(maker()));
    await collectAndWait(5);
    const messages = reports.map((context) => context.message).sort();
    expect(messages).toEqual([
      "coroutine 'leaf' was created but never run or awaited",
      "coroutine 'neverStarted' was created but never run or awaited",
    ]);
    expect(reports.every((context) => /debug-mode\.test\.ts/.test(context.createdAt ?? ''))).toBe(true);
    loop.close();
  });

  it('watched coroutines that ran (by a task, through yield*, by next) are not reported', async () => {
    const { loop, reports } = recordingLoop({ debug: true });
    function* child(): Coroutine<number> {
      yield;
      return 1;
    }
    // Made while a loop runs, so a false report would reach the handler.
    function* maker(): Coroutine<void> {
      const future = loop.createFuture<string>();
      future.setResult('r');
      yield* loop.createTask(trackCoroutine(frames.leaf(future)));
      yield* trackCoroutine(child(), 'child');
      trackCoroutine(child(), 'byHand').next();
      trackCoroutine(child(), 'closed').return(0);
    }
    loop.runUntilComplete(loop.createTask(maker()));
    await collectAndWait(5);
    expect(reports).toEqual([]);
    loop.close();
  });

  it('frame classes linked while TSYNCIO_DEBUG is set: a frame collected without running is reported, one that ran is not', async () => {
    const { loop, reports } = recordingLoop({ debug: true });
    vi.stubEnv('TSYNCIO_DEBUG', '1');
    // Compiled, its frame classes are linked now, in debug mode.
    const { forgottenFrame, awaitedFrame } = await import('./never-run.js');
    /** A flat frame class as the transformer emits it: no super(), `state` stored first in the constructor. */
    class Watched$Frame {
      constructor() {
        this.state = 0;
        this.caller = null;
      }
      step(_fiber: Fiber, mode: ResumeMode, value: unknown): unknown {
        return this.exitWith(mode, value);
      }
    }
    interface Watched$Frame extends Frame<unknown> {}
    linkFrameClass(Watched$Frame);
    vi.unstubAllEnvs();
    class Unwatched$Frame {
      constructor() {
        this.state = 0;
        this.caller = null;
      }
      step(_fiber: Fiber, mode: ResumeMode, value: unknown): unknown {
        return this.exitWith(mode, value);
      }
    }
    interface Unwatched$Frame extends Frame<unknown> {}
    linkFrameClass(Unwatched$Frame);
    // Linked without debug mode, a frame class is left exactly as it was.
    expect(Object.getOwnPropertyNames(Unwatched$Frame.prototype).sort()).toEqual(['constructor', 'step']);
    expect(Object.prototype.hasOwnProperty.call(Watched$Frame.prototype, 'state')).toBe(true);
    function* maker(): Coroutine<number> {
      forgottenFrame();
      new Watched$Frame();
      new Unwatched$Frame();
      expect(new Watched$Frame().next()).toEqual({ value: undefined, done: true });
      // Run through the hybrid call, as a task, and by hand.
      const ran = (yield* awaitedFrame()) + (yield* loop.createTask(awaitedFrame()));
      awaitedFrame().next();
      return ran;
    }
    expect(loop.runUntilComplete(loop.createTask(maker()))).toBe(4);
    await collectAndWait(5);
    const messages = reports.map((context) => context.message).sort();
    expect(messages).toEqual([
      "coroutine 'Watched' was created but never run or awaited",
      ...(compiledCoroutines ? ["coroutine 'forgottenFrame' was created but never run or awaited"] : []),
    ]);
    expect(reports.every((context) => /debug-mode\.test\.ts/.test(context.createdAt ?? ''))).toBe(true);
    loop.close();
  });

  it('coroutine(fn) watches what fn makes when TSYNCIO_DEBUG is set as it is defined', async () => {
    const { loop, reports } = recordingLoop({ debug: true });
    vi.stubEnv('TSYNCIO_DEBUG', '1');
    const forgotten = coroutine(function* forgotten(): Coroutine<void> {
      yield;
    });
    vi.unstubAllEnvs();
    const plain = coroutine(function* plain(): Coroutine<void> {
      yield;
    });
    function* maker(): Coroutine<void> {
      forgotten();
      plain();
      yield;
    }
    loop.runUntilComplete(loop.createTask(maker()));
    await collectAndWait(5);
    expect(reports.map((context) => context.message)).toEqual(["coroutine 'forgotten' was created but never run or awaited"]);
    loop.close();
  });
});
