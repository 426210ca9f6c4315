/**
 * The program every pool worker runs. It is started from source (`new Worker(WORKER_SOURCE, { eval:
 * true })`) rather than from a file: the runtime may be running from TypeScript sources (vitest, a
 * loader) that a worker thread could not load, and this way the worker needs no file of its own.
 * So `workerMain` must be self-contained: it is sent as its own text, and sees nothing of this module.
 *
 * Protocol: the pool posts `{ jobId, callable, args }`, one job at a time per worker; the worker
 * answers `{ jobId, ok: true, value }` or `{ jobId, ok: false, error }` (a ThrownDescription).
 */
function workerMain(): void {
  type Described =
    | { isError: true; name: string; message: string; stack: string | undefined; properties: Record<string, unknown>; cause?: Described }
    | { isError: false; value: unknown };
  type Callable =
    | { kind: 'source'; source: string; label: string }
    | { kind: 'module'; moduleUrl: string; exportName: string; label: string };
  type Request = { jobId: number; callable: Callable; args: unknown[] };
  type AnyFunction = (...args: unknown[]) => unknown;

  // eval mode runs this as a CommonJS script, where require exists.
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  if (parentPort === null) throw new Error('the tsyncio pool worker must run in a worker thread');
  const port = parentPort;
  const rebuilt = new Map<string, AnyFunction>();
  // Made from a string: a bundler or test runner rewriting this script's text (vite turns import()
  // into its own helper) would otherwise hand the worker a call to something that is not there.
  const importModule = (0, eval)('(specifier) => import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

  function isCloneable(value: unknown): boolean {
    try {
      structuredClone(value);
      return true;
    } catch {
      return false;
    }
  }

  function describe(thrown: unknown, depth: number): Described {
    if (!(thrown instanceof Error)) return { isError: false, value: isCloneable(thrown) ? thrown : String(thrown) };
    const properties: Record<string, unknown> = {};
    for (const key of Object.keys(thrown)) {
      const value = (thrown as unknown as Record<string, unknown>)[key];
      if (key !== 'cause' && isCloneable(value)) properties[key] = value;
    }
    const description: Described = { isError: true, name: thrown.name, message: thrown.message, stack: thrown.stack, properties };
    if (thrown.cause !== undefined && depth < 8) description.cause = describe(thrown.cause, depth + 1);
    return description;
  }

  /** A function back from its source: an expression (function, arrow), or a method written shorthand. */
  function fromSource(source: string, label: string): AnyFunction {
    const known = rebuilt.get(source);
    if (known !== undefined) return known;
    let value: unknown;
    try {
      // Indirect eval: global scope, so the function sees globals and nothing of this script.
      value = (0, eval)(`(${source}\n)`);
    } catch {
      // `hash(data) { ... }` (a method) is not an expression; inside an object literal it is.
      try {
        const holder = (0, eval)(`({ ${source}\n})`) as Record<PropertyKey, unknown>;
        value = holder[Reflect.ownKeys(holder)[0] as PropertyKey];
      } catch (error) {
        throw new SyntaxError(`${label} cannot be rebuilt from its source in a worker: ${String(error)}`);
      }
    }
    if (typeof value !== 'function') throw new TypeError(`${label} did not evaluate to a function in the worker`);
    // Bounded: a program that makes functions on the fly (new source each time) must not fill the worker.
    if (rebuilt.size >= 256) rebuilt.delete(rebuilt.keys().next().value as string);
    rebuilt.set(source, value as AnyFunction);
    return value as AnyFunction;
  }

  async function resolve(callable: Callable): Promise<AnyFunction> {
    if (callable.kind === 'source') return fromSource(callable.source, callable.label);
    const namespace = await importModule(callable.moduleUrl);
    const exported = namespace[callable.exportName];
    if (typeof exported !== 'function') {
      throw new TypeError(`${callable.moduleUrl} has no exported function named ${callable.exportName}`);
    }
    return exported as AnyFunction;
  }

  async function runJob(request: Request): Promise<void> {
    let reply: { jobId: number; ok: true; value: unknown } | { jobId: number; ok: false; error: Described };
    try {
      const fn = await resolve(request.callable);
      reply = { jobId: request.jobId, ok: true, value: await fn(...request.args) };
    } catch (error) {
      reply = { jobId: request.jobId, ok: false, error: describe(error, 0) };
    }
    try {
      port.postMessage(reply);
    } catch (error) {
      // The result cannot be cloned (a function, a class instance with private state, a socket...).
      const cannotSend = new TypeError(`the result of ${request.callable.label} cannot be sent back from the worker: ${String(error)}`);
      port.postMessage({ jobId: request.jobId, ok: false, error: describe(cannotSend, 0) });
    }
  }

  port.on('message', (request: Request) => {
    void runJob(request);
  });
}

/** The worker's program text, for `new Worker(WORKER_SOURCE, { eval: true })`. */
export const WORKER_SOURCE = `(${workerMain.toString()})();`;
