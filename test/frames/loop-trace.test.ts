/**
 * Hand-written frames against their native sources under the tsyncio loop (virtual clock): the same
 * values, exceptions, finally order and scheduling order, interleaved with other tasks.
 */
import { describe, expect, it } from 'vitest';
import type { EventLoop } from '../../runtime/loop.js';
import type { Coroutine } from '../../runtime/coroutine.js';
import type { Future } from '../../runtime/future.js';
import type { Task } from '../../runtime/task.js';
import { sleep } from '../../runtime/sleep.js';
import type { Coroutines } from './hand-frames.js';
import { describeThrown, implementations, outcomeOf, runOnLoop, type LoopRun } from './compare.js';

/** Runs the scenario with both implementations and expects equal runs; returns the native one. */
function expectSameRuns(scenario: (impl: Coroutines, loop: EventLoop, trace: string[]) => Coroutine<unknown>): LoopRun {
  const runs = implementations.map(([, impl]) => runOnLoop(impl, scenario));
  expect(runs[1]).toEqual(runs[0]);
  return runs[0] as LoopRun;
}

/** Waits for every task, recording how each ended. */
function* settleAll(trace: string[], tasks: Task<unknown>[]): Coroutine<void> {
  for (const task of tasks) {
    try {
      yield* task;
    } catch {
      // recorded below
    }
    trace.push(`${task.getName()}: ${outcomeOf(task)}`);
  }
}

