import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError } from '../../runtime/errors.js';
import { EventLoop, type ExceptionContext } from '../../runtime/loop.js';
import { createTask, currentTask, run } from '../../runtime/run.js';
import { getRunningLoop } from '../../runtime/running.js';
import { sleep } from '../../runtime/sleep.js';
import type { Task } from '../../runtime/task.js';

interface Report {
  message: string;
  exception: unknown;
  taskName: string | undefined;
  time: number;
}

function recordingLoop(): { loop: EventLoop; reports: Report[] } {
  const loop = new EventLoop({ clock: 'virtual' });
  const reports: Report[] = [];
  loop.setExceptionHandler((handlerLoop, context) => {
    expect(handlerLoop).toBe(loop);
    reports.push({ message: context.message, exception: context.exception, taskName: context.taskName, time: loop.time() });
  });
  return { loop, reports };
}

describe('errors nobody retrieved', () => {
  it('a failed task nobody awaited is reported at close() with its name and its error', () => {
    const { loop, reports } = recordingLoop();
    const error = new Error('lost');
    function* failing(): Coroutine<void> {
      yield* sleep(5);
      throw error;
    }
    function* main(): Coroutine<string> {
      loop.createTask(failing(), { name: 'forgotten' });
      yield* sleep(10);
      return 'main done';
    }
    expect(loop.runUntilComplete(main())).toBe('main done');
    expect(reports).toEqual([]);
    loop.close();
    expect(reports).toEqual([
      { message: 'Task exception was never retrieved (task forgotten)', exception: error, taskName: 'forgotten', time: 10 },
    ]);
    loop.close();
    expect(reports).toHaveLength(1);
  });

  it('a failed plain future nobody looked at is reported at close()', () => {
    const { loop, reports } = recordingLoop();
    const error = new Error('future error');
    loop.createFuture<void>().setException(error);
    loop.close();
    expect(reports).toEqual([{ message: 'Future exception was never retrieved', exception: error, taskName: undefined, time: 0 }]);
  });

  it('a retrieved exception is not reported: awaited, result(), exception(), or then()', async () => {
    const { loop, reports } = recordingLoop();
    function* failing(label: string): Coroutine<void> {
      yield;
      throw new Error(label);
    }
    function* main(): Coroutine<string[]> {
      const awaited = loop.createTask(failing('awaited'));
      const byResult = loop.createTask(failing('result'));
      const byException = loop.createTask(failing('exception'));
      const byThen = loop.createTask(failing('then'));
      const seen: string[] = [];
      byThen.then(undefined, (error: unknown) => seen.push(`then ${(error as Error).message}`));
      try {
        yield* awaited;
      } catch (error) {
        seen.push(`awaited ${(error as Error).message}`);
      }
      yield* sleep(1);
      try {
        byResult.result();
      } catch (error) {
        seen.push(`result ${(error as Error).message}`);
      }
      seen.push(`exception ${(byException.exception() as Error).message}`);
      return seen;
    }
    const seen = loop.runUntilComplete(main());
    await new Promise((resolve) => setImmediate(resolve));
    loop.close();
    expect(seen.sort()).toEqual(['awaited awaited', 'exception exception', 'result result', 'then then']);
    expect(reports).toEqual([]);
  });

  it('a pending task at close() is reported as destroyed while pending, with its name', () => {
    const { loop, reports } = recordingLoop();
    function* forever(): Coroutine<void> {
      yield* sleep(1000);
    }
    function* main(): Coroutine<void> {
      loop.createTask(forever(), { name: 'sleeper' });
      yield* sleep(1);
    }
    loop.runUntilComplete(main());
    loop.close();
    expect(reports).toEqual([
      { message: 'Task was destroyed but it is pending! (task sleeper)', exception: undefined, taskName: 'sleeper', time: 1 },
    ]);
  });

  it('an exception in a callSoon callback goes to the handler, and the loop goes on', () => {
    const { loop, reports } = recordingLoop();
    const trace: string[] = [];
    const error = new Error('callback failed');
    function brokenCallback(): void {
      trace.push('broken');
      throw error;
    }
    loop.callSoon(brokenCallback);
    loop.callSoon(() => trace.push('next callback'));
    loop.callLater(5, () => {
      throw new Error('timer failed');
    });
    function* main(): Coroutine<number> {
      yield* sleep(10);
      trace.push('main done');
      return loop.time();
    }
    expect(loop.runUntilComplete(main())).toBe(10);
    expect(trace).toEqual(['broken', 'next callback', 'main done']);
    expect(reports.map((report) => [report.message, (report.exception as Error).message, report.time])).toEqual([
      ['Exception in callback brokenCallback', 'callback failed', 0],
      ['Exception in callback <anonymous>', 'timer failed', 5],
    ]);
    loop.close();
  });

  it('an exception in a done callback goes to the handler', () => {
    const { loop, reports } = recordingLoop();
    const future = loop.createFuture<number>();
    future.addDoneCallback(() => {
      throw new Error('done callback failed');
    });
    future.setResult(1);
    expect(loop.runUntilComplete(future)).toBe(1);
    loop.runOnce();
    expect(reports.map((report) => (report.exception as Error).message)).toEqual(['done callback failed']);
    loop.close();
  });

  it('an exception handler that throws does not stop the loop', () => {
    const loop = new EventLoop({ clock: 'virtual' });
    const trace: string[] = [];
    loop.setExceptionHandler(() => {
      trace.push('handler');
      throw new Error('handler failed');
    });
    const originalWrite = process.stderr.write.bind(process.stderr);
    const written: string[] = [];
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      loop.callSoon(() => {
        throw new Error('first');
      });
      loop.callSoon(() => trace.push('after'));
      const done = loop.createFuture<void>();
      loop.callSoon(() => done.setResult());
      loop.runUntilComplete(done);
    } finally {
      process.stderr.write = originalWrite;
    }
    expect(trace).toEqual(['handler', 'after']);
    expect(written.join('')).toMatch(/Unhandled error in exception handler/);
    loop.close();
  });

  it('without a handler, reports go to stderr with the message and the stack', () => {
    const loop = new EventLoop({ clock: 'virtual' });
    expect(loop.getExceptionHandler()).toBeNull();
    const originalWrite = process.stderr.write.bind(process.stderr);
    const written: string[] = [];
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      function* failing(): Coroutine<void> {
        throw new Error('to stderr');
      }
      loop.createTask(failing(), { name: 'loud' });
      loop.runOnce();
      loop.close();
    } finally {
      process.stderr.write = originalWrite;
    }
    const output = written.join('');
    expect(output).toMatch(/Task exception was never retrieved \(task loud\)/);
    expect(output).toMatch(/Error: to stderr\n\s+at /);
  });
});

