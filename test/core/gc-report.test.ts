import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { EventLoop, type ExceptionContext } from '../../runtime/loop.js';
import { sleep } from '../../runtime/sleep.js';

/**
 * A real `gc()` whatever the worker's flags: --expose-gc set at run time takes effect for contexts
 * made afterwards, so a fresh vm context hands out its `gc` function.
 */
function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as unknown;
  if (typeof collect !== 'function') throw new Error('could not expose gc()');
  return collect as () => void;
}

const collectGarbage = exposeGc();

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Collects garbage over several host turns, so finalization callbacks get a chance to run. */
async function collectAndWait(turns: number): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    await nextMacrotask();
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

function recordingLoop(): { loop: EventLoop; reports: ExceptionContext[] } {
  const loop = new EventLoop({ clock: 'virtual' });
  const reports: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => reports.push(context));
  return { loop, reports };
}

/** Starts a task that fails and drops every reference to it; returns its error. */
function startAndForgetFailingTask(loop: EventLoop, name: string): Error {
  const error = new Error(`failure of ${name}`);
  function* failing(): Coroutine<void> {
    yield* sleep(1);
    throw error;
  }
  loop.createTask(failing(), { name });
  return error;
}

function startAndAwaitFailingTask(loop: EventLoop, name: string): void {
  function* failing(): Coroutine<void> {
    yield;
    throw new Error('retrieved');
  }
  function* main(): Coroutine<void> {
    try {
      yield* loop.createTask(failing(), { name });
    } catch {
      // retrieved here
    }
  }
  loop.runUntilComplete(main());
}

describe('errors reported when the failed future is garbage-collected', () => {
  it('a failed task nobody awaited is reported after gc(), with its name and error, while the loop is still open', async () => {
    const { loop, reports } = recordingLoop();
    const error = startAndForgetFailingTask(loop, 'collected-task');
    function* main(): Coroutine<void> {
      yield* sleep(5);
    }
    loop.runUntilComplete(main());
    expect(reports).toEqual([]);
    for (let attempt = 0; attempt < 20 && reports.length === 0; attempt++) await collectAndWait(3);
    expect(reports).toEqual([
      { message: 'Task exception was never retrieved (task collected-task)', exception: error, taskName: 'collected-task' },
    ]);
    // Reported once: close() does not report it again.
    loop.close();
    expect(reports).toHaveLength(1);
  });

  it('a failed plain future nobody looked at is reported after gc()', async () => {
    const { loop, reports } = recordingLoop();
    const error = new Error('future failure');
    (function failAndForget(): void {
      loop.createFuture<void>().setException(error);
    })();
    for (let attempt = 0; attempt < 20 && reports.length === 0; attempt++) await collectAndWait(3);
    expect(reports).toEqual([{ message: 'Future exception was never retrieved', exception: error }]);
    loop.close();
    expect(reports).toHaveLength(1);
  });

  it('a retrieved exception is not reported after gc()', async () => {
    const { loop, reports } = recordingLoop();
    startAndAwaitFailingTask(loop, 'retrieved-task');
    // A forgotten one collected alongside proves that collection and reporting did happen.
    const error = startAndForgetFailingTask(loop, 'witness');
    function* main(): Coroutine<void> {
      yield* sleep(5);
    }
    loop.runUntilComplete(main());
    for (let attempt = 0; attempt < 20 && reports.length === 0; attempt++) await collectAndWait(3);
    await collectAndWait(3);
    expect(reports).toEqual([{ message: 'Task exception was never retrieved (task witness)', exception: error, taskName: 'witness' }]);
    loop.close();
  });
});
