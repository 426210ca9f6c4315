import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError } from '../../runtime/errors.js';
import type { Future } from '../../runtime/future.js';
import { shield } from '../../runtime/shield.js';
import { sleep } from '../../runtime/sleep.js';
import { describeError, virtualLoop } from './helpers.js';

describe('shield', () => {
  it('cancelling the waiter does not cancel the shielded work, which finishes later', () => {
    const { loop, trace, log } = virtualLoop();
    function* save(): Coroutine<string> {
      try {
        yield* sleep(50);
        log('saved');
        return 'saved';
      } finally {
        log('save finally');
      }
    }
    function* caller(work: Future<string>): Coroutine<string> {
      try {
        return yield* shield(work);
      } catch (error) {
        log(`caller ${describeError(error)}`);
        throw error;
      }
    }
    function* main(): Coroutine<void> {
      const work = loop.createTask(save());
      const calling = loop.createTask(caller(work));
      yield* sleep(10);
      calling.cancel('go away');
      try {
        yield* calling;
      } catch (error) {
        log(`calling cancelled=${calling.cancelled()}`);
        expect(error).toBeInstanceOf(CancelledError);
      }
      log(`work: ${yield* work}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 caller CancelledError: go away', '10 calling cancelled=true', '50 saved', '50 save finally', '50 work: saved']);
  });

  it('passes the result or the error through; a coroutine is wrapped in a task', () => {
    const { loop, trace, log } = virtualLoop();
    function* value(): Coroutine<number> {
      yield* sleep(5);
      return 5;
    }
    function* failing(): Coroutine<number> {
      yield* sleep(5);
      throw new Error('failed');
    }
    function* main(): Coroutine<void> {
      const shielded = shield(value());
      expectTypeOf(shielded).toEqualTypeOf<Future<number>>();
      log(`value ${yield* shielded}`);
      try {
        yield* shield(failing());
      } catch (error) {
        log(`caught ${describeError(error)}`);
      }
      log(`sleep ${yield* shield(sleep(5, 'slept'))}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['5 value 5', '10 caught Error: failed', '15 sleep slept']);
  });

  it('is cancelled when the inner work is cancelled by other means', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const inner = loop.createFuture<number>();
      const outer = shield(inner);
      loop.callLater(7, () => inner.cancel());
      try {
        yield* outer;
      } catch (error) {
        log(`caught ${describeError(error)} outer.cancelled=${outer.cancelled()}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['7 caught CancelledError outer.cancelled=true']);
  });

  it('returns an already done future itself', () => {
    const { loop } = virtualLoop();
    function* main(): Coroutine<boolean> {
      const done = loop.createFuture<number>();
      done.setResult(1);
      return shield(done) === done;
    }
    expect(loop.runUntilComplete(main())).toBe(true);
  });

  it('an inner error nobody can see any more is reported, unless it was settled when the shield was cancelled', () => {
    const { loop, reported } = virtualLoop();
    function* main(): Coroutine<void> {
      // The shield is cancelled first: it detaches, and the later error is nobody's — reported.
      const detached = loop.createFuture<number>();
      shield(detached).cancel();
      loop.callLater(5, () => detached.setException(new Error('after the cancel')));
      // The error is set in the same turn as the cancel: the shield saw it and dropped it on purpose.
      const settled = loop.createFuture<number>();
      const outer = shield(settled);
      settled.setException(new Error('with the cancel'));
      outer.cancel();
      yield* sleep(10);
    }
    loop.runUntilComplete(main());
    loop.close();
    expect(reported.map((context) => describeError(context.exception))).toEqual(['Error: after the cancel']);
  });

  it('cancelling the outer detaches it: the inner result is not delivered and nothing fails (test_shield_effect)', () => {
    const { loop } = virtualLoop();
    let proof = 0;
    const waiter = loop.createFuture<void>();
    function* inner(): Coroutine<void> {
      yield* waiter;
      proof += 1;
    }
    function* outer(): Coroutine<void> {
      yield* shield(inner());
      proof += 100;
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(outer());
      yield* sleep(1);
      task.cancel();
      try {
        yield* task;
      } catch {
        // expected: outer was cancelled
      }
      waiter.setResult(undefined);
      yield* sleep(1);
    }
    loop.runUntilComplete(main());
    expect(proof).toBe(1);
  });
});
