export { EventLoop, type EventLoopOptions, type ExceptionContext, type ExceptionHandler } from './loop.js';
export { run, createTask, currentTask, allTasks, ensureFuture, type RunOptions } from './run.js';
export { getRunningLoop } from './running.js';
export { Future, type DoneCallback } from './future.js';
export { Task, type TaskOptions } from './task.js';
export { Handle, TimerHandle } from './handle.js';
export { sleep, SleepRequest } from './sleep.js';
export { coroutine, type Coroutine } from './coroutine.js';
export { type Awaitable, type AwaitedResult } from './awaited.js';
export { CancelledError, TimeoutError, InvalidStateError, RuntimeError, ValueError, BrokenBarrierError } from './errors.js';
// Combinators (asyncio's tasks.py, timeouts.py).
export { gather, gatherWith, GatheringFuture, type GatherOptions, type GatherResults, type GatherOutcomes } from './gather.js';
export { wait, FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED, type ReturnWhen, type WaitOptions } from './wait.js';
export { waitFor } from './wait-for.js';
export { timeout, timeoutAt, Timeout } from './timeout.js';
export { shield } from './shield.js';
export { asCompleted, type AsCompletedOptions } from './as-completed.js';
export { taskGroup, TaskGroup } from './task-group.js';
export { ExceptionGroup } from './exception-group.js';
// Queues and synchronization primitives (asyncio's queues.py, locks.py).
export { Queue, QueueEmpty, QueueFull, QueueShutDown } from './queue.js';
export { PriorityQueue, naturalOrder, type Compare } from './priority-queue.js';
export { LifoQueue } from './lifo-queue.js';
export { Lock } from './lock.js';
export { Event } from './event.js';
export { Condition } from './condition.js';
export { Semaphore, BoundedSemaphore } from './semaphore.js';
export { Barrier } from './barrier.js';
// The frame protocol, for compiled coroutines and hand-written frames (see protocol.ts).
export { Frame, isFrame, linkFrameClass } from './frame.js';
export { type Fiber } from './fiber.js';
export { delegate } from './delegate.js';
export { IteratorFrame, closeIterator, iteratorOf } from './iterator-frame.js';
export { superReference } from './super-reference.js';
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
  STATE_RUNNING,
  type ResumeMode,
  type Signal,
  type Suspend,
} from './protocol.js';
// Streams over node:net / node:tls (asyncio's streams.py).
export { openConnection, type OpenConnectionOptions } from './streams/open-connection.js';
export { startServer, Server, type ClientConnected, type StartServerOptions } from './streams/server.js';
export { StreamReader, DEFAULT_LIMIT, type ReadTransport } from './streams/stream-reader.js';
export { StreamWriter, type StreamExtraInfo } from './streams/stream-writer.js';
export {
  IncompleteReadError,
  LimitOverrunError,
  ConnectionError,
  ConnectionResetError,
  BrokenPipeError,
  ConnectionRefusedError,
  ConnectionAbortedError,
} from './streams/errors.js';
// Executors (asyncio's run_in_executor and to_thread; concurrent.futures).
export { type Executor, type ShutdownOptions } from './executor/executor.js';
export { ExecutorJob, type JobState, type JobDoneCallback } from './executor/executor-job.js';
export { WorkerPoolExecutor, type WorkerPoolOptions } from './executor/worker-pool-executor.js';
export { WorkerCrashedError } from './executor/errors.js';
export { toThread } from './executor/to-thread.js';
export { moduleFunction, ModuleFunction, type WorkerFunction, type WorkerResult, type UntypedWorkerFunction } from './executor/worker-callable.js';
// Subprocesses (asyncio's subprocess.py).
export { createSubprocessExec, createSubprocessShell, PIPE, STDOUT, DEVNULL, type StdioMode, type SubprocessOptions } from './subprocess/create-subprocess.js';
export { Process } from './subprocess/process.js';
// Debugging: coroutine stacks, chains on errors, call graphs, debug mode.
export { coroutineChainOf, formatCoroutineChain, type CoroutineChainEntry } from './debug/chain.js';
export { type CoroutineFrameInfo, type FrameDebugTable } from './debug/frame-info.js';
export { type StackOptions, type PrintStackOptions, type TextSink } from './debug/stack.js';
export { captureCallGraph, formatCallGraph, printCallGraph, type FutureCallGraph, type CallGraphOptions, type PrintCallGraphOptions } from './debug/graph.js';
export { trackCoroutine, creationSiteOf, DEFAULT_SLOW_STEP_MS } from './debug/debug-mode.js';
