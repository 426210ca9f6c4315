import { CancelledError, chainSlotOf, setChainSlot } from '../errors.js';
import type { Fiber } from '../fiber.js';
import type { Frame } from '../frame.js';
import { runningLoopOrNull } from '../running.js';
import { describeRecorded, formatFrameInfo, recordFrame, type CoroutineFrameInfo, type RecordedFrame } from './frame-info.js';

/** One coroutine an error unwound through (`coroutineChainOf`). */
export interface CoroutineChainEntry extends CoroutineFrameInfo {
  /** The task whose chain it was, if a task drove it. */
  task?: string;
}

/**
 * What is recorded on an error as it unwinds through frames. Written only on the error path: in
 * `drive`'s catch (an error leaves a frame for its caller) and where a task throws into its top frame
 * (a failed or cancelled wait, a cancellation, a bad yield). Nothing is written on a normal step.
 * The entries are described only when read (`coroutineChainOf`, `error.stack`): most errors (every
 * cancellation) are never asked.
 */
interface ChainRecord {
  /**
   * Three slots per entry, innermost first (the order the error went through them): what describes
   * the frame (frame-info.ts, `recordFrame`), the label it was at, and the name of its task or undefined.
   */
  readonly raw: unknown[];
  /** The frame of each entry; weakly, as an error may outlive its frames by far (a failed task keeps it). */
  readonly frames: WeakRef<Frame>[];
  /** The frame the error was last thrown into (its entry is the last one), so it is not listed twice when it leaves it. */
  last: WeakRef<Frame> | null;
}

const records = new WeakMap<object, ChainRecord>();

function newRecord(): ChainRecord {
  return { raw: [], frames: [], last: null };
}

function recordOf(error: object): ChainRecord {
  const slot = chainSlotOf(error);
  if (slot !== null) {
    // A CancelledError: no `stack` to extend (its stack shows the loop's internals, or nothing).
    if (slot !== undefined) return slot as ChainRecord;
    const record = newRecord();
    setChainSlot(error as CancelledError, record);
    return record;
  }
  let record = records.get(error);
  if (record === undefined) {
    record = newRecord();
    records.set(error, record);
    if (error instanceof Error && !(error instanceof CancelledError)) appendChainToStack(error, record);
  }
  return record;
}

function taskNameOf(fiber: Fiber | null): string | undefined {
  const getName = (fiber as { getName?: unknown } | null)?.getName;
  if (typeof getName === 'function') return String(getName.call(fiber));
  // Another driver (a frame run through its Generator face, e.g. by a native generator's yield*)
  // runs inside the step of the task that resumed it, if any.
  return runningLoopOrNull()?.currentTask?.getName();
}

function pushEntry(record: ChainRecord, frame: Frame, label: number, fiber: Fiber | null): void {
  record.raw.push(recordFrame(frame, label), label, taskNameOf(fiber));
}

/** The entries recorded so far, described (new objects). */
function entriesOf(record: ChainRecord): CoroutineChainEntry[] {
  const raw = record.raw;
  const entries: CoroutineChainEntry[] = [];
  for (let i = 0; i < raw.length; i += 3) {
    const entry: CoroutineChainEntry = describeRecorded(raw[i] as RecordedFrame, raw[i + 1] as number);
    const task = raw[i + 2] as string | undefined;
    if (task !== undefined) entry.task = task;
    entries.push(entry);
  }
  return entries;
}

/**
 * `error` is about to be thrown into `frame`, suspended at its resume label (a task resuming its top
 * frame with THROW). Error path only.
 */
export function noteThrowInto(error: unknown, frame: Frame | null, fiber: Fiber | null): void {
  if (frame === null || !isObject(error)) return;
  const record = recordOf(error);
  if (record.last?.deref() === frame) return;
  pushEntry(record, frame, frame.state, fiber);
  record.last = new WeakRef(frame);
  record.frames.push(record.last);
}

/**
 * `drive`'s catch: `error` left `frame` and goes to `caller` (suspended in `yield*` at its resume
 * label), or out of the fiber when `caller` is null. Error path only.
 */
export function noteUnwind(error: unknown, frame: Frame, caller: Frame | null, fiber: Fiber): void {
  if (!isObject(error)) return;
  try {
    const record = recordOf(error);
    // The frame it left: already listed if the error was thrown into it; otherwise it started there
    // (or in a frame it called synchronously, which the JS stack above shows).
    if (record.last?.deref() !== frame) {
      let index = record.frames.length - 1;
      while (index >= 0 && record.frames[index]!.deref() !== frame) index--;
      if (index >= 0) {
        // Thrown into it earlier, it went through frames of another driver inside it (a native
        // generator's yield* into a compiled frame): those are inner to it, so it moves after them.
        record.raw.push(...record.raw.splice(3 * index, 3));
        record.frames.push(...record.frames.splice(index, 1));
      } else {
        pushEntry(record, frame, -1, fiber);
        record.frames.push(new WeakRef(frame));
      }
    }
    if (caller !== null) {
      pushEntry(record, caller, caller.state, fiber);
      record.last = new WeakRef(caller);
      record.frames.push(record.last);
    } else {
      record.last = null;
    }
  } catch {
    // Introspection must never change what the program does.
  }
}

/**
 * The coroutines `error` unwound through under tsyncio, innermost first (the order of `error.stack`):
 * each one's name, its suspension position when it was suspended in `yield`/`yield*` (from the frame
 * class's debug table; none for native generators or for the frame where it was thrown, which the JS
 * stack shows), and the task's name. Empty for an error that never crossed a suspended frame.
 */
export function coroutineChainOf(error: unknown): CoroutineChainEntry[] {
  if (!isObject(error)) return [];
  const slot = chainSlotOf(error);
  const record = slot !== null ? (slot as ChainRecord | undefined) : records.get(error);
  return record === undefined ? [] : entriesOf(record);
}

/** `  in coroutine fetchAll (src/app.ts:12:5) [task Task-3]`, one line per entry. */
export function formatCoroutineChain(entries: readonly CoroutineChainEntry[]): string {
  return entries
    .map((entry) => {
      const what = entry.kind === 'generator' ? 'generator' : 'coroutine';
      const task = entry.task !== undefined ? ` [task ${entry.task}]` : '';
      return `  in ${what} ${formatFrameInfo(entry)}${task}`;
    })
    .join('\n');
}

/**
 * Makes `error.stack` end with the coroutine chain, kept current as the chain grows: the stack text is
 * read once (here, on the error path) and `stack` becomes an accessor over it and the record.
 */
function appendChainToStack(error: Error, record: ChainRecord): void {
  const descriptor = Object.getOwnPropertyDescriptor(error, 'stack');
  if (descriptor === undefined || !descriptor.configurable || !('value' in descriptor) || typeof descriptor.value !== 'string') return;
  const base: string = descriptor.value;
  Object.defineProperty(error, 'stack', {
    configurable: true,
    enumerable: false,
    get(): string {
      return record.raw.length === 0 ? base : `${base}\n${formatCoroutineChain(entriesOf(record))}`;
    },
    set(value: unknown): void {
      // Whoever rewrites the stack (a test runner, a logger) gets exactly what it wrote.
      Object.defineProperty(error, 'stack', { value, writable: true, configurable: true, enumerable: false });
    },
  });
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
