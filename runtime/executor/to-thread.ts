import type { Coroutine } from '../coroutine.js';
import { getRunningLoop } from '../running.js';
import { ModuleFunction, type UntypedWorkerFunction, type WorkerFunction, type WorkerResult } from './worker-callable.js';

/**
 * asyncio.to_thread: runs `fn(...args)` in the running loop's default executor (a WorkerPoolExecutor
 * made on first use) and evaluates to its result; its error is thrown here.
 *
 *     const digest = yield* toThread(new URL('./work.js', import.meta.url), 'hash', data);
 *     const total = yield* toThread((numbers: number[]) => numbers.reduce((a, b) => a + b, 0), numbers);
 *
 * A plain function is sent as its source text: it must be self-contained (see moduleFunction for the
 * rest). Cancelling the waiting task drops the job if it has not started; a job already running goes
 * on to its end in its worker (its result is then dropped).
 */
export function toThread<F extends WorkerFunction>(fn: ModuleFunction<F>, ...args: Parameters<F>): Coroutine<WorkerResult<F>>;
export function toThread<F extends WorkerFunction = UntypedWorkerFunction>(
  module: URL,
  exportName: string,
  ...args: Parameters<F>
): Coroutine<WorkerResult<F>>;
export function toThread<F extends WorkerFunction>(fn: F, ...args: Parameters<F>): Coroutine<WorkerResult<F>>;
export function* toThread(target: WorkerFunction | ModuleFunction<WorkerFunction> | URL, ...rest: unknown[]): Coroutine<unknown> {
  const loop = getRunningLoop();
  if (target instanceof URL) {
    const [exportName, ...args] = rest;
    const fn = new ModuleFunction<UntypedWorkerFunction>(target, exportName as string);
    return yield* loop.runInExecutor(null, fn, ...args);
  }
  return yield* loop.runInExecutor(null, target as ModuleFunction<UntypedWorkerFunction>, ...rest);
}
