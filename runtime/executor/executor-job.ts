import { CancelledError, InvalidStateError } from '../errors.js';

/** Where a job is: waiting in the queue, running in a worker, finished (result or error), or cancelled. */
export type JobState = 'pending' | 'running' | 'finished' | 'cancelled';

export type JobDoneCallback<R> = (job: ExecutorJob<R>) => void;

/**
 * One submitted call (concurrent.futures.Future, as seen from the thread that submitted it). It is not
 * bound to an event loop: `loop.runInExecutor` chains it to a loop Future; from async code `await job`
 * works (it is a PromiseLike).
 *
 * `cancel()` only drops a job still waiting in the queue: once a worker runs it, it runs to its end.
 */
export class ExecutorJob<R = unknown> implements PromiseLike<R> {
  /** What the job runs, for messages ("hash()"). */
  readonly label: string;
  private jobState: JobState = 'pending';
  private value: R | undefined = undefined;
  private error: unknown = undefined;
  private failed = false;
  private callbacks: JobDoneCallback<R>[] = [];
  private readonly onCancelled: () => void;

  /** @internal Made by an executor's submit; `onCancelled` takes it out of the executor's queue. */
  constructor(label: string, onCancelled: () => void) {
    this.label = label;
    this.onCancelled = onCancelled;
  }

  get state(): JobState {
    return this.jobState;
  }

  running(): boolean {
    return this.jobState === 'running';
  }

  done(): boolean {
    return this.jobState === 'finished' || this.jobState === 'cancelled';
  }

  cancelled(): boolean {
    return this.jobState === 'cancelled';
  }

  /**
   * Drops the job if it is still queued: true then (and if it was already cancelled). False once it
   * runs or ran: work already started in a worker cannot be stopped.
   */
  cancel(): boolean {
    if (this.jobState === 'cancelled') return true;
    if (this.jobState !== 'pending') return false;
    this.jobState = 'cancelled';
    this.onCancelled();
    this.notify();
    return true;
  }

  /** The result; throws the job's error, CancelledError if cancelled, InvalidStateError if not done (never blocks). */
  result(): R {
    if (this.jobState === 'cancelled') throw new CancelledError();
    if (this.jobState !== 'finished') throw new InvalidStateError(`the job is ${this.jobState}`);
    if (this.failed) throw this.error;
    return this.value as R;
  }

  /** The job's error (undefined if it succeeded); CancelledError / InvalidStateError as `result()`. */
  exception(): unknown {
    if (this.jobState === 'cancelled') throw new CancelledError();
    if (this.jobState !== 'finished') throw new InvalidStateError(`the job is ${this.jobState}`);
    return this.failed ? this.error : undefined;
  }

  /** Calls `callback(job)` once the job is done: at once (synchronously) if it already is. */
  addDoneCallback(callback: JobDoneCallback<R>): void {
    if (this.done()) callback(this);
    else this.callbacks.push(callback);
  }

  then<R1 = R, R2 = never>(
    onfulfilled?: ((value: R) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    // Made on demand: a Promise nobody asked for would report its rejection as unhandled.
    return new Promise<R>((resolve, reject) => {
      this.addDoneCallback(() => {
        try {
          resolve(this.result());
        } catch (error) {
          reject(error);
        }
      });
    }).then(onfulfilled, onrejected);
  }

  toString(): string {
    return `<ExecutorJob ${this.label} ${this.jobState}>`;
  }

  /** @internal A worker takes it; false if it was cancelled meanwhile. */
  markRunning(): boolean {
    if (this.jobState !== 'pending') return false;
    this.jobState = 'running';
    return true;
  }

  /** @internal */
  setResult(value: R): void {
    if (this.done()) return;
    this.value = value;
    this.jobState = 'finished';
    this.notify();
  }

  /** @internal */
  setException(error: unknown): void {
    if (this.done()) return;
    this.error = error;
    this.failed = true;
    this.jobState = 'finished';
    this.notify();
  }

  private notify(): void {
    const callbacks = this.callbacks;
    this.callbacks = [];
    for (const callback of callbacks) {
      try {
        callback(this);
      } catch (error) {
        // One failing callback must not keep the others (or the executor's bookkeeping) from running.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
