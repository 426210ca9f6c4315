import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, RuntimeError } from '../../runtime/errors.js';
import type { Executor, ShutdownOptions } from '../../runtime/executor/executor.js';
import type { ExecutorJob } from '../../runtime/executor/executor-job.js';
import { toThread } from '../../runtime/executor/to-thread.js';
import type { ModuleFunction, WorkerFunction, WorkerResult } from '../../runtime/executor/worker-callable.js';
import { WorkerPoolExecutor } from '../../runtime/executor/worker-pool-executor.js';
import { EventLoop, type ExceptionContext } from '../../runtime/loop.js';
import { createTask, run } from '../../runtime/run.js';
import { getRunningLoop } from '../../runtime/running.js';
import { sleep } from '../../runtime/sleep.js';
import { WORK_MODULE, expectNoWorkers, expectNothingKeepingNodeAlive, work } from './helpers.js';

afterEach(expectNothingKeepingNodeAlive);

/** A pool that remembers its jobs, to see what cancellation did to them. */
class RecordingExecutor implements Executor {
  readonly pool: WorkerPoolExecutor;
  readonly jobs: ExecutorJob<unknown>[] = [];

  constructor(maxWorkers: number) {
    this.pool = new WorkerPoolExecutor({ maxWorkers });
  }

  submit<F extends WorkerFunction>(fn: F | ModuleFunction<F>, ...args: Parameters<F>): ExecutorJob<WorkerResult<F>> {
    const job = this.pool.submit(fn, ...args);
    this.jobs.push(job as ExecutorJob<unknown>);
    return job;
  }

  shutdown(options?: ShutdownOptions): Promise<void> {
    return this.pool.shutdown(options);
  }
}

async function runCollecting<T>(main: () => Coroutine<T>): Promise<{ value: T; reports: ExceptionContext[] }> {
  const reports: ExceptionContext[] = [];
  const value = await run(main(), { exceptionHandler: (_loop, context) => reports.push(context), handleSigint: false });
  return { value, reports };
}

describe('loop.runInExecutor', () => {
  it('gives a loop Future of the result; errors are thrown into the coroutine', async () => {
    const executor = new WorkerPoolExecutor({ maxWorkers: 2 });
    const { value, reports } = await runCollecting(function* () {
      const loop = getRunningLoop();
      const future = loop.runInExecutor(executor, (a: number, b: number) => a + b, 2, 3);
      expect(future.getLoop()).toBe(loop);
      const sum = yield* future;
      let caught: unknown;
      try {
        yield* loop.runInExecutor(executor, work.failQuota, 1);
      } catch (error) {
        caught = error;
      }
      return { sum, caught: (caught as Error).name };
    });
    expect(value).toEqual({ sum: 5, caught: 'QuotaError' });
    expect(reports).toEqual([]);
    await executor.shutdown();
  });

  it('jobs run in parallel while the loop goes on: two jobs meet while the loop ticks', async () => {
    const executor = new WorkerPoolExecutor({ maxWorkers: 2 });
    const { value } = await runCollecting(function* () {
      const loop = getRunningLoop();
      let ticks = 0;
      const ticker = createTask(
        (function* () {
          for (;;) {
            yield* sleep(1);
            ticks++;
          }
        })(),
      );
      // Each job blocks its thread until the other has arrived: only concurrent jobs both get through.
      const meeting = new SharedArrayBuffer(4);
      const both = [loop.runInExecutor(executor, work.rendezvous, meeting, 2, 5000), loop.runInExecutor(executor, work.rendezvous, meeting, 2, 5000)];
      const met: boolean[] = [];
      for (const job of both) met.push(yield* job);
      ticker.cancel();
      return { met, ticked: ticks > 0 };
    });
    expect(value).toEqual({ met: [true, true], ticked: true });
    await executor.shutdown();
  });

  it('cancelling the waiting task drops a queued job, while a running job goes on to its end (asyncio semantics)', async () => {
    const executor = new RecordingExecutor(1);
    const { value } = await runCollecting(function* () {
      const loop = getRunningLoop();
      const first = createTask((function* () { return yield* loop.runInExecutor(executor, work.busy, 200, 'running'); })());
      const second = createTask((function* () { return yield* loop.runInExecutor(executor, work.busy, 200, 'queued'); })());
      yield* sleep(10);
      first.cancel();
      second.cancel();
      const outcomes: string[] = [];
      for (const task of [first, second]) {
        try {
          yield* task;
        } catch (error) {
          outcomes.push(error instanceof CancelledError ? 'cancelled' : String(error));
        }
      }
      const [runningJob, queuedJob] = executor.jobs as [ExecutorJob<unknown>, ExecutorJob<unknown>];
      const statesAtCancel = [runningJob.state, queuedJob.state];
      yield runningJob; // a PromiseLike: waits for the job itself
      return { outcomes, statesAtCancel, runningJobResult: runningJob.result() };
    });
    expect(value.outcomes).toEqual(['cancelled', 'cancelled']);
    expect(value.statesAtCancel).toEqual(['running', 'cancelled']);
    expect(value.runningJobResult).toMatchObject({ tag: 'running' });
    await executor.shutdown();
  });

  it('a closed loop refuses', () => {
    const loop = new EventLoop({ clock: 'virtual' });
    loop.close();
    expect(() => loop.runInExecutor(null, (n: number) => n, 1)).toThrow(new RuntimeError('Event loop is closed'));
  });
});