describe('hand-written frames under the loop', () => {
  it('interleave with other tasks exactly as native coroutines do', () => {
    const run = expectSameRuns(function* (impl, loop, trace) {
      const future = loop.createFuture<string>();
      const tasks = [
        loop.createTask(impl.ticker(trace, 'A', 4, false), { name: 'ticker' }),
        loop.createTask(impl.calls(trace, 3), { name: 'calls' }),
        loop.createTask(impl.sleeper(trace, () => loop.time(), 7, 'zzz'), { name: 'sleeper' }),
        loop.createTask(impl.awaitFuture(trace, future), { name: 'await' }),
        loop.createTask(impl.guarded(trace, future, false), { name: 'guarded' }),
        loop.createTask(impl.chain(30, 3), { name: 'chain' }),
      ];
      yield* sleep(3);
      trace.push('main resolves');
      future.setResult('ok');
      yield* settleAll(trace, tasks);
      return 'main done';
    });
    expect(run.outcome).toBe('result "main done"');
    expect(run.time).toBe(7);
    // The scenario really interleaves: the first turn starts every task in creation order.
    expect(run.trace.slice(0, 4)).toEqual(['A 0', 'addOne 0', 'pause 1', 'sleep 7 at 0']);
    expect(run.trace).toContain('calls: result 6');
    expect(run.trace).toContain('chain: result 30');
  });

  for (const path of ['ok', 'return', 'throw'] as const) {
    it(`try/catch/finally with yields everywhere: future result ${path}`, () => {
      const run = expectSameRuns(function* (impl, loop, trace) {
        const future = loop.createFuture<string>();
        const guarded = loop.createTask(impl.guarded(trace, future, false), { name: 'guarded' });
        const other = loop.createTask(impl.ticker(trace, 'B', 6, false), { name: 'ticker' });
        yield;
        future.setResult(path);
        yield* settleAll(trace, [guarded, other]);
      });
      expect(run.trace.filter((line) => !line.startsWith('B'))).toMatchSnapshot();
    });
  }

  it('try/catch/finally: the awaited future fails', () => {
    const run = expectSameRuns(function* (impl, loop, trace) {
      const future = loop.createFuture<string>();
      const guarded = loop.createTask(impl.guarded(trace, future, false), { name: 'guarded' });
      yield;
      future.setException(new RangeError('bad'));
      yield* settleAll(trace, [guarded]);
    });
    expect(run.trace).toEqual(['try', 'catch RangeError: bad', 'catch got undefined', 'finally', 'finally got undefined', 'guarded: result "end"']);
  });

  // Cancellation throws CancelledError at every suspension point in turn: in the await, the try's
  // yield, the catch's yield, the finally's yield.
  for (let turns = 0; turns <= 5; turns++) {
    for (const path of ['ok', 'throw'] as const) {
      it(`try/catch/finally cancelled after ${turns} turns (${path})`, () => {
        expectSameRuns(function* (impl, loop, trace) {
          const future = loop.createFuture<string>();
          future.setResult(path);
          const guarded = loop.createTask(impl.guarded(trace, future, false), { name: 'guarded' });
          for (let i = 0; i < turns; i++) yield;
          trace.push(`cancel -> ${String(guarded.cancel('stop'))}`);
          yield* settleAll(trace, [guarded]);
        });
      });
    }
  }

  it('a bad yield throws TypeError into the coroutine', () => {
    const run = expectSameRuns(function* (impl, loop, trace) {
      const ticker = loop.createTask(impl.ticker(trace, 'C', 3, true), { name: 'bad' });
      yield* settleAll(trace, [ticker]);
    });
    expect(run.trace).toEqual(['C 0', 'bad: error TypeError: Task got bad yield: 0']);
  });

  it('yield* future: already done, resolved later, failed, cancelled', () => {
    const run = expectSameRuns(function* (impl, loop, trace) {
      const done = loop.createFuture<string>();
      done.setResult('early');
      const later = loop.createFuture<string>();
      const failed = loop.createFuture<string>();
      const cancelled = loop.createFuture<string>();
      const tasks = [
        loop.createTask(impl.awaitFuture(trace, done), { name: 'done' }),
        loop.createTask(impl.awaitFuture(trace, later), { name: 'later' }),
        loop.createTask(impl.awaitFuture(trace, failed), { name: 'failed' }),
        loop.createTask(impl.awaitFuture(trace, cancelled), { name: 'cancelled' }),
      ];
      yield* sleep(1);
      later.setResult('late');
      failed.setException(new Error('nope'));
      cancelled.cancel('gone');
      yield* settleAll(trace, tasks);
    });
    expect(run.trace).toContain('failed: error Error: nope');
    expect(run.trace).toContain('cancelled: cancelled');
  });

  it('yield* sleep(ms, value) on the virtual clock, timers in deadline then scheduling order', () => {
    const run = expectSameRuns(function* (impl, loop, trace) {
      const tasks = [5, 0, 5, 2, -1].map((ms, i) => loop.createTask(impl.sleeper(trace, () => loop.time(), ms, `v${i}`), { name: `s${i}` }));
      yield* settleAll(trace, tasks);
    });
    expect(run.time).toBe(5);
    expect(run.trace.filter((line) => line.startsWith('woke with v0 ') || line.startsWith('woke with v2 '))).toEqual(['woke with v0 at 5', 'woke with v2 at 5']);
  });

  it('sub-calls that return at once, suspend, and throw early or late', () => {
    const run = expectSameRuns(function* (impl, loop, trace) {
      const calls = loop.createTask(impl.calls(trace, 4), { name: 'calls' });
      const ticker = loop.createTask(impl.ticker(trace, 'T', 5, false), { name: 'ticker' });
      yield* settleAll(trace, [calls, ticker]);
    });
    expect(run.trace).toContain('caught early');
    expect(run.trace).toContain('caught late');
    expect(run.trace).toContain('calls: result 8');
  });

  it('cancellation inside a sub-call unwinds through the caller', () => {
    for (let turns = 0; turns < 8; turns++) {
      expectSameRuns(function* (impl, loop, trace) {
        const calls = loop.createTask(impl.calls(trace, 3), { name: 'calls' });
        for (let i = 0; i < turns; i++) yield;
        calls.cancel();
        yield* settleAll(trace, [calls]);
      });
    }
  });

  it('a recursive chain returns through every level', () => {
    const run = expectSameRuns(function* (impl, loop, trace) {
      const deep = loop.createTask(impl.chain(2000, 2), { name: 'deep' });
      const ticker = loop.createTask(impl.ticker(trace, 'D', 4, false), { name: 'ticker' });
      yield* settleAll(trace, [deep, ticker]);
    });
    expect(run.trace).toContain('deep: result 2000');
  });

  it('an exception thrown into a task shows the same error either way', () => {
    const errors = implementations.map(([, impl]) => {
      const run = runOnLoop(impl, function* (innerImpl, loop, trace) {
        const future = loop.createFuture<string>();
        const task = loop.createTask(innerImpl.awaitFuture(trace, future));
        yield;
        future.setException(new SyntaxError('x'));
        return yield* task;
      });
      return run.outcome;
    });
    expect(errors).toEqual(['error SyntaxError: x', 'error SyntaxError: x']);
    void describeThrown;
  });
});
