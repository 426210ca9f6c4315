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
 *
 * Frames are held weakly, as an error may outlive them by far (a failed task keeps it), and a chain
 * only needs them to know a frame again: the one the error is in now, and one it went on from
 * without leaving (see `noteUnwind`). A frame the error left has finished: it is not looked for again. A
 * WeakRef costs more than the rest of a cancellation's record (and keeps its frame alive to the end
 * of the synchronous job anyway), so the frame a task throws an error into is held strongly until
 * the step that throws it in ends (`releaseThrownInto`): a cancelled frame that rethrows (the error
 * left it) needs no WeakRef at all.
 */
interface ChainRecord {
  /**
   * Four slots per entry, innermost first (the order the error went through them): what describes
   * the frame (frame-info.ts, `recordFrame`), the label it was at, the name of its task or undefined,
   * and a WeakRef to the frame if the error went on from it without leaving it, else null.
   */
  raw: unknown[];
  /**
   * The frame the error was last thrown (or unwound) into, whose entry is the last one, so that it is
   * not listed twice when it leaves it: strongly from `noteThrowInto` to the end of that step
   * (`releaseThrownInto`),
   */
  lastFrame: Frame | null;
  /** otherwise weakly. */
  lastRef: WeakRef<Frame> | null;
}

const SLOTS = 4;

const records = new WeakMap<object, ChainRecord>();

// The entries of a record that has none: shared, never written (`pushEntry` replaces it).
const NO_ENTRIES: unknown[] = [];

function newRecord(): ChainRecord {
  return { raw: NO_ENTRIES, lastFrame: null, lastRef: null };
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
  const recorded = recordFrame(frame, label);
  const task = taskNameOf(fiber);
  // The first entry in an array of its size: most chains (a cancellation's) have one, and a push
  // onto an empty array would make room for four.
  if (record.raw === NO_ENTRIES) record.raw = [recorded, label, task, null];
  else record.raw.push(recorded, label, task, null);
}

function lastOf(record: ChainRecord): Frame | undefined {
  return record.lastFrame ?? record.lastRef?.deref();
}

/** Sets the frame the error is in now; the one before, if any, it went on from without leaving. */
function setLast(record: ChainRecord, frame: Frame | null, strongly: boolean): void {
  const raw = record.raw;
  if (record.lastFrame !== null || record.lastRef !== null) {
    // Its entry is the one before the new frame's (pushed just now), or the last if none.
    const at = (frame !== null ? raw.length - SLOTS : raw.length) - 1;
    raw[at] = record.lastRef ?? new WeakRef(record.lastFrame as Frame);
  }
  setLastLeft(record, frame, strongly);
}

/** Sets the frame the error is in now, the one before having been left. */
function setLastLeft(record: ChainRecord, frame: Frame | null, strongly: boolean): void {
  record.lastFrame = strongly ? frame : null;
  record.lastRef = !strongly && frame !== null ? new WeakRef(frame) : null;
}

/** The entries recorded so far, described (new objects). */
function entriesOf(record: ChainRecord): CoroutineChainEntry[] {
  const raw = record.raw;
  const entries: CoroutineChainEntry[] = [];
  for (let i = 0; i < raw.length; i += SLOTS) {
    const entry: CoroutineChainEntry = describeRecorded(raw[i] as RecordedFrame, raw[i + 1] as number);
    const task = raw[i + 2] as string | undefined;
    if (task !== undefined) entry.task = task;
    entries.push(entry);
  }
  return entries;
}

/**
 * `error` is to be thrown into `frame`, suspended at its resume label (a task resuming its top frame
 * with THROW, at its next step or this one; the task calls `releaseThrownInto` when that step ends,
 * or when it throws in another error instead). Error path only.
 */
export function noteThrowInto(error: unknown, frame: Frame | null, fiber: Fiber | null): void {
  if (frame === null || !isObject(error)) return;
  const record = recordOf(error);
  if (lastOf(record) === frame) return;
  pushEntry(record, frame, frame.state, fiber);
  setLast(record, frame, true);
}

/**
 * The step of the task that threw `error` into its top frame (`noteThrowInto`) has ended: the error
 * left the frame, or the frame caught it (and may keep it long after it finishes), or threw another.
 * From now on the error's chain holds that frame weakly. Error path only.
 */
export function releaseThrownInto(error: unknown): void {
  if (!isObject(error)) return;
  const slot = chainSlotOf(error);
  const record = slot !== null ? (slot as ChainRecord | undefined) : records.get(error);
  if (record !== undefined && record.lastFrame !== null) {
    record.lastRef = new WeakRef(record.lastFrame);
    record.lastFrame = null;
  }
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
    if (lastOf(record) === frame) {
      setLastLeft(record, null, false);
    } else {
      // The frame it was in before, if any, it went on from without leaving.
      setLast(record, null, false);
      const raw = record.raw;
      let index = raw.length - 1;
      while (index >= 0 && (raw[index] as WeakRef<Frame> | null)?.deref() !== frame) index -= SLOTS;
      if (index >= 0) {
        // Thrown into it earlier, it went through frames of another driver inside it (a native
        // generator's yield* into a compiled frame): those are inner to it, so it moves after them.
        const moved = raw.splice(index - (SLOTS - 1), SLOTS);
        moved[SLOTS - 1] = null;
        raw.push(...moved);
      } else {
        pushEntry(record, frame, -1, fiber);
      }
    }
    if (caller !== null) {
      pushEntry(record, caller, caller.state, fiber);
      setLastLeft(record, caller, false);
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
