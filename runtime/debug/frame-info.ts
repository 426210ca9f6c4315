import type { Frame } from '../frame.js';
import { inspectedGeneratorLocation, inspectedGeneratorName } from './generator-names.js';
// Types only: fiber.ts imports this module (through chain.ts), and iterator-frame.ts (whose class
// extends Frame) must not be evaluated from inside that cycle; it registers itself instead.
import type { IteratorFrame } from '../iterator-frame.js';

let iteratorFrameClass: (abstract new (...args: never[]) => IteratorFrame) | null = null;

/** @internal Called by iterator-frame.ts: frames of this class adapt native generators. */
export function registerIteratorFrameClass(frameClass: abstract new (...args: never[]) => IteratorFrame): void {
  iteratorFrameClass = frameClass;
}

/**
 * The static debug table of a compiled frame class (`static debug = {...}`), emitted by the
 * transformer and read only by introspection and on the error path (protocol.ts, "Debug metadata").
 */
export interface FrameDebugTable {
  /** The coroutine as written: `fetchAll`, `Client.get`, `<anonymous>`. */
  readonly name: string;
  /** The source file as it should be printed (the path the source map names, relative to the project root). */
  readonly file?: string;
  /**
   * Resume label -> `[line, column]` of the suspension in `file`, both 1-based as in a JS stack trace
   * (`file:line:column`): for a `yield` / `yield*` label, the position of that expression; for label
   * 0, the position of the function itself (an unstarted coroutine).
   */
  readonly positions?: Readonly<Record<number, readonly [line: number, column: number]>>;
}

/** One coroutine of a suspended chain (`Task.getStack`) or of an error's coroutine chain. */
export interface CoroutineFrameInfo {
  /** The coroutine's name; for a frame class without a debug table its class name without `$Frame`; `<generator>` when unknown. */
  name: string;
  file?: string;
  /** 1-based, as in a JS stack trace. */
  line?: number;
  /** 1-based, as in a JS stack trace. */
  column?: number;
  /** 'frame': a compiled (or hand-written) frame; 'generator': a native generator driven through IteratorFrame. */
  kind: 'frame' | 'generator';
}

// Generator function prototype -> name, for native generators: a generator object has no link back to
// its function (its prototype is `fn.prototype`, which has no `constructor`), so names are known only
// for functions registered here (`coroutine(fn)` and its decorator forms do it), and in debug mode
// through the inspector (generator-names.ts).
const generatorNames = new WeakMap<object, string>();

/** Remembers `fn`'s name for the generators it makes (their prototype is `fn.prototype`). */
export function registerGeneratorFunction(fn: { readonly name: string; readonly prototype?: unknown }): void {
  const prototype = fn.prototype;
  if (typeof prototype === 'object' && prototype !== null && fn.name !== '') generatorNames.set(prototype, fn.name);
}

/** The name of a native generator object's function, if it can be recovered. */
export function generatorName(generator: object): string | undefined {
  const prototype: unknown = Object.getPrototypeOf(generator);
  if (prototype === null || typeof prototype !== 'object') return undefined;
  const registered = generatorNames.get(prototype);
  if (registered !== undefined) return registered;
  // A class-like iterator (an object with a real constructor) is named after its class.
  const ctor: unknown = Object.prototype.hasOwnProperty.call(prototype, 'constructor') ? (prototype as { constructor: unknown }).constructor : undefined;
  if (typeof ctor === 'function' && ctor !== Object && ctor.name !== '') return ctor.name;
  return inspectedGeneratorName(generator);
}

/** The debug table of a frame's class, if the transformer emitted one. */
export function debugTableOf(frame: Frame): FrameDebugTable | undefined {
  return debugTableOfClass(frame.constructor as FrameClass | undefined);
}

function debugTableOfClass(frameClass: FrameClass | undefined): FrameDebugTable | undefined {
  const table: unknown = (frameClass as { debug?: unknown } | undefined)?.debug;
  if (typeof table !== 'object' || table === null || typeof (table as { name?: unknown }).name !== 'string') return undefined;
  return table as FrameDebugTable;
}

/**
 * Describes `frame` suspended (or about to resume) at `label`: its name and, from the class's debug
 * table, the source position of that label. A running or finished frame (negative label) has no position.
 * A native generator has no labels: in debug mode its position is where it is suspended now, unless
 * `locateGenerator` is false (describing where it was, after it moved on).
 */
export function describeFrame(frame: Frame, label: number = frame.state, locateGenerator = true): CoroutineFrameInfo {
  if (iteratorFrameClass !== null && frame instanceof iteratorFrameClass) return describeGenerator(frame, label, locateGenerator);
  return describeFrameClass(frame.constructor as FrameClass | undefined, label);
}

/** The class of a compiled (or hand-written) frame: all `describeFrame` reads of such a frame. */
export type FrameClass = abstract new (...args: never[]) => unknown;

/**
 * What `describeRecorded` needs to describe `frame` at a label later (an error's coroutine chain, built
 * when read), without keeping the frame: a compiled frame's class, whose debug table does not change;
 * a native generator's description made now, as its position (and, in debug mode, its name, through
 * the inspector of the loop running now) is only right at this moment.
 */
export type RecordedFrame = FrameClass | CoroutineFrameInfo;

export function recordFrame(frame: Frame, label: number): RecordedFrame {
  if (iteratorFrameClass !== null && frame instanceof iteratorFrameClass) return describeGenerator(frame, label, true);
  const frameClass = frame.constructor as FrameClass | undefined;
  return typeof frameClass === 'function' ? frameClass : describeFrameClass(undefined, label);
}

/** What `describeFrame(frame, label)` gave when `recorded` was `recordFrame(frame, label)`; a new object each time. */
export function describeRecorded(recorded: RecordedFrame, label: number): CoroutineFrameInfo {
  return typeof recorded === 'function' ? describeFrameClass(recorded, label) : { ...recorded };
}

function describeGenerator(frame: IteratorFrame, label: number, locateGenerator: boolean): CoroutineFrameInfo {
  const info: CoroutineFrameInfo = { name: generatorName(frame.target) ?? '<generator>', kind: 'generator' };
  // Debug mode only (else undefined at once): where the generator is suspended now, if it is.
  const location = locateGenerator && label >= 0 ? inspectedGeneratorLocation(frame.target) : undefined;
  if (location !== undefined) Object.assign(info, location);
  return info;
}

function describeFrameClass(frameClass: FrameClass | undefined, label: number): CoroutineFrameInfo {
  const table = debugTableOfClass(frameClass);
  const info: CoroutineFrameInfo = { name: table?.name ?? frameClassName(frameClass), kind: 'frame' };
  if (table?.file !== undefined) info.file = table.file;
  const position = label >= 0 ? table?.positions?.[label] : undefined;
  if (position !== undefined) {
    info.line = position[0];
    info.column = position[1];
  }
  return info;
}

function frameClassName(frameClass: FrameClass | undefined): string {
  const name = (frameClass as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string' || name === '') return '<frame>';
  return name.endsWith('$Frame') ? name.slice(0, -'$Frame'.length) : name;
}

/** `fetchAll (src/app.ts:12:5)`, `fetchAll (src/app.ts)`, `fetchAll`. */
export function formatFrameInfo(info: CoroutineFrameInfo): string {
  if (info.file === undefined) return info.line !== undefined ? `${info.name} (line ${info.line}:${info.column ?? 0})` : info.name;
  const where = info.line !== undefined ? `${info.file}:${info.line}:${info.column ?? 0}` : info.file;
  return `${info.name} (${where})`;
}
