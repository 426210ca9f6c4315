import { describe, expect, it } from 'vitest';
import { asCompleted } from '../../runtime/as-completed.js';
import type { Coroutine } from '../../runtime/coroutine.js';
import { TimeoutError } from '../../runtime/errors.js';
import { ExceptionGroup } from '../../runtime/exception-group.js';
import { gather } from '../../runtime/gather.js';
import { run } from '../../runtime/run.js';
import { sleep } from '../../runtime/sleep.js';
import { taskGroup } from '../../runtime/task-group.js';
import { waitFor } from '../../runtime/wait-for.js';

function delayed<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

describe('combinators under the real clock', () => {
  it('gather mixes Promises, coroutines and sleeps; waitFor times out; asCompleted orders by completion', async () => {
    const events: string[] = [];
    function* work(ms: number, value: string): Coroutine<string> {
      yield* sleep(ms);
      return value;
    }
    function* main(): Coroutine<[number, string, string]> {
      const gathered = yield* gather(delayed(15, 1), work(5, 'coro'), sleep(10, 'sleep'));
      try {
        yield* waitFor(delayed(1000, 'too late'), 10);
      } catch (error) {
        events.push(error instanceof TimeoutError ? 'timeout' : 'other');
      }
      for (const next of asCompleted([delayed(20, 'promise'), work(5, 'quick')])) events.push(yield* next);
      return gathered;
    }
    await expect(run(main())).resolves.toEqual([1, 'coro', 'sleep']);
    expect(events).toEqual(['timeout', 'quick', 'promise']);
  });

  it('taskGroup cancels siblings on failure', async () => {
    const events: string[] = [];
    function* sibling(): Coroutine<void> {
      try {
        yield* sleep(5000);
      } finally {
        events.push('sibling stopped');
      }
    }
    function* main(): Coroutine<string> {
      const started = performance.now();
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(sibling());
          tg.createTask((function* () {
            yield* sleep(10);
            throw new Error('failed');
          })());
        });
      } catch (error) {
        events.push(`${(error as ExceptionGroup).exceptions.length} error(s)`);
      }
      // Well before the sibling's 5 s.
      return performance.now() - started < 2000 ? 'fast' : 'slow';
    }
    await expect(run(main())).resolves.toBe('fast');
    expect(events).toEqual(['sibling stopped', '1 error(s)']);
  });
});
