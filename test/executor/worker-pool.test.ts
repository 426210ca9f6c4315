import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, RuntimeError } from '../../runtime/errors.js';
import { WorkerCrashedError } from '../../runtime/executor/errors.js';
import { moduleFunction } from '../../runtime/executor/worker-callable.js';
import { WorkerPoolExecutor } from '../../runtime/executor/worker-pool-executor.js';
import { WORK_MODULE, expectNoWorkers, expectNothingKeepingNodeAlive, work } from './helpers.js';

const pools: WorkerPoolExecutor[] = [];

/** A pool shut down (and checked empty) after the test. */
function pool(maxWorkers: number): WorkerPoolExecutor {
  const executor = new WorkerPoolExecutor({ maxWorkers });
  pools.push(executor);
  return executor;
}

afterEach(async () => {
  for (const executor of pools.splice(0)) {
    await executor.shutdown({ wait: true, cancelFutures: true });
    await expectNoWorkers(executor);
  }
  await expectNothingKeepingNodeAlive();
});

/** What a rejected job rejected with. */
async function rejectionOf(job: PromiseLike<unknown>): Promise<unknown> {
  try {
    await job;
  } catch (error) {
    return error;
  }
  throw new Error('the job did not fail');
}

describe('WorkerPoolExecutor: results', () => {
  it('runs a self-contained function, an async one and a module export; arguments and results are cloned', async () => {
    const executor = pool(2);
    const sum = executor.submit((numbers: number[]) => numbers.reduce((total, n) => total + n, 0), [1, 2, 3, 4]);
    const slow = executor.submit(async (text: string) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return text.toUpperCase();
    }, 'later');
    const digest = executor.submit(work.hash, 'abc');
    const shapes = executor.submit(
      (map: Map<string, Uint8Array>) => ({ keys: [...map.keys()], sizes: [...map.values()].map((bytes) => bytes.length), when: new Date(0) }),
      new Map([['a', new Uint8Array(3)], ['b', new Uint8Array(5)]]),
    );
    expect(await sum).toBe(10);
    expect(await slow).toBe('LATER');
    expect(await digest).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await shapes).toEqual({ keys: ['a', 'b'], sizes: [3, 5], when: new Date(0) });
    expect(sum.state).toBe('finished');
    expect(sum.result()).toBe(10);
  });

  it('a method written shorthand and a string module path work too', async () => {
    const executor = pool(1);
    const helpers = {
      double(n: number): number {
        return n * 2;
      },
    };
    expect(await executor.submit(helpers.double, 21)).toBe(42);
    const byPath = moduleFunction<(data: string) => string>(WORK_MODULE.pathname, 'hash');
    expect(await executor.submit(byPath, '')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('WorkerPoolExecutor: errors cross the thread boundary', () => {
  it('keeps name, message, the worker-side stack and own properties; builtin classes stay themselves', async () => {
    const executor = pool(1);
    const typeError = await rejectionOf(
      executor.submit((value: unknown) => {
        if (typeof value !== 'number') throw new TypeError(`not a number: ${String(value)}`);
        return value;
      }, 'x'),
    );
    expect(typeError).toBeInstanceOf(TypeError);
    expect((typeError as Error).message).toBe('not a number: x');
    expect((typeError as Error).stack).toContain('[worker eval]');

    const quota = (await rejectionOf(executor.submit(work.failQuota, 3))) as Error & { code?: string };
    expect(quota).toBeInstanceOf(Error);
    expect(quota.name).toBe('QuotaError');
    expect(quota.message).toBe('quota of 3 exceeded');
    expect(quota.code).toBe('E_QUOTA');
    expect(quota.stack).toContain('work.mjs');
    expect(quota.cause).toBeInstanceOf(RangeError);
    expect((quota.cause as Error).message).toBe('inner');

    const thrownValue = await rejectionOf(
      executor.submit(() => {
        throw { status: 418 };
      }),
    );
    expect(thrownValue).toEqual({ status: 418 });
  });

  it('what cannot travel fails clearly: closures, unclonable arguments or results, coroutines, native functions, bad exports', async () => {
    const executor = pool(1);
    const outside = 5;
    const closure = await rejectionOf(executor.submit((n: number) => n + outside, 1));
    expect(closure).toBeInstanceOf(ReferenceError);
    expect((closure as Error).message).toBe('outside is not defined');

    const badArgument = await rejectionOf(executor.submit((callback: () => number) => callback(), () => 1));
    expect(badArgument).toBeInstanceOf(TypeError);
    expect((badArgument as Error).message).toMatch(/arguments of <anonymous>\(\) cannot be sent to a worker/);

    const badResult = await rejectionOf(executor.submit(work.unsendable));
    expect(badResult).toBeInstanceOf(TypeError);
    expect((badResult as Error).message).toMatch(/result of unsendable\(\) cannot be sent back/);

    expect(() => executor.submit(function* generator() {})).toThrow('coroutines cannot be run in a worker');
    expect(() => executor.submit(Math.max, 1, 2)).toThrow(/max\(\) is native or bound/);
    const bound = ((n: number) => n).bind(null) as (n: number) => number;
    expect(() => executor.submit(bound, 1)).toThrow(/native or bound/);
    expect(() => moduleFunction('./relative.js', 'x')).toThrow(/URL or an absolute path/);

    const notAFunction = await rejectionOf(executor.submit(work.notAFunction));
    expect((notAFunction as Error).message).toMatch(/no exported function named notAFunction/);
    const missing = await rejectionOf(executor.submit(moduleFunction(new URL('./fixtures/missing.mjs', import.meta.url), 'x')));
    expect((missing as { code?: string }).code).toBe('ERR_MODULE_NOT_FOUND');
    // The pool still works after all that.
    expect(await executor.submit((a: number, b: number) => a * b, 6, 7)).toBe(42);
  });
});

describe('WorkerPoolExecutor: queueing', () => {
  it('more jobs than workers wait in the queue and run in order on at most maxWorkers threads', async () => {
    const executor = pool(2);
    const jobs = Array.from({ length: 8 }, (_, index) => executor.submit(work.busy, 20, `job ${index}`));
    expect(executor.workerCount).toBe(2);
    expect(executor.queuedCount).toBe(6);
    expect(jobs.filter((job) => job.running())).toHaveLength(2);
    const results = await Promise.all(jobs);
    expect(results.map((result) => result.tag)).toEqual(jobs.map((_, index) => `job ${index}`));
    expect(new Set(results.map((result) => result.threadId)).size).toBe(2);
    expect(executor.workerCount).toBe(2);
  });

  it('cancel() drops a queued job (true), not a running one (false)', async () => {
    const executor = pool(1);
    const running = executor.submit(work.busy, 50, 'running');
    const queued = executor.submit(work.busy, 50, 'queued');
    expect(queued.cancel()).toBe(true);
    expect(queued.cancelled()).toBe(true);
    expect(queued.cancel()).toBe(true);
    expect(executor.queuedCount).toBe(0);
    expect(running.cancel()).toBe(false);
    expect((await running).tag).toBe('running');
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('WorkerPoolExecutor: crashed workers', () => {
  it('process.exit in a worker fails its job with WorkerCrashedError; the job queued behind it runs on a new worker', async () => {
    const executor = pool(1);
    const crashing = executor.submit(work.exitWith, 3);
    const next = executor.submit(work.busy, 1, 'after the crash');
    const error = (await rejectionOf(crashing)) as WorkerCrashedError;
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe('the worker thread running exitWith() exited with code 3');
    const after = await next;
    expect(after.tag).toBe('after the crash');
    expect(executor.workerCount).toBe(1);
  });

  it('an error escaping the job (thrown in a timer) crashes the worker: the job fails with it as cause', async () => {
    const executor = pool(2);
    const error = (await rejectionOf(executor.submit(work.throwLater))) as WorkerCrashedError;
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error.message).toMatch(/died of an uncaught error \(Error: escaped from a timer\)/);
    expect((error.cause as Error).message).toBe('escaped from a timer');
    expect(await executor.submit(work.hash, 'still fine')).toHaveLength(64);
  });
});

describe('WorkerPoolExecutor: shutdown', () => {
  it('wait: true resolves once every job (queued ones too) has run and every worker has exited', async () => {
    const executor = pool(2);
    const jobs = Array.from({ length: 5 }, (_, index) => executor.submit(work.busy, 10, `job ${index}`));
    await executor.shutdown({ wait: true });
    expect(jobs.map((job) => job.state)).toEqual(Array(5).fill('finished'));
    expect(executor.workerCount).toBe(0);
    expect(() => executor.submit(work.hash, 'late')).toThrow(new RuntimeError('cannot schedule new futures after shutdown'));
    await executor.shutdown();
  });

  it('wait: false returns at once; cancelFutures drops the queue while the running job ends, then its worker exits', async () => {
    const executor = pool(1);
    const running = executor.submit(work.busy, 60, 'running');
    const queued = [executor.submit(work.busy, 60, 'queued 1'), executor.submit(work.busy, 60, 'queued 2')];
    await executor.shutdown({ wait: false, cancelFutures: true });
    expect(running.state).toBe('running');
    expect(queued.map((job) => job.state)).toEqual(['cancelled', 'cancelled']);
    expect((await running).tag).toBe('running');
    await expectNoWorkers(executor);
  });

  it('an idle pool shuts down at once, and a pool nobody shut down does not keep Node alive', async () => {
    const executor = pool(2);
    await Promise.all([executor.submit(work.hash, 'a'), executor.submit(work.hash, 'b')]);
    // Idle workers are unref'd: nothing here keeps the process running.
    await expectNothingKeepingNodeAlive();
    expect(executor.workerCount).toBe(2);
    await executor.shutdown();
    expect(executor.workerCount).toBe(0);
  });
});
