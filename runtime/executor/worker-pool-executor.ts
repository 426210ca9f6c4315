import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { RuntimeError, ValueError } from '../errors.js';
import { WorkerCrashedError } from './errors.js';
import type { Executor, ShutdownOptions } from './executor.js';
import { ExecutorJob } from './executor-job.js';
import { rebuildThrown, type ThrownDescription } from './remote-error.js';
import { describeCallable, type CallableDescription, type ModuleFunction, type WorkerFunction, type WorkerResult } from './worker-callable.js';
import { WORKER_SOURCE } from './worker-script.js';

export interface WorkerPoolOptions {
  /** The most worker threads the pool runs at once (default: `os.availableParallelism()`). */
  maxWorkers?: number;
}

/** A job waiting for a worker. */
interface QueuedJob {
  readonly job: ExecutorJob<unknown>;
  readonly callable: CallableDescription;
  readonly args: readonly unknown[];
}

/** One worker thread and the job it runs (one at a time). */
interface PoolWorker {
  readonly thread: Worker;
  job: ExecutorJob<unknown> | null;
  jobId: number;
  /** The pool terminated it (shutdown): its exit is not a crash. */
  retiring: boolean;
  /** The error that escaped the worker, reported just before its exit. */
  uncaught: unknown;
}

type Reply = { jobId: number; ok: true; value: unknown } | { jobId: number; ok: false; error: ThrownDescription };

/**
 * concurrent.futures' pool executor on node:worker_threads: jobs run in up to `maxWorkers` worker
 * threads, in the order they were submitted; the rest wait in a queue.
 *
 * Workers start when jobs need them and then stay, idle, for the next jobs. An idle worker does not
 * keep Node running (it is unref'd); a busy one does, so a job that has started ends before the
 * process exits, as Python waits for its executor threads at exit. A worker that dies while running a
 * job (`process.exit()` in it, an uncaught error, out of memory) fails that job with WorkerCrashedError
 * and is replaced for the jobs after it.
 *
 * Arguments and results are copied between threads by structured clone (when a worker takes the job):
 * numbers, strings, plain objects and arrays, typed arrays, Maps, Sets, Dates, errors... but not
 * functions, class instances' prototypes, or sockets.
 */
export class WorkerPoolExecutor implements Executor {
  readonly maxWorkers: number;
  private readonly queue: QueuedJob[] = [];
  private readonly workers = new Set<PoolWorker>();
  private readonly idle: PoolWorker[] = [];
  private shuttingDown = false;
  private exitWaiters: (() => void)[] = [];
  private nextJobId = 1;

  constructor(options: WorkerPoolOptions = {}) {
    const maxWorkers = options.maxWorkers ?? availableParallelism();
    if (!Number.isInteger(maxWorkers) || maxWorkers <= 0) throw new ValueError('maxWorkers must be a positive integer');
    this.maxWorkers = maxWorkers;
  }

  /** Worker threads alive now (busy, idle, or exiting). */
  get workerCount(): number {
    return this.workers.size;
  }

  /** Jobs submitted and not yet taken by a worker. */
  get queuedCount(): number {
    return this.queue.length;
  }

  submit<F extends WorkerFunction>(fn: F | ModuleFunction<F>, ...args: Parameters<F>): ExecutorJob<WorkerResult<F>> {
    if (this.shuttingDown) throw new RuntimeError('cannot schedule new futures after shutdown');
    const callable = describeCallable(fn);
    const job: ExecutorJob<WorkerResult<F>> = new ExecutorJob(callable.label, () => this.dropQueued(job as ExecutorJob<unknown>));
    this.queue.push({ job: job as ExecutorJob<unknown>, callable, args });
    this.dispatch();
    return job;
  }

