/**
 * Runs fixture sources compiled by the transformer and untransformed (native generators) with the
 * runtime injected for `import ... from 'tsyncio'`, and records traces to compare.
 */
import ts from 'typescript';
import * as runtime from '../../runtime/index.js';
import { EventLoop } from '../../runtime/index.js';
import { transformCode, type TransformCodeOptions } from '../../transformer/transform-code.js';

export type Case = () => Generator<unknown, unknown, unknown>;
export interface FixtureModule {
  cases: Record<string, Case>;
  log: unknown[];
}

/** Evaluates CommonJS output with `tsyncio` bound to the runtime (or to another copy of it). */
export function evaluate(code: string, tsyncio: unknown = runtime): FixtureModule {
  const module = { exports: {} as Record<string, unknown> };
  const require = (specifier: string): unknown => {
    if (specifier === 'tsyncio') return tsyncio;
    throw new Error(`fixture imports ${specifier}`);
  };
  new Function('require', 'module', 'exports', code)(require, module, module.exports);
  return module.exports as unknown as FixtureModule;
}

export function compiled(source: string, options: TransformCodeOptions = {}): { module: FixtureModule; code: string } {
  const out = transformCode(source, { ...options, module: 'CommonJS', target: 'ES2022' });
  return { module: evaluate(out.code), code: out.code };
}

/** The source as TypeScript alone emits it (a build without the plugin), ES2022 unless `compilerOptions` say otherwise. */
export function native(source: string, compilerOptions: ts.CompilerOptions = {}): FixtureModule {
  const out = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, ...compilerOptions, module: ts.ModuleKind.CommonJS } });
  return evaluate(out.outputText);
}

export type Op = ['next' | 'throw' | 'return', unknown];

function describe(value: unknown): unknown {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `[function ${value.name}]`;
  if (value !== null && typeof value === 'object' && 'isTsyncioFrame' in value) return '[coroutine]';
  if (value !== null && typeof value === 'object' && Object.prototype.toString.call(value) === '[object Generator]') return '[coroutine]';
  try {
    return JSON.parse(JSON.stringify(value ?? null, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Error ? `${v.name}: ${v.message}` : v))) as unknown;
  } catch {
    return String(value);
  }
}

/** Drives a coroutine by hand: every result, exception and what the coroutine logged meanwhile. */
export function driveByHand(mod: FixtureModule, make: Case, ops: Op[]): unknown[] {
  mod.log.length = 0;
  const trace: unknown[] = [];
  let gen: Generator<unknown, unknown, unknown>;
  try {
    gen = make();
  } catch (error) {
    return [['call threw', describe(error)], describe(mod.log)];
  }
  for (const [op, arg] of ops) {
    try {
      const r = op === 'next' ? gen.next(arg) : op === 'throw' ? gen.throw(arg) : gen.return(arg);
      trace.push([op, describe(arg), 'gave', describe(r.value), r.done, describe(mod.log)]);
    } catch (error) {
      trace.push([op, describe(arg), 'threw', describe(error), describe(mod.log)]);
    }
    mod.log.length = 0;
  }
  return trace;
}

/** Runs a coroutine as a task on a loop with a virtual clock. */
export function driveOnLoop(mod: FixtureModule, make: Case): unknown[] {
  mod.log.length = 0;
  const loop = new EventLoop({ clock: 'virtual' });
  const reports: unknown[] = [];
  loop.setExceptionHandler((_l, context) => reports.push(describe(context.exception ?? context.message)));
  let outcome: unknown;
  try {
    outcome = ['returned', describe(loop.runUntilComplete(make()))];
  } catch (error) {
    outcome = ['threw', describe(error)];
  }
  return [outcome, describe(mod.log), loop.time(), reports];
}

/** The next/throw/return schedules every fixture case runs under. */
export const SCHEDULES: Op[][] = [
  Array.from({ length: 16 }, (_, i): Op => ['next', i]),
  [['next', 0], ['next', 1], ['throw', new Error('T1')], ['next', 2], ['next', 3], ['next', 4], ['next', 5], ['next', 6]],
  [['next', 0], ['next', 1], ['return', 'R1'], ['next', 2], ['next', 3], ['next', 4], ['next', 5]],
  [['next', 0], ['return', 'R0'], ['next', 1], ['next', 2], ['return', 'R2'], ['next', 3]],
  [['throw', new Error('early')], ['next', 1]],
  [['return', 'early'], ['next', 1]],
  [['next', 0], ['next', 1], ['next', 2], ['throw', new Error('T3')], ['throw', new Error('T4')], ['next', 5], ['next', 6], ['return', 'R7'], ['next', 8], ['next', 9]],
  [['next', 0], ['next', 1], ['next', 2], ['next', 3], ['return', 'R4'], ['throw', new Error('T5')], ['next', 6], ['next', 7], ['next', 8]],
];
