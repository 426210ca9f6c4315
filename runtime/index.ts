export { EventLoop, type EventLoopOptions, type ExceptionContext, type ExceptionHandler } from './loop.js';
export { run, createTask, currentTask, allTasks, ensureFuture, type RunOptions } from './run.js';
export { getRunningLoop } from './running.js';
export { Future, type DoneCallback } from './future.js';
export { Task, type TaskOptions } from './task.js';
export { Handle, TimerHandle } from './handle.js';
export { sleep, SleepRequest } from './sleep.js';
export { coroutine, type Coroutine } from './coroutine.js';
export { CancelledError, TimeoutError, InvalidStateError, RuntimeError } from './errors.js';
// The frame protocol, for compiled coroutines and hand-written frames (see protocol.ts).
export { Frame } from './frame.js';
export { type Fiber } from './fiber.js';
export { delegate } from './delegate.js';
export { IteratorFrame, closeIterator, iteratorOf } from './iterator-frame.js';
export {
  NEXT,
  THROW,
  RETURN,
  SUSPEND,
  YIELDED,
  AWAITING,
  CALLING,
  CALL_BUDGET,
  STATE_INITIAL,
  STATE_DONE,
  type ResumeMode,
  type Signal,
  type Suspend,
} from './protocol.js';