describe('run() and errors', () => {
  it('rejects with main\'s error, and does not report it as never retrieved', async () => {
    const contexts: ExceptionContext[] = [];
    const error = new Error('main failed');
    function* main(): Coroutine<never> {
      yield* sleep(1);
      throw error;
    }
    await expect(run(main(), { exceptionHandler: (_loop, context) => contexts.push(context) })).rejects.toBe(error);
    expect(contexts).toEqual([]);
  });

  it('rejects with CancelledError when main is cancelled', async () => {
    const contexts: ExceptionContext[] = [];
    function* main(): Coroutine<string> {
      const self = currentTask() as Task<unknown>;
      getRunningLoop().callLater(5, () => self.cancel('main gave up'));
      yield* sleep(100);
      return 'slept';
    }
    const outcome = run(main(), { clock: 'virtual', exceptionHandler: (_loop, context) => contexts.push(context) });
    await expect(outcome).rejects.toBeInstanceOf(CancelledError);
    await expect(outcome).rejects.toThrow('main gave up');
    expect(contexts).toEqual([]);
  });

  it('cancels the tasks left at the end: their finally runs, non-cancel errors are reported, cancellations are not', async () => {
    const contexts: ExceptionContext[] = [];
    const trace: string[] = [];
    function* quiet(): Coroutine<void> {
      try {
        yield* sleep(1000);
      } finally {
        trace.push('quiet finally');
      }
    }
    function* noisy(): Coroutine<void> {
      try {
        yield* sleep(1000);
      } finally {
        trace.push('noisy finally');
        // eslint-disable-next-line no-unsafe-finally
        throw new Error('failed while cancelled');
      }
    }
    function* stubborn(): Coroutine<string> {
      try {
        yield* sleep(1000);
      } catch {
        trace.push('stubborn caught');
      }
      yield;
      trace.push('stubborn finished');
      return 'stubborn';
    }
    function* main(): Coroutine<string> {
      createTask(quiet(), { name: 'quiet' });
      createTask(noisy(), { name: 'noisy' });
      createTask(stubborn(), { name: 'stubborn' });
      yield* sleep(1);
      return 'main result';
    }
    await expect(run(main(), { clock: 'virtual', exceptionHandler: (_loop, context) => contexts.push(context) })).resolves.toBe('main result');
    expect(trace).toEqual(['quiet finally', 'noisy finally', 'stubborn caught', 'stubborn finished']);
    expect(contexts.map((context) => [context.message, (context.exception as Error).message, context.taskName])).toEqual([
      ['unhandled exception during run() shutdown (task noisy)', 'failed while cancelled', 'noisy'],
    ]);
  });

  it('reports a task that failed earlier and was never awaited', async () => {
    const contexts: ExceptionContext[] = [];
    const error = new Error('background failure');
    function* background(): Coroutine<void> {
      throw error;
    }
    function* main(): Coroutine<number> {
      createTask(background(), { name: 'background' });
      yield* sleep(5);
      return 1;
    }
    await expect(run(main(), { clock: 'virtual', exceptionHandler: (_loop, context) => contexts.push(context) })).resolves.toBe(1);
    expect(contexts).toEqual([{ message: 'Task exception was never retrieved (task background)', exception: error, taskName: 'background' }]);
  });

  it('stop() inside run() ends it and rejects: main never completed', async () => {
    const contexts: ExceptionContext[] = [];
    function* main(): Coroutine<number> {
      yield* sleep(1);
      getRunningLoop().stop();
      yield* sleep(1);
      return 1;
    }
    await expect(run(main(), { clock: 'virtual', exceptionHandler: (_loop, context) => contexts.push(context) })).rejects.toThrow(
      /stopped before Future completed/,
    );
  });
});
