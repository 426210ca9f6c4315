/** Shared helpers of the frame tests: run the same scenario native and hand-compiled, record everything. */
import { EventLoop } from '../../runtime/loop.js';
import type { Future } from '../../runtime/future.js';
import type { Coroutine } from '../../runtime/coroutine.js';
import { frames, natives, type Coroutines } from './hand-frames.js';

export const implementations: readonly [string, Coroutines][] = [
  ['native', natives],
  ['frames', frames],
];

/** An error or thrown value as a comparable string. */
export function describeThrown(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `thrown ${String(error)}`;
}

/** A yielded or returned value as a comparable string (futures by kind, not identity). */
export function describeValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? JSON.stringify(value) : String(value);
  const tag = Object.prototype.toString.call(value);
  return tag === '[object Object]' ? JSON.stringify(value) : tag;
}

/** How a future ended. */
export function outcomeOf(future: Future<unknown>): string {
  if (!future.done()) return 'pending';
  if (future.cancelled()) return 'cancelled';
  const error = future.exception();
  return error === undefined ? `result ${describeValue(future.result())}` : `error ${describeThrown(error)}`;
}

export interface LoopRun {
  trace: string[];
  outcome: string;
  time: number;
}

/**
 * Runs `scenario` on a fresh virtual-clock loop with one implementation; the scenario's main coroutine
 * is always native (it only orchestrates), the coroutines it starts are the implementation's.
 */
export function runOnLoop(impl: Coroutines, scenario: (impl: Coroutines, loop: EventLoop, trace: string[]) => Coroutine<unknown>): LoopRun {
  const loop = new EventLoop({ clock: 'virtual' });
  loop.setExceptionHandler(() => {});
  const trace: string[] = [];
  const main = loop.createTask(scenario(impl, loop, trace));
  let outcome: string;
  try {
    loop.runUntilComplete(main);
  } catch {
    // the outcome below says how it ended
  }
  outcome = outcomeOf(main);
  const time = loop.time();
  loop.close();
  return { trace, outcome, time };
}

export type GeneratorOp = readonly ['next', unknown] | readonly ['throw', unknown] | readonly ['return', unknown];

/** Applies `ops` to a generator and records each result or exception. */
export function driveGenerator(generator: Generator<unknown, unknown, unknown>, ops: readonly GeneratorOp[]): string[] {
  const log: string[] = [];
  for (const [op, argument] of ops) {
    try {
      const result =
        op === 'next' ? generator.next(argument) : op === 'throw' ? generator.throw(argument) : generator.return(argument);
      log.push(`${op}(${describeValue(argument)}) -> ${describeValue(result.value)} done=${String(result.done)}`);
    } catch (error) {
      log.push(`${op}(${describeValue(argument)}) threw ${describeThrown(error)}`);
    }
  }
  return log;
}

/** Every sequence of `length` ops drawn from next/throw/return, arguments numbered by position. */
export function allSchedules(length: number): GeneratorOp[][] {
  let schedules: GeneratorOp[][] = [[]];
  for (let position = 0; position < length; position++) {
    const longer: GeneratorOp[][] = [];
    for (const schedule of schedules) {
      longer.push([...schedule, ['next', `n${position}`]]);
      longer.push([...schedule, ['throw', `t${position}`]]);
      longer.push([...schedule, ['return', `r${position}`]]);
    }
    schedules = longer;
  }
  return schedules;
}
