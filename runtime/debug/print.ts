import type { Future } from '../future.js';
import type { Task } from '../task.js';
import { coroutineChainOf } from './chain.js';
import type { CoroutineFrameInfo } from './frame-info.js';
import { coroutineStack, defaultSink, formatStackEntry, type PrintStackOptions, type StackOptions } from './stack.js';

/** Task.getStack (task.ts documents it). */
export function taskStack(task: Task<unknown>, options?: StackOptions): CoroutineFrameInfo[] {
  if (!task.done()) return coroutineStack(task, options);
  if (task.cancelled() || task.errorValue === undefined) return [];
  const chain: CoroutineFrameInfo[] = coroutineChainOf(task.errorValue).reverse();
  const limit = options?.limit;
  return limit === undefined ? chain : chain.slice(0, Math.max(0, limit));
}

/** `<Task pending name='Task-3' coro=fetchOne() at src/app.ts:20:9>`, after asyncio's Task repr. */
export function describeTask(task: Task<unknown>): string {
  const stack = taskStack(task);
  const innermost: CoroutineFrameInfo | undefined = stack[stack.length - 1];
  const outermost: CoroutineFrameInfo | undefined = stack[0];
  let coro = '';
  if (outermost !== undefined && innermost !== undefined && !task.done()) {
    const where = innermost.file !== undefined && innermost.line !== undefined ? ` at ${innermost.file}:${innermost.line}:${innermost.column ?? 0}` : '';
    coro = ` coro=${outermost.name}()${innermost !== outermost ? ` -> ${innermost.name}()` : ''}${where}`;
  }
  return `<Task ${describeFutureState(task)} name='${task.getName()}'${coro}>`;
}

function describeFutureState(future: Future<unknown>): string {
  const state = future.describeState();
  if (state !== 'finished') return state;
  return future.errorValue !== undefined ? 'finished (exception)' : 'finished';
}

/**
 * asyncio's Task.print_stack, adapted: "Stack for <Task ...> (most recent call last):" and one line per
 * coroutine, outermost first; for a task that failed, "Traceback for ..." over its error's coroutine
 * chain and the error's `Name: message` line; "No stack for ..." when there is nothing to show.
 */
export function printTaskStack(task: Task<unknown>, options: PrintStackOptions = {}): void {
  const sink = options.file ?? defaultSink();
  sink.write(`${formatTaskStack(task, options)}\n`);
}

export function formatTaskStack(task: Task<unknown>, options: PrintStackOptions = {}): string {
  const stack = taskStack(task, options.limit !== undefined ? { limit: options.limit } : undefined);
  const failed = task.done() && !task.cancelled() && task.errorValue !== undefined;
  const lines: string[] = [];
  if (stack.length === 0) lines.push(`No stack for ${describeTask(task)}`);
  else lines.push(`${failed ? 'Traceback' : 'Stack'} for ${describeTask(task)} (most recent call last):`);
  for (const entry of stack) lines.push(formatStackEntry(entry));
  if (failed) {
    const error = task.errorValue;
    lines.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
  return lines.join('\n');
}
