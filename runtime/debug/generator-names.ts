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
  const global = globalThis as Record<string, unknown>;
  let name: string | undefined;
  try {
    // Runtime.evaluate reaches an object only through an expression: a global slot, for one call.
    Object.defineProperty(global, GLOBAL_SLOT, { value: generator, configurable: true, writable: true, enumerable: false });
    let generatorId: string | undefined;
    inspector.post('Runtime.evaluate', { expression: `globalThis.${GLOBAL_SLOT}`, objectGroup: OBJECT_GROUP }, (error, result) => {
      if (error === null) generatorId = result.result.objectId;
    });
    let functionId: string | undefined;
    if (generatorId !== undefined) {
      inspector.post('Runtime.getProperties', { objectId: generatorId, ownProperties: true }, (error, result) => {
        if (error !== null) return;
        functionId = result.internalProperties?.find((property) => property.name === '[[GeneratorFunction]]')?.value?.objectId;
      });
    }
    if (functionId !== undefined) {
      inspector.post(
        'Runtime.callFunctionOn',
        { objectId: functionId, functionDeclaration: 'function () { return this.name; }', returnByValue: true, objectGroup: OBJECT_GROUP },
        (error, result) => {
          const value: unknown = error === null ? result.result.value : undefined;
          if (typeof value === 'string' && value !== '') name = value;
        },
      );
    }
    inspector.post('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP });
  } catch {
    // Introspection must never change what the program does.
  } finally {
    delete global[GLOBAL_SLOT];
  }
  return name;
}
