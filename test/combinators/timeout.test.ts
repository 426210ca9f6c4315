import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, RuntimeError, TimeoutError } from '../../runtime/errors.js';
import { sleep } from '../../runtime/sleep.js';
import type { Task } from '../../runtime/task.js';
import { Timeout, timeout, timeoutAt } from '../../runtime/timeout.js';
import { describeError, virtualLoop } from './helpers.js';

describe('timeout', () => {
  it('cancels the body at the deadline and throws TimeoutError caused by the CancelledError', () => {
    const { loop, trace, log } = virtualLoop();
    let scope: Timeout | null = null;
    function* main(): Coroutine<void> {
      try {
        yield* timeout(50, function* (entered) {
          scope = entered;
          log(`when ${entered.when()}`);
          try {
            yield* sleep(1000);
            log('not reached');
          } catch (error) {
            log(`body got ${describeError(error)}`);
            throw error;
          } finally {
            log('body finally');
          }
        });
      } catch (error) {
        log(`caught ${describeError(error)}`);
        expect(error).toBeInstanceOf(TimeoutError);
        expect((error as Error).cause).toBeInstanceOf(CancelledError);
      }
      const task = loop.currentTask as Task<unknown>;
      log(`expired=${(scope as unknown as Timeout).expired()} cancelling=${task.cancelling()}`);
      // The task is not left cancelled: it can go on waiting.
      yield* sleep(10);
      log('after');
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 when 50', '50 body got CancelledError', '50 body finally', '50 caught TimeoutError', '50 expired=true cancelling=0', '60 after']);
  });

  it('returns the body value when it finishes in time, and the deadline no longer applies afterwards', () => {
    const { loop, trace, log } = virtualLoop();
    let scope: Timeout | null = null;
    function* main(): Coroutine<string> {
      const value = yield* timeout(50, function* (entered) {
        scope = entered;
        yield* sleep(20);
        return 'in time';
      });
      log(`value ${value} expired=${(scope as unknown as Timeout).expired()}`);
      yield* sleep(100);
      log('slept past the old deadline');
      return value;
    }
    expect(loop.runUntilComplete(main())).toBe('in time');
    expect(trace).toEqual(['20 value in time expired=false', '120 slept past the old deadline']);
  });

  it('null or undefined means no deadline; reschedule can add one later', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      for (const ms of [null, undefined]) {
        const value = yield* timeout(ms, function* (scope) {
          log(`when ${String(scope.when())}`);
          yield* sleep(10_000);
          return 'slept';
        });
        log(value);
      }
      try {
        yield* timeout(null, function* (scope) {
          yield* sleep(10);
          scope.reschedule(loop.time() + 5);
          log(`when ${String(scope.when())}`);
          yield* sleep(10_000);
        });
      } catch (error) {
        log(`caught ${describeError(error)}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 when null', '10000 slept', '10000 when null', '20000 slept', '20010 when 20015', '20015 caught TimeoutError']);
  });

  it('reschedule moves the deadline later or earlier; when() follows', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      try {
        yield* timeout(10, function* (scope) {
          scope.reschedule((scope.when() as number) + 30); // 40
          yield* sleep(35);
          log(`still running, when ${scope.when()}`);
          scope.reschedule(loop.time() + 1000);
          scope.reschedule(loop.time() + 2); // earlier again: 37
          yield* sleep(100);
        });
      } catch (error) {
        log(`caught ${describeError(error)}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['35 still running, when 40', '37 caught TimeoutError']);
  });

  it('reschedule(null) from another task disarms the deadline (test_reschedule)', () => {
    const { loop, trace, log } = virtualLoop();
    function* body(scopes: Timeout[]): Coroutine<void> {
      yield* timeoutAt(10, function* (scope) {
        scopes.push(scope);
        yield* sleep(50);
        log('body finished');
      });
    }
    function* main(): Coroutine<void> {
      const scopes: Timeout[] = [];
      const task = loop.createTask(body(scopes));
      yield* sleep(1);
      const scope = scopes[0] as Timeout;
      log(`when ${scope.when()}`);
      scope.reschedule(30);
      log(`when ${scope.when()}`);
      scope.reschedule(null);
      log(`when ${String(scope.when())}`);
      yield* task;
      log(`expired=${scope.expired()}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['1 when 10', '1 when 30', '1 when null', '50 body finished', '50 expired=false']);
  });

  it('a deadline in the past (or 0) expires at the next suspension, even sleep(0)', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      yield* sleep(100);
      for (const body of [
        () => timeout(0, function* () { yield* sleep(0); }),
        () => timeout(-5, function* () { yield; }),
        () => timeoutAt(loop.time() - 100, function* () { yield* sleep(1); }),
      ]) {
        try {
          yield* body();
          log('no timeout');
        } catch (error) {
          log(`caught ${describeError(error)}`);
        }
      }
      // A body that never suspends cannot be interrupted and keeps its value.
      log(`value ${yield* timeout(0, function* () { return 'sync'; })}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['100 caught TimeoutError', '100 caught TimeoutError', '100 caught TimeoutError', '100 value sync']);
  });

  it('a body that swallows the cancellation returns its value; the scope still counts as expired', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      let scope: Timeout | null = null;
      const value = yield* timeout(10, function* (entered) {
        scope = entered;
        try {
          yield* sleep(100);
        } catch {
          log('swallowed');
        }
        return 'recovered';
      });
      log(`${value} expired=${(scope as unknown as Timeout).expired()} cancelling=${(loop.currentTask as Task<unknown>).cancelling()}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 swallowed', '10 recovered expired=true cancelling=0']);
  });

  it('an error other than CancelledError passes through, even after expiry (test_foreign_exception_on_timeout)', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      for (const ms of [10, 1000]) {
        try {
          yield* timeout(ms, function* () {
            try {
              yield* sleep(100);
            } finally {
              throw new Error(`foreign at ${loop.time()}`);
            }
          });
        } catch (error) {
          log(`caught ${describeError(error)}`);
        }
      }
      log(`cancelling=${(loop.currentTask as Task<unknown>).cancelling()}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 caught Error: foreign at 10', '110 caught Error: foreign at 110', '110 cancelling=0']);
  });

  it('a cancellation from outside is not turned into TimeoutError', () => {
    const { loop, trace, log } = virtualLoop();
    let scope: Timeout | null = null;
    function* inner(): Coroutine<void> {
      yield* timeout(100, function* (entered) {
        scope = entered;
        yield* sleep(1000);
      });
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(inner());
      yield* sleep(30);
      task.cancel('from outside');
      try {
        yield* task;
      } catch (error) {
        log(`caught ${describeError(error)} cancelled=${task.cancelled()} expired=${(scope as unknown as Timeout).expired()}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['30 caught CancelledError: from outside cancelled=true expired=false']);
  });

  it('the current task cancelling itself inside the scope gets CancelledError (test_foreign_cancel_doesnt_timeout_if_not_expired)', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      try {
        yield* timeout(10, function* () {
          (loop.currentTask as Task<unknown>).cancel();
          yield* sleep(100);
        });
      } catch (error) {
        log(`caught ${describeError(error)}`);
        (loop.currentTask as Task<unknown>).uncancel();
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 caught CancelledError']);
  });

  it('an outside cancel arriving together with the expiry wins: CancelledError, not TimeoutError', () => {
    const { loop, trace, log } = virtualLoop();
    function* inner(): Coroutine<void> {
      yield* timeout(30, function* () {
        yield* sleep(1000);
      });
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(inner());
      // Due at the same time as the deadline, scheduled after it.
      yield* sleep(1);
      loop.callAt(30, () => task.cancel('outside'));
      try {
        yield* task;
      } catch (error) {
        log(`caught ${describeError(error)} cancelled=${task.cancelled()}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['30 caught CancelledError: outside cancelled=true']);
  });

  it('nested scopes expiring together: the inner lets CancelledError through, the outer converts it', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const scopes: Timeout[] = [];
      try {
        yield* timeout(10, function* (outer) {
          scopes.push(outer);
          try {
            yield* timeout(10, function* (inner) {
              scopes.push(inner);
              yield* sleep(1000);
            });
          } catch (error) {
            log(`inner scope threw ${describeError(error)}`);
            throw error;
          }
        });
      } catch (error) {
        log(`outer scope threw ${describeError(error)}`);
      }
      log(`expired ${scopes.map((scope) => scope.expired()).join(',')}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 inner scope threw CancelledError', '10 outer scope threw TimeoutError', '10 expired true,true']);
  });

  it('nested scopes: the shorter inner one times out alone; the outer one later interrupts the handler', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      try {
        yield* timeout(100, function* () {
          try {
            yield* timeout(10, function* () {
              yield* sleep(1000);
            });
          } catch (error) {
            log(`inner ${describeError(error)}`);
            yield* sleep(1000); // interrupted by the outer deadline
            log('not reached');
          }
        });
      } catch (error) {
        log(`outer ${describeError(error)}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 inner TimeoutError', '100 outer TimeoutError']);
  });

  it('a scope entered in a finally during an expiry times out on its own (test_nested_timeout_in_finally)', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      try {
        yield* timeout(10, function* () {
          try {
            yield* sleep(1000);
          } finally {
            try {
              yield* timeout(5, function* () {
                yield* sleep(1000);
              });
            } catch (error) {
              log(`cleanup ${describeError(error)}`);
            }
          }
        });
      } catch (error) {
        log(`outer ${describeError(error)}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['15 cleanup TimeoutError', '15 outer TimeoutError']);
  });

  it('a scope entered while the task is already being cancelled still times out (test_timeout_after_cancellation)', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const task = loop.currentTask as Task<unknown>;
      try {
        task.cancel();
        yield* sleep(1000);
      } catch (error) {
        log(`first ${describeError(error)} cancelling=${task.cancelling()}`);
      } finally {
        try {
          yield* timeout(0, function* () {
            yield* sleep(1000);
          });
        } catch (error) {
          log(`cleanup ${describeError(error)} cancelling=${task.cancelling()}`);
        }
      }
      task.uncancel();
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 first CancelledError cancelling=1', '0 cleanup TimeoutError cancelling=1']);
  });

  it('the task running a timed out scope ends normally, not cancelled (test_outer_task_is_not_cancelled)', () => {
    const { loop } = virtualLoop();
    function* outer(): Coroutine<string> {
      try {
        yield* timeout(1, function* () {
          yield* sleep(10);
        });
      } catch (error) {
        return describeError(error);
      }
      return 'no timeout';
    }
    function* main(): Coroutine<[string, boolean]> {
      const task = loop.createTask(outer());
      const value = yield* task;
      return [value, task.cancelled()];
    }
    expect(loop.runUntilComplete(main())).toEqual(['TimeoutError', false]);
  });

  it('misuse: reschedule before entering or after exiting, entering twice, entering outside a task', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const fresh = new Timeout(null);
      try {
        fresh.reschedule(5);
      } catch (error) {
        log(describeError(error));
      }
      let kept: Timeout | null = null;
      yield* timeout(10, function* (scope) {
        kept = scope;
        try {
          scope.enter();
        } catch (error) {
          log(describeError(error));
        }
      });
      try {
        (kept as unknown as Timeout).reschedule(5);
      } catch (error) {
        log(describeError(error));
        expect(error).toBeInstanceOf(RuntimeError);
      }
      loop.callSoon(() => {
        try {
          new Timeout(5).enter();
        } catch (error) {
          log(describeError(error));
        }
      });
      yield* sleep(0);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual([
      '0 RuntimeError: Timeout has not been entered',
      '0 RuntimeError: Timeout has already been entered',
      '0 RuntimeError: Cannot change state of finished Timeout',
      '0 RuntimeError: Timeout should be used inside a task',
    ]);
  });

  it('manual form: enter(), exit(), exitWithError()', () => {
    const { loop, trace, log } = virtualLoop();
    function* work(ms: number): Coroutine<string> {
      yield* sleep(ms);
      return `slept ${ms}`;
    }
    function* timed(ms: number, deadlineMs: number): Coroutine<string> {
      const scope = new Timeout(loop.time() + deadlineMs).enter();
      let value: string;
      try {
        value = yield* work(ms);
      } catch (error) {
        throw scope.exitWithError(error);
      }
      scope.exit();
      return value;
    }
    function* main(): Coroutine<void> {
      log(yield* timed(5, 10));
      try {
        log(yield* timed(50, 10));
      } catch (error) {
        log(`caught ${describeError(error)}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['5 slept 5', '15 caught TimeoutError']);
  });
});
