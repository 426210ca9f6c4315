/**
 * Debug mode: the names of native generator functions, which JavaScript does not expose (a generator
 * object has no link to its function), read through Node's inspector protocol, where a generator
 * object shows its function as the internal property [[GeneratorFunction]]. An in-process inspector
 * session answers synchronously; a probe costs about 0.2 ms and is made once per generator
 * function (cached by its prototype), only when something describes a native generator (a stack, a
 * call graph, an error's coroutine chain) that a debug loop's task drives, or while a debug loop
 * runs. Otherwise, or where Node has no inspector, nothing here runs and native generators stay
 * `<generator>`.
 */
import type { Session } from 'node:inspector';
import { runningLoopOrNull } from '../running.js';

let session: Session | null | undefined;
const names = new WeakMap<object, string | null>();
const debugRoots = new WeakSet<object>();
const GLOBAL_SLOT = '__tsyncioInspectedGenerator';
const OBJECT_GROUP = 'tsyncio-generator-names';

/** @internal debug-mode.ts: the coroutine of a debug loop's task; if a native generator, it is named. */
export function nameGeneratorOf(coro: object): void {
  debugRoots.add(coro);
}

function inspectorSession(): Session | null {
  if (session !== undefined) return session;
  try {
    const inspector = process.getBuiltinModule('node:inspector');
    const opened = new inspector.Session();
    opened.connect();
    session = opened;
  } catch {
    session = null;
  }
  return session;
}

/** Where a native generator is suspended (or, not started, its function), as a stack trace prints it. */
export interface GeneratorLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/**
 * Debug mode: where a native generator that is not running is suspended, from the inspector's
 * [[GeneratorLocation]] (a script id and a position in it). The script's URL comes from the Debugger
 * domain, enabled for a moment when an id is not known yet (its scriptParsed events list every
 * script; ~20 ms), and the position is taken back through the script's source map when Node has
 * one (--enable-source-maps). The file is relative to the working directory when under it. None for
 * a running or finished generator.
 */
export function inspectedGeneratorLocation(generator: object): GeneratorLocation | undefined {
  if (!debugRoots.has(generator) && runningLoopOrNull()?.debug !== true) return undefined;
  if (Object.prototype.toString.call(generator) !== '[object Generator]') return undefined;
  const inspector = inspectorSession();
  if (inspector === null) return undefined;
  let location: { scriptId: string; lineNumber: number; columnNumber: number } | undefined;
  withObjectId(inspector, generator, (objectId) => {
    inspector.post('Runtime.getProperties', { objectId, ownProperties: true }, (error, result) => {
      if (error !== null) return;
      const internal = result.internalProperties ?? [];
      // A running or closed generator reports its function's start, which would mislead.
      if (internal.find((property) => property.name === '[[GeneratorState]]')?.value?.value !== 'suspended') return;
      const value: unknown = internal.find((property) => property.name === '[[GeneratorLocation]]')?.value?.value;
      if (typeof value === 'object' && value !== null) location = value as typeof location;
    });
  });
  if (location === undefined) return undefined;
  let url = scriptUrls.get(location.scriptId);
  if (url === undefined) {
    listScripts(inspector);
    // An id still unknown is not looked for again.
    url = scriptUrls.get(location.scriptId) ?? '';
    scriptUrls.set(location.scriptId, url);
  }
  if (url === undefined || url === '') return undefined;
  try {
    const map = process.getBuiltinModule('node:module').findSourceMap(url);
    const entry = map?.findEntry(location.lineNumber, location.columnNumber) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    if (entry?.originalSource !== undefined && entry.originalLine !== undefined && entry.originalColumn !== undefined) {
      return { file: displayPath(entry.originalSource), line: entry.originalLine + 1, column: entry.originalColumn + 1 };
    }
  } catch {
    // No source map support: the generated position below, if it is one.
  }
  // Unmapped, a position is only worth giving in a JavaScript file as it is on disk (as Node's own
  // stack shows it); a script run from a .ts URL was transformed first (vitest, a loader).
  if (!/\.[cm]?js$/.test(url)) return undefined;
  return { file: displayPath(url), line: location.lineNumber + 1, column: location.columnNumber + 1 };
}

const scriptUrls = new Map<string, string>();

function listScripts(inspector: Session): void {
  const record = (message: { params: { scriptId: string; url: string } }): void => {
    scriptUrls.set(message.params.scriptId, message.params.url);
  };
  inspector.on('Debugger.scriptParsed', record);
  try {
    inspector.post('Debugger.enable');
    inspector.post('Debugger.disable');
  } finally {
    inspector.off('Debugger.scriptParsed', record);
  }
}

function displayPath(source: string): string {
  let path = source;
  if (path.startsWith('file://')) {
    try {
      path = decodeURIComponent(new URL(path).pathname);
    } catch {
      return source;
    }
  }
  const cwd = `${process.cwd()}/`;
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
}

/** Runs `use` with an inspector object id for `target` (released afterwards). */
function withObjectId(inspector: Session, target: object, use: (objectId: string) => void): void {
  const global = globalThis as Record<string, unknown>;
  try {
    // Runtime.evaluate reaches an object only through an expression: a global slot, for one call.
    Object.defineProperty(global, GLOBAL_SLOT, { value: target, configurable: true, writable: true, enumerable: false });
    let objectId: string | undefined;
    inspector.post('Runtime.evaluate', { expression: `globalThis.${GLOBAL_SLOT}`, objectGroup: OBJECT_GROUP }, (error, result) => {
      if (error === null) objectId = result.result.objectId;
    });
    if (objectId !== undefined) use(objectId);
    inspector.post('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP });
  } catch {
    // Introspection must never change what the program does.
  } finally {
    delete global[GLOBAL_SLOT];
  }
}

/** The name of a native generator's function, in debug mode; undefined if unknown or off. */
export function inspectedGeneratorName(generator: object): string | undefined {
  if (!debugRoots.has(generator) && runningLoopOrNull()?.debug !== true) return undefined;
  if (Object.prototype.toString.call(generator) !== '[object Generator]') return undefined;
  const prototype: unknown = Object.getPrototypeOf(generator);
  if (typeof prototype !== 'object' || prototype === null) return undefined;
  const known = names.get(prototype);
  if (known !== undefined) return known ?? undefined;
  const name = probe(generator);
  names.set(prototype, name ?? null);
  return name;
}

function probe(generator: object): string | undefined {
  const inspector = inspectorSession();
  if (inspector === null) return undefined;
  let name: string | undefined;
  withObjectId(inspector, generator, (generatorId) => {
    let functionId: string | undefined;
    inspector.post('Runtime.getProperties', { objectId: generatorId, ownProperties: true }, (error, result) => {
      if (error !== null) return;
      functionId = result.internalProperties?.find((property) => property.name === '[[GeneratorFunction]]')?.value?.objectId;
    });
    if (functionId === undefined) return;
    inspector.post(
      'Runtime.callFunctionOn',
      { objectId: functionId, functionDeclaration: 'function () { return this.name; }', returnByValue: true, objectGroup: OBJECT_GROUP },
      (error, result) => {
        const value: unknown = error === null ? result.result.value : undefined;
        if (typeof value === 'string' && value !== '') name = value;
      },
    );
  });
  return name;
}
