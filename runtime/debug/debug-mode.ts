import type { Handle } from '../handle.js';
import { reportToStderr } from '../report.js';
import { runningLoopOrNull } from '../running.js';
import type { Task } from '../task.js';
import { describeFrame, formatFrameInfo, generatorName } from './frame-info.js';
import { nameGeneratorOf } from './generator-names.js';

/**
 * Debug mode (`new EventLoop({ debug: true })`, `run(main, { debug: true })`, or TSYNCIO_DEBUG=1 in
 * the environment): what a debug loop does on top of a normal one. Nothing here runs for a loop
 * without it: a debug loop's tasks and callback handles get an instrumented `fire` (an own property;
 * the prototype's stays as it is), its tasks a call budget of 0 and their native generators a name
 * (generator-names.ts), and futures and handles made on it a creation site, so a normal loop's step
 * is the same code.
 */

/** What debug mode needs of its loop (an EventLoop). */
interface DebugLoop {
  readonly slowStepMs: number;
  isClosed(): boolean;
  callExceptionHandler(context: { message: string; taskName?: string; createdAt?: string; handle?: Handle }): void;
  scheduleTask(task: Task<unknown>): void;
}

/** Default of `slowStepMs`: a step running longer than this is reported (asyncio's slow_callback_duration, 0.1 s). */
export const DEFAULT_SLOW_STEP_MS = 100;

