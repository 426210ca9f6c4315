import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../runtime/errors.js';
import { run } from '../../runtime/run.js';
import { sleep } from '../../runtime/sleep.js';
import type { Coroutine } from '../../runtime/coroutine.js';

describe('run() and SIGINT', () => {
  it('the first SIGINT cancels the main task, whose finally runs; run() rejects with CancelledError', async () => {
    expect(process.listenerCount('SIGINT')).toBe(0);
    const trace: string[] = [];
    function* main(): Coroutine<string> {
      try {
        yield* sleep(60_000);
        return 'slept';
      } finally {
        trace.push('main finally');
      }
    }
    const outcome = run(main());
    setTimeout(() => process.emit('SIGINT'), 20);
    const error: unknown = await outcome.then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe('interrupted by SIGINT');
    expect(trace).toEqual(['main finally']);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('leaves SIGINT alone when handleSigint is false or someone else listens', async () => {
    function* main(): Coroutine<number> {
      yield* sleep(1);
      expect(process.listenerCount('SIGINT')).toBe(0);
      return 1;
    }
    await expect(run(main(), { handleSigint: false })).resolves.toBe(1);
    const mine = (): void => {};
    process.on('SIGINT', mine);
    function* other(): Coroutine<number> {
      yield* sleep(1);
      expect(process.listenerCount('SIGINT')).toBe(1);
      return 2;
    }
    try {
      await expect(run(other())).resolves.toBe(2);
    } finally {
      process.removeListener('SIGINT', mine);
    }
  });
});
