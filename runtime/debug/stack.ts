import type { Frame } from '../frame.js';
import { describeFrame, type CoroutineFrameInfo } from './frame-info.js';

/** Where `printStack` and friends write: `process.stderr` by default, or anything with `write(string)`. */
export interface TextSink {
  write(text: string): unknown;
}

export interface StackOptions {
  /** At most this many coroutines: the innermost ones (asyncio's get_stack keeps the newest frames of a stack). */
  limit?: number;
}

export interface PrintStackOptions extends StackOptions {
  /** Default: process.stderr. */
  file?: TextSink;
}

/** The fiber registers a stack is read from (a Task). */
interface StackSource {
  top: Frame | null;
}

/**
 * The suspended coroutine chain of a fiber, outermost first: walks `top` and its `caller` links. The
 * top frame of a running task has no position (its label is in a local of the running `step`), and
 * frames called synchronously by it are not linked yet, except on a debug loop (debug-mode.ts,
 * instrumentTask).
 */
export function coroutineStack(source: StackSource, options?: StackOptions): CoroutineFrameInfo[] {
  const stack: CoroutineFrameInfo[] = [];
  const limit = options?.limit;
  if (limit !== undefined && limit <= 0) return stack;
  for (let frame = source.top; frame !== null; frame = frame.caller) {
    stack.push(describeFrame(frame));
    if (limit !== undefined && stack.length >= limit) break;
  }
  return stack.reverse();
}

/** asyncio's `File "x.py", line 5, in main`, adapted: `  File "src/app.ts", line 12, column 5, in fetchAll`. */
export function formatStackEntry(entry: CoroutineFrameInfo): string {
  const parts: string[] = [];
  if (entry.file !== undefined) parts.push(`File "${entry.file}"`);
  if (entry.line !== undefined) parts.push(`line ${entry.line}`);
  if (entry.column !== undefined) parts.push(`column ${entry.column}`);
  const kind = entry.kind === 'generator' ? 'generator ' : '';
  parts.push(`in ${kind}${entry.name}`);
  return `  ${parts.join(', ')}`;
}

export function defaultSink(): TextSink {
  return process.stderr;
}
