import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValueError } from '../errors.js';

/** Any function a worker can call: its arguments and its (awaited) result cross by structured clone. */
export type WorkerFunction = (...args: never[]) => unknown;

/** What a job evaluates to: the function's return value, a Promise's awaited. */
export type WorkerResult<F extends WorkerFunction> = Awaited<ReturnType<F>>;

/** The type of an export nobody described: any arguments, an unknown result. */
export type UntypedWorkerFunction = (...args: unknown[]) => unknown;

/**
 * A function exported by a module, named by the module's URL and the export's name: the one way to run
 * a function that imports things or closes over module state. The type parameter is the function's
 * type, which only the caller can know (`typeof import('./work.js').hash`); it types arguments and result.
 *
 *     const hash = moduleFunction<typeof import('./work.js').hash>(new URL('./work.js', import.meta.url), 'hash');
 *     const digest = yield* toThread(hash, data);
 *
 * The module is imported in the worker by Node itself, so it must be JavaScript Node can load (the
 * compiled `.js`, not a `.ts` source run through a loader the worker does not have).
 */
export class ModuleFunction<F extends WorkerFunction = UntypedWorkerFunction> {
  /** The module's absolute URL (file:, data: or node:). */
  readonly moduleUrl: string;
  readonly exportName: string;
  /** Type only, never set: keeps ModuleFunction<A> and ModuleFunction<B> apart. */
  declare readonly signature?: F;

  constructor(module: URL | string, exportName: string) {
    this.moduleUrl = toModuleUrl(module);
    if (typeof exportName !== 'string' || exportName === '') throw new ValueError('exportName must name an export of the module');
    this.exportName = exportName;
  }

  toString(): string {
    return `${this.exportName} from ${this.moduleUrl}`;
  }
}

/** Names `exportName` of `module` as a function for toThread, runInExecutor and executors' submit. */
export function moduleFunction<F extends WorkerFunction = UntypedWorkerFunction>(module: URL | string, exportName: string): ModuleFunction<F> {
  return new ModuleFunction<F>(module, exportName);
}

/** A function as a worker can receive it (a message: plain data only). */
export type CallableDescription =
  | { readonly kind: 'source'; readonly source: string; readonly label: string }
  | { readonly kind: 'module'; readonly moduleUrl: string; readonly exportName: string; readonly label: string };

// Made at run time, out of the transformer's sight: the build compiles the runtime's generator
// functions (scripts/build-runtime.mjs), and a compiled `function* () {}` is a plain function.
const GeneratorFunction = Object.getPrototypeOf(new Function('return function* () {}')()).constructor as unknown;
const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor as unknown;
/** The factory the transformer emits for a compiled coroutine makes a `name$Frame` (emit.ts). */
const COMPILED_COROUTINE_FACTORY = /\bnew [\w$]+\$Frame\(/;

/**
 * How `callable` travels to a worker. A plain function goes as its source text (`Function.prototype
 * .toString`), rebuilt in the worker: it must be self-contained. TypeError for what cannot travel:
 * coroutines (generator functions; asyncio refuses coroutines in run_in_executor too), native and bound
 * functions (their source is `[native code]`), classes.
 */
export function describeCallable(callable: WorkerFunction | ModuleFunction<WorkerFunction>): CallableDescription {
  if (callable instanceof ModuleFunction) {
    return { kind: 'module', moduleUrl: callable.moduleUrl, exportName: callable.exportName, label: `${callable.exportName}()` };
  }
  if (typeof callable !== 'function') throw new TypeError(`a function or a moduleFunction(...) was expected, got ${String(callable)}`);
  const prototype = Object.getPrototypeOf(callable) as { constructor?: unknown } | null;
  if (prototype?.constructor === GeneratorFunction || prototype?.constructor === AsyncGeneratorFunction) {
    throw new TypeError('coroutines cannot be run in a worker: pass a plain or async function');
  }
  const source = Function.prototype.toString.call(callable);
  if (COMPILED_COROUTINE_FACTORY.test(source)) throw new TypeError('coroutines cannot be run in a worker: pass a plain or async function');
  const label = `${callable.name === '' ? '<anonymous>' : callable.name}()`;
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new TypeError(`${label} is native or bound: its source cannot be sent to a worker; export it from a module and use moduleFunction()`);
  }
  if (/^class\b/.test(source)) throw new TypeError(`${label} is a class, not a function`);
  return { kind: 'source', source, label };
}

function toModuleUrl(module: URL | string): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string') throw new TypeError('the module must be a URL or an absolute path');
  if (isAbsolute(module)) return pathToFileURL(module).href;
  // Relative specifiers would resolve against the worker, not the caller: only absolute ones are clear.
  if (/^[a-z][a-z0-9+.-]*:/i.test(module)) return new URL(module).href;
  throw new ValueError(`the module must be a URL or an absolute path, not ${JSON.stringify(module)} (try new URL('${module}', import.meta.url))`);
}
