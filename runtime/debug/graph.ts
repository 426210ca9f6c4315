import { Future } from '../future.js';
import { GatheringFuture } from '../gather.js';
import type { EventLoop } from '../loop.js';
import { runningLoopOrNull } from '../running.js';
import { Task } from '../task.js';
import { describeFrame, type CoroutineFrameInfo } from './frame-info.js';
import { defaultSink, type TextSink } from './stack.js';

/** After Python 3.14's asyncio.graph.FutureCallGraph. */
export interface FutureCallGraph {
  readonly future: Future<unknown>;
  /** The coroutines of a task's suspended chain, innermost first (as asyncio.graph); empty for a plain future. */
  readonly callStack: readonly CoroutineFrameInfo[];
  /** Who waits on it: tasks suspended on it (`yield* future`), the gather whose child it is, the task of its TaskGroup. */
  readonly awaitedBy: readonly FutureCallGraph[];
}

export interface CallGraphOptions {
  /** For the current task (no `future` given): how many of its innermost coroutines to leave out. Default 0. */
  depth?: number;
  /** As asyncio.graph: at most `limit` coroutines per call stack, the outermost ones; a negative limit keeps the innermost `-limit`. */
  limit?: number;
}

export interface PrintCallGraphOptions extends CallGraphOptions {
  /** Default: process.stderr. */
  file?: TextSink;
}

// A task of a TaskGroup -> the task that entered the group (asyncio's future_add_to_awaited_by in
// TaskGroup.create_task). Gathers and `yield*` waits are found from the loop's tasks instead.
const groupParents = new WeakMap<Future<unknown>, Task<unknown>>();

/** @internal task-group.ts: `child` is awaited by `parent` (the task that entered the group). */
export function noteAwaitedBy(child: Future<unknown>, parent: Task<unknown>): void {
  groupParents.set(child, parent);
}

/**
 * asyncio.graph.capture_call_graph: the graph of `future` (default: the current task) — its
 * coroutine stack if it is a task, and, recursively, what awaits it. Null when no future is given
 * and no task is running.
 */
export function captureCallGraph(future?: Future<unknown>, options: CallGraphOptions = {}): FutureCallGraph | null {
  let target: Future<unknown> | null | undefined = future;
  let skip = 0;
  if (target === undefined) {
    target = runningLoopOrNull()?.currentTask ?? null;
    if (target === null) return null;
    skip = Math.max(0, options.depth ?? 0);
  }
  const loop = target.getLoop() ?? runningLoopOrNull();
  const waiters = loop !== null ? waitersByFuture(loop) : new Map<Future<unknown>, Future<unknown>[]>();
  return build(target, waiters, options.limit, skip, new Set());
}

/** asyncio.graph.format_call_graph: the graph as text ("" when there is none). */
export function formatCallGraph(future?: Future<unknown>, options: CallGraphOptions = {}): string {
  const graph = captureCallGraph(future, options);
  if (graph === null) return '';
  const lines: string[] = [];
  render(graph, lines, 0);
  return lines.join('\n');
}

/** asyncio.graph.print_call_graph. */
export function printCallGraph(future?: Future<unknown>, options: PrintCallGraphOptions = {}): void {
  (options.file ?? defaultSink()).write(`${formatCallGraph(future, options)}\n`);
}

function build(
  future: Future<unknown>,
  waiters: Map<Future<unknown>, Future<unknown>[]>,
  limit: number | undefined,
  skip: number,
  visiting: Set<Future<unknown>>,
): FutureCallGraph {
  visiting.add(future);
  // Walked innermost first; `limit` applies to the outermost-first list (asyncio walks cr_await from
  // the task's coroutine, slices, then reverses), so reverse around it.
  let stack: CoroutineFrameInfo[] = [];
  if (future instanceof Task && !future.done()) {
    for (let frame = future.top; frame !== null; frame = frame.caller) stack.push(describeFrame(frame));
    stack = stack.slice(skip).reverse();
  }
  if (limit !== undefined) stack = limit >= 0 ? stack.slice(0, limit) : stack.slice(limit);
  stack.reverse();
  const awaitedBy: FutureCallGraph[] = [];
  for (const waiter of waiters.get(future) ?? []) {
    if (!visiting.has(waiter)) awaitedBy.push(build(waiter, waiters, limit, 0, visiting));
  }
  visiting.delete(future);
  return { future, callStack: stack, awaitedBy };
}

/** Future -> what awaits it, from the loop's pending tasks, the gathers they wait on, and TaskGroups. */
function waitersByFuture(loop: EventLoop): Map<Future<unknown>, Future<unknown>[]> {
  const waiters = new Map<Future<unknown>, Future<unknown>[]>();
  const add = (awaited: Future<unknown>, waiter: Future<unknown>): void => {
    const list = waiters.get(awaited);
    if (list === undefined) waiters.set(awaited, [waiter]);
    else if (!list.includes(waiter)) list.push(waiter);
  };
  const gathers = new Set<GatheringFuture<unknown>>();
  const addGather = (gathering: GatheringFuture<unknown>): void => {
    if (gathers.has(gathering)) return;
    gathers.add(gathering);
    for (const child of gathering['children']) {
      add(child, gathering);
      if (child instanceof GatheringFuture) addGather(child);
    }
  };
  for (const task of loop.allTasks()) {
    const waited = task.waitingOn;
    if (waited !== null) {
      add(waited, task);
      if (waited instanceof GatheringFuture) addGather(waited);
    }
    const parent = groupParents.get(task);
    if (parent !== undefined && !parent.done()) add(task, parent);
  }
  return waiters;
}

const futureIds = new WeakMap<Future<unknown>, number>();
let nextFutureId = 0;

function label(future: Future<unknown>): string {
  if (future instanceof Task) return `* Task(name='${future.getName()}', state=${future.describeState()})`;
  let id = futureIds.get(future);
  if (id === undefined) futureIds.set(future, (id = ++nextFutureId));
  const kind = future instanceof GatheringFuture ? 'GatheringFuture' : 'Future';
  return `* ${kind}(id=${id}, state=${future.describeState()})`;
}

function render(graph: FutureCallGraph, lines: string[], level: number): void {
  const indent = '    '.repeat(level);
  lines.push(indent + label(graph.future));
  if (graph.callStack.length > 0) {
    lines.push(`${indent}  + Call stack:`);
    for (const entry of graph.callStack) {
      const where: string[] = [];
      if (entry.file !== undefined) where.push(`File '${entry.file}'`);
      if (entry.line !== undefined) where.push(`line ${entry.line}`);
      if (entry.column !== undefined) where.push(`column ${entry.column}`);
      const kind = entry.kind === 'generator' ? 'generator' : 'coroutine';
      lines.push(`${indent}  |   ${[...where, `in ${kind} ${entry.name}()`].join(', ')}`);
    }
  }
  if (graph.awaitedBy.length > 0) {
    lines.push(`${indent}  + Awaited by:`);
    for (const waiter of graph.awaitedBy) render(waiter, lines, level + 1);
  }
}