/** True when TSYNCIO_DEBUG is set to something other than '', '0' or 'false'. */
export function debugFromEnvironment(): boolean {
  const value = typeof process !== 'undefined' ? process.env.TSYNCIO_DEBUG : undefined;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

// ---------------------------------------------------------------------------------------------------
// Creation sites.

const creationSites = new WeakMap<object, string>();
const runtimeDirectory = new URL('..', import.meta.url);
const runtimePaths = [runtimeDirectory.href, decodeURIComponent(runtimeDirectory.pathname)];

function isRuntimeFile(fileName: string | null | undefined): boolean {
  return fileName != null && runtimePaths.some((path) => fileName.startsWith(path));
}

/**
 * The stack where `object` was made, without the runtime's own frames. Under --enable-source-maps a
 * printed line names the mapped source (runtime/loop.ts, not dist/runtime/loop.js), so frames are
 * told apart by the generated file of their call sites, captured at the same point beside the text.
 */
export function captureCreationSite(): string {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  let text: unknown;
  let sites: unknown;
  try {
    Error.stackTraceLimit = 40;
    text = new Error().stack;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    sites = new Error().stack;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
  if (typeof text !== 'string') return '';
  const lines = text.split('\n').filter((line) => line.startsWith('    at '));
  const callSites = Array.isArray(sites) && sites.length === lines.length ? (sites as NodeJS.CallSite[]) : null;
  return lines
    .filter((line, index) => (callSites !== null ? !isRuntimeFile(callSites[index]!.getFileName()) : !runtimePaths.some((path) => line.includes(path))))
    .slice(0, 10)
    .join('\n');
}

/** @internal future.ts, for a future (or task) made on a debug loop. */
export function rememberCreationSite(object: object): void {
  creationSites.set(object, captureCreationSite());
}

/** Where a future or task was made (its creation stack), if it was made on a debug loop. */
export function creationSiteOf(object: object): string | undefined {
  return creationSites.get(object);
}

// ---------------------------------------------------------------------------------------------------
// Slow steps.

/**
 * @internal loop.ts, for each task of a debug loop: its steps are timed, a slow one is reported; and
 * its call budget is always 0, so every `yield*` from a compiled frame into another goes through
 * `delegate`, which links the child to its caller before it starts (protocol.ts, "budget"). The
 * order of events is the same; what changes is that a frame called synchronously is on the task's
 * chain while it runs: `getStack()` from inside it, and the coroutine chain of an error thrown before
 * anything suspended, list every caller at its `yield*`. Without this the hybrid call links a child
 * only when it suspends, and such a chain is visible only on the JavaScript stack.
 */
export function instrumentTask(loop: DebugLoop, task: Task<unknown>): void {
  nameGeneratorOf(task.getCoro());
  // drive() steps the task's frames with this budget: every call goes through delegate and links.
  task.budget = 0;
  const fire = task.fire;
  task.fire = function debugFire(this: Task<unknown>): boolean {
    const resumed = this.top;
    const label = resumed?.state ?? -1;
    const start = performance.now();
    // A step that yielded bare leaves its task for the loop to queue (Task.fire); queued here instead,
    // it is queued before anything the report below makes the exception handler schedule.
    if (fire.call(this)) loop.scheduleTask(this);
    const elapsed = performance.now() - start;
    if (elapsed < loop.slowStepMs) return false;
    const from = resumed !== null ? formatFrameInfo(describeFrame(resumed, label, false)) : 'its coroutine';
    const top = this.top;
    const now = this.done() ? 'it is done' : top !== null ? `it suspended in ${formatFrameInfo(describeFrame(top))}` : 'it is waiting';
    loop.callExceptionHandler({
      message: `Executing task ${this.getName()} took ${elapsed.toFixed(1)} ms (slowStepMs ${loop.slowStepMs}): resumed in ${from}; ${now}`,
      taskName: this.getName(),
    });
    return false;
  };
}

/**
 * @internal loop.ts, for each callback handle of a debug loop (callSoon, callLater, callAt, and the
 * done callbacks futures schedule through callSoon): its run is timed, and one longer than
 * `slowStepMs` is reported as asyncio reports a slow callback ("Executing <Handle ...> took 0.123
 * seconds"), with the callback's name and where it was scheduled.
 */
export function instrumentHandle(loop: DebugLoop, handle: Handle, callbackName: string): void {
  rememberCreationSite(handle);
  const fire = handle.fire;
  handle.fire = function debugFire(this: Handle): void {
    const start = performance.now();
    fire.call(this);
    const elapsed = performance.now() - start;
    if (elapsed < loop.slowStepMs) return;
    const createdAt = creationSiteOf(this);
    const site = /\((.*)\)$|^\s*at (.*)$/m.exec(createdAt ?? '');
    const where = site !== null ? ` scheduled at ${site[1] ?? site[2]}` : '';
    loop.callExceptionHandler({
      message: `Executing <${this.constructor.name} ${callbackName}()${where}> took ${elapsed.toFixed(1)} ms (slowStepMs ${loop.slowStepMs})`,
      handle: this,
      ...(createdAt !== undefined ? { createdAt } : {}),
    });
  };
}

// ---------------------------------------------------------------------------------------------------
// Coroutines never run.

interface NeverRunReport {
  name: string;
  createdAt: string;
  loop: WeakRef<DebugLoop> | null;
}

const neverRun = new FinalizationRegistry<NeverRunReport>((report) => {
  const loop = report.loop?.deref();
  const context = { message: `coroutine '${report.name}' was created but never run or awaited`, createdAt: report.createdAt };
  if (loop !== undefined && !loop.isClosed()) loop.callExceptionHandler(context);
  else reportToStderr(context);
});

const RESUME_METHODS = ['next', 'throw', 'return'] as const;

/**
 * @internal frame.ts: `linkFrameClass(frameClass)` with TSYNCIO_DEBUG set as the class is linked (the
 * coroutine() wrapper's rule): every frame of the class is watched from its construction, as if
 * its factory returned `trackCoroutine(new X$Frame(...))`. Emitted constructors begin with the store
 * `this.state = 0`; an accessor for `state` on the class's prototype sees that store, puts a plain
 * `state` on the frame and watches it, so only construction is slower, and only in debug mode. A
 * frame class that defines `state` as a class field (define semantics) bypasses it and is not watched.
 */
export function watchFramesOf(frameClass: abstract new (...args: never[]) => object): void {
  const prototype = frameClass.prototype as object;
  if (Object.prototype.hasOwnProperty.call(prototype, 'state')) return;
  Object.defineProperty(prototype, 'state', {
    configurable: true,
    enumerable: false,
    get(): undefined {
      return undefined;
    },
    set(this: object, value: unknown): void {
      Object.defineProperty(this, 'state', { value, writable: true, enumerable: true, configurable: true });
      if (this !== prototype) trackCoroutine(this);
    },
  });
}

/**
 * Watches a coroutine object: if it is garbage-collected without ever being resumed (by a task, a
 * `yield*`, or its own next/throw/return), "coroutine 'name' was created but never run or awaited"
 * is reported with its creation site (asyncio's "coroutine ... was never awaited"). Returns `coro`.
 *
 * A coroutine can only be watched from where it is made: `coroutine(fn)` does it for the functions it
 * wraps or decorates, and `linkFrameClass` for the frames of compiled coroutines, when TSYNCIO_DEBUG
 * is set as they are defined (watchFramesOf). A plain `function*` called without either is invisible
 * until something is handed it.
 */
export function trackCoroutine<C extends object>(coro: C, name?: string): C {
  // A frame of any copy of the runtime (the brand is that copy's SUSPEND symbol).
  const isFrame = typeof (coro as { isTsyncioFrame?: unknown }).isTsyncioFrame === 'symbol';
  const label = name ?? (isFrame ? describeFrame(coro as unknown as Parameters<typeof describeFrame>[0]).name : generatorName(coro)) ?? '<coroutine>';
  const token = {};
  const loop = runningLoopOrNull() as unknown as DebugLoop | null;
  neverRun.register(coro, { name: label, createdAt: captureCreationSite(), loop: loop !== null ? new WeakRef(loop) : null }, token);
  // The first resume through any door unregisters it: own properties over the prototype's methods
  // (a frame is stepped by the runtime through `step`), dropped again once it has started.
  const doors: string[] = isFrame ? ['step', ...RESUME_METHODS] : [...RESUME_METHODS];
  const target = coro as unknown as Record<string, unknown>;
  const started = (): void => {
    neverRun.unregister(token);
    for (const door of doors) delete target[door];
  };
  for (const door of doors) {
    const method = target[door];
    if (typeof method !== 'function') continue;
    Object.defineProperty(coro, door, {
      configurable: true,
      writable: true,
      enumerable: false,
      // Kept working after `started` deletes it: an IteratorFrame reads `next` once and keeps it.
      value: function (this: unknown, ...args: unknown[]): unknown {
        started();
        return (method as (...args: unknown[]) => unknown).apply(this, args);
      },
    });
  }
  return coro;
}
