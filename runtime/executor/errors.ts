import { RuntimeError } from '../errors.js';

/**
 * A worker thread died while running a job: it called `process.exit()`, an error escaped the job (a
 * throw in a timer callback, an unhandled rejection), or it ran out of memory. The job fails with this
 * error (the uncaught error, if there was one, is its `cause`); the pool replaces the worker for the
 * jobs after it. (concurrent.futures breaks the whole pool instead: BrokenProcessPool.)
 */
export class WorkerCrashedError extends RuntimeError {
  override name = 'WorkerCrashedError';
  /** The worker's exit code. */
  readonly exitCode: number;

  constructor(message: string, exitCode: number, cause?: unknown) {
    super(message, cause !== undefined ? { cause } : undefined);
    this.exitCode = exitCode;
  }
}