  shutdown(options: ShutdownOptions = {}): Promise<void> {
    this.shuttingDown = true;
    if (options.cancelFutures === true) {
      for (const { job } of this.queue.splice(0)) job.cancel();
    }
    this.dispatch();
    if (options.wait === false || this.workers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  toString(): string {
    const state = this.shuttingDown ? 'shutdown' : 'running';
    return `<WorkerPoolExecutor ${state} workers=${this.workers.size}/${this.maxWorkers} queued=${this.queue.length}>`;
  }

  /** Hands queued jobs to idle workers, starting workers up to the maximum; retires idle ones once shut down. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.workers.size < this.maxWorkers ? this.spawn() : undefined);
      if (worker === undefined) return;
      const next = this.queue.shift() as QueuedJob;
      if (!next.job.markRunning() || !this.start(worker, next)) this.makeIdle(worker);
    }
    if (this.shuttingDown) {
      for (const worker of this.idle.splice(0)) {
        worker.retiring = true;
        void worker.thread.terminate();
      }
    }
  }

  private spawn(): PoolWorker {
    const thread = new Worker(WORKER_SOURCE, { eval: true });
    const worker: PoolWorker = { thread, job: null, jobId: 0, retiring: false, uncaught: undefined };
    thread.on('message', (reply: Reply) => this.onReply(worker, reply));
    thread.on('messageerror', (error: Error) => this.onReplyLost(worker, error));
    thread.on('error', (error: Error) => {
      worker.uncaught ??= error;
    });
    thread.on('exit', (code: number) => this.onExit(worker, code));
    this.workers.add(worker);
    return worker;
  }

  /** Sends the job; false (the job failed) if its arguments cannot be cloned. */
  private start(worker: PoolWorker, { job, callable, args }: QueuedJob): boolean {
    const jobId = this.nextJobId++;
    try {
      worker.thread.postMessage({ jobId, callable, args });
    } catch (error) {
      job.setException(new TypeError(`the arguments of ${job.label} cannot be sent to a worker: ${String(error)}`, { cause: error }));
      return false;
    }
    worker.job = job;
    worker.jobId = jobId;
    // Busy: Node must not exit under a running job.
    worker.thread.ref();
    return true;
  }

  private makeIdle(worker: PoolWorker): void {
    worker.thread.unref();
    this.idle.push(worker);
  }

  private onReply(worker: PoolWorker, reply: Reply): void {
    const job = worker.job;
    if (job === null || reply.jobId !== worker.jobId) return;
    worker.job = null;
    // Idle before the job settles: its callbacks may submit the next job, which can take this worker.
    this.makeIdle(worker);
    if (reply.ok) job.setResult(reply.value);
    else job.setException(rebuildThrown(reply.error));
    this.dispatch();
  }

  /** The reply arrived but could not be deserialized here. */
  private onReplyLost(worker: PoolWorker, error: Error): void {
    const job = worker.job;
    if (job === null) return;
    worker.job = null;
    this.makeIdle(worker);
    job.setException(new TypeError(`the result of ${job.label} could not be received from the worker: ${error.message}`, { cause: error }));
    this.dispatch();
  }

  private onExit(worker: PoolWorker, exitCode: number): void {
    this.workers.delete(worker);
    const idleIndex = this.idle.indexOf(worker);
    if (idleIndex >= 0) this.idle.splice(idleIndex, 1);
    const job = worker.job;
    worker.job = null;
    if (job !== null && !worker.retiring) {
      const uncaught = worker.uncaught;
      const how = uncaught !== undefined ? `died of an uncaught error (${String(uncaught)})` : `exited with code ${exitCode}`;
      job.setException(new WorkerCrashedError(`the worker thread running ${job.label} ${how}`, exitCode, uncaught));
    }
    // The jobs still queued need a replacement (also during a shutdown that did not cancel them).
    this.dispatch();
    if (this.shuttingDown && this.workers.size === 0) {
      for (const resolve of this.exitWaiters.splice(0)) resolve();
    }
  }

  private dropQueued(job: ExecutorJob<unknown>): void {
    const index = this.queue.findIndex((queued) => queued.job === job);
    if (index >= 0) this.queue.splice(index, 1);
  }
}