describe('toThread and the default executor', () => {
  it('types: arguments and results follow the function (or the type given for a module export)', () => {
    // Compile-time checks (npm test typechecks first); the coroutines are never started.
    expectTypeOf(toThread((n: number) => n * 2, 1)).toEqualTypeOf<Coroutine<number>>();
    expectTypeOf(toThread(async (text: string) => text.length, 'x')).toEqualTypeOf<Coroutine<number>>();
    expectTypeOf(toThread(work.hash, 'abc')).toEqualTypeOf<Coroutine<string>>();
    expectTypeOf(toThread(WORK_MODULE, 'hash', 'abc')).toEqualTypeOf<Coroutine<unknown>>();
    expectTypeOf(toThread<(data: string) => string>(WORK_MODULE, 'hash', 'abc')).toEqualTypeOf<Coroutine<string>>();
    // @ts-expect-error: a string where the function takes a number
    void toThread((n: number) => n * 2, 'one');
    // @ts-expect-error: an argument too many
    void toThread(work.hash, 'abc', 'extra');
  });

  it('toThread takes a function, a moduleFunction, or a module URL and an export name', async () => {
    const { value } = await runCollecting(function* () {
      const squared = yield* toThread((n: number) => n * n, 12);
      const digest = yield* toThread(work.hash, 'abc');
      const byUrl = yield* toThread<(data: string) => string>(WORK_MODULE, 'hash', 'abc');
      const untyped: unknown = yield* toThread(WORK_MODULE, 'later', 1, 'value');
      return { squared, digest: digest.slice(0, 8), same: byUrl === digest, untyped };
    });
    expect(value).toEqual({ squared: 144, digest: 'ba7816bf', same: true, untyped: 'value' });
  });

  it('the default executor is made on first use and shut down when the loop closes (its workers exit)', async () => {
    const executor = new WorkerPoolExecutor({ maxWorkers: 2 });
    const { value } = await runCollecting(function* () {
      getRunningLoop().setDefaultExecutor(executor);
      const results = [toThread(work.busy, 5, 'a'), toThread(work.busy, 5, 'b')].map((coroutine) => createTask(coroutine));
      const tags: string[] = [];
      for (const task of results) tags.push((yield* task).tag);
      return tags;
    });
    expect(value).toEqual(['a', 'b']);
    await expectNoWorkers(executor);
    expect(() => executor.submit(work.hash, 'x')).toThrow('cannot schedule new futures after shutdown');
  });

  it('a job still queued when run() ends is dropped, and the lazily made default pool leaves nothing running', async () => {
    let leftBehind: ExecutorJob<unknown> | undefined;
    const { reports } = await runCollecting(function* () {
      const loop = getRunningLoop();
      const executor = new RecordingExecutor(1);
      loop.setDefaultExecutor(executor);
      createTask(toThread(work.busy, 30, 'running at the end'));
      createTask(toThread(work.busy, 30, 'queued at the end'));
      yield* sleep(5);
      leftBehind = executor.jobs[1];
      // main returns: run() cancels both tasks; closing the loop shuts the pool down.
    });
    expect(reports).toEqual([]);
    expect(leftBehind?.state).toBe('cancelled');
    // And with the truly default pool (made by the loop itself):
    const { value } = await runCollecting(function* () {
      return yield* toThread((text: string) => text.length, 'four');
    });
    expect(value).toBe(4);
  });
});
