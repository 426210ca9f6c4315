import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, RuntimeError } from '../../runtime/errors.js';
import { ExceptionGroup } from '../../runtime/exception-group.js';
import { sleep } from '../../runtime/sleep.js';
import type { Task } from '../../runtime/task.js';
import { TaskGroup, taskGroup } from '../../runtime/task-group.js';
import { timeout } from '../../runtime/timeout.js';
import { describeError, virtualLoop } from './helpers.js';

function errorsOf(error: unknown): string[] {
  expect(error).toBeInstanceOf(ExceptionGroup);
  return (error as ExceptionGroup).exceptions.map(describeError);
}

describe('taskGroup', () => {
  it('waits for every task and returns the body value after them', () => {
    const { loop, trace, log } = virtualLoop();
    function* child(name: string, ms: number): Coroutine<string> {
      yield* sleep(ms);
      log(`${name} done`);
      return name;
    }
    function* main(): Coroutine<string> {
      let a: Task<string> | null = null;
      let b: Task<string> | null = null;
      const value = yield* taskGroup(function* (tg) {
        a = tg.createTask(child('a', 30));
        b = tg.createTask(child('b', 10), { name: 'bee' });
        log('body end');
        return 'body value';
      });
      log(`group end ${value} ${(a as unknown as Task<string>).result()} ${(b as unknown as Task<string>).getName()}`);
      return value;
    }
    expect(loop.runUntilComplete(main())).toBe('body value');
    expect(trace).toEqual(['0 body end', '10 b done', '30 a done', '30 group end body value a bee']);
  });

  it('a failing task cancels its siblings and the body; errors come as an ExceptionGroup; the parent is not left cancelled', () => {
    const { loop, trace, log } = virtualLoop();
    function* sibling(): Coroutine<void> {
      try {
        yield* sleep(1000);
      } catch (error) {
        log(`sibling ${describeError(error)}`);
        throw error;
      }
    }
    function* failing(): Coroutine<void> {
      yield* sleep(10);
      throw new Error('boom');
    }
    function* main(): Coroutine<void> {
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(sibling());
          tg.createTask(failing());
          try {
            yield* sleep(1000);
          } catch (error) {
            log(`body ${describeError(error)}`);
            throw error;
          }
        });
      } catch (error) {
        log(`caught ${describeError(error)}: ${errorsOf(error).join(', ')}`);
        expect(error).toBeInstanceOf(AggregateError);
        expect((error as AggregateError).errors).toEqual((error as ExceptionGroup).exceptions);
      }
      const me = loop.currentTask as Task<unknown>;
      log(`cancelling=${me.cancelling()}`);
      yield* sleep(5); // not cancelled: the parent goes on
      log('parent goes on');
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual([
      '10 sibling CancelledError',
      '10 body CancelledError',
      '10 caught ExceptionGroup: unhandled errors in a TaskGroup: Error: boom',
      '10 cancelling=0',
      '15 parent goes on',
    ]);
  });

  it('collects every error: tasks failing together and errors raised while being cancelled', () => {
    const { loop, trace, log } = virtualLoop();
    function* fail(ms: number, message: string): Coroutine<void> {
      yield* sleep(ms);
      throw new Error(message);
    }
    function* badCleanup(): Coroutine<void> {
      try {
        yield* sleep(1000);
      } finally {
        yield* sleep(5);
        throw new Error('cleanup failed');
      }
    }
    function* main(): Coroutine<void> {
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(fail(10, 'first'));
          tg.createTask(fail(10, 'second'));
          tg.createTask(badCleanup());
        });
      } catch (error) {
        log(errorsOf(error).join(', '));
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['15 Error: first, Error: second, Error: cleanup failed']);
  });

  it('an error in the body cancels the tasks and joins the ExceptionGroup after theirs', () => {
    const { loop, trace, log } = virtualLoop();
    function* slowToStop(): Coroutine<void> {
      try {
        yield* sleep(1000);
      } finally {
        yield* sleep(7);
        log('child stopped');
      }
    }
    function* main(): Coroutine<void> {
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(slowToStop());
          yield* sleep(3);
          throw new Error('body failed');
        });
      } catch (error) {
        log(errorsOf(error).join(', '));
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 child stopped', '10 Error: body failed']);
  });

  it('a task cancelled on its own does not abort the group', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<string> {
      return yield* taskGroup(function* (tg) {
        const doomed = tg.createTask((function* () {
          yield* sleep(1000);
        })());
        const other = tg.createTask((function* () {
          yield* sleep(20);
          log('other done');
        })());
        yield* sleep(5);
        doomed.cancel();
        void other;
        return 'ok';
      });
    }
    expect(loop.runUntilComplete(main())).toBe('ok');
    expect(trace).toEqual(['20 other done']);
  });

  it('the parent cancelled from outside while the body waits: tasks cancelled, CancelledError propagates', () => {
    const { loop, trace, log } = virtualLoop();
    function* child(): Coroutine<void> {
      try {
        yield* sleep(1000);
      } finally {
        log('child finally');
      }
    }
    function* parent(): Coroutine<void> {
      yield* taskGroup(function* (tg) {
        tg.createTask(child());
        yield* sleep(1000);
      });
      log('not reached');
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(parent());
      yield* sleep(10);
      task.cancel('outside');
      try {
        yield* task;
      } catch (error) {
        log(`parent ${describeError(error)} cancelled=${task.cancelled()}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 child finally', '10 parent CancelledError: outside cancelled=true']);
  });

  it('the parent cancelled from outside while the group waits at its exit', () => {
    const { loop, trace, log } = virtualLoop();
    function* child(): Coroutine<void> {
      try {
        yield* sleep(1000);
      } finally {
        yield* sleep(4);
        log('child finally');
      }
    }
    function* parent(): Coroutine<void> {
      yield* taskGroup(function* (tg) {
        tg.createTask(child());
      });
      log('not reached');
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(parent());
      yield* sleep(10);
      task.cancel();
      try {
        yield* task;
      } catch (error) {
        log(`parent ${describeError(error)} cancelled=${task.cancelled()}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['14 child finally', '14 parent CancelledError cancelled=true']);
  });

  it('a task failing while the parent is cancelled from outside: ExceptionGroup, and the outside cancel is kept pending', () => {
    const { loop, trace, log } = virtualLoop();
    function* failsWhenCancelled(): Coroutine<void> {
      try {
        yield* sleep(1000);
      } finally {
        throw new Error('failed on cancel');
      }
    }
    function* parent(): Coroutine<void> {
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(failsWhenCancelled());
          yield* sleep(1000);
        });
      } catch (error) {
        log(`group ${errorsOf(error).join(', ')} cancelling=${(loop.currentTask as Task<unknown>).cancelling()}`);
      }
      try {
        yield* sleep(1);
        log('not reached');
      } catch (error) {
        log(`then ${describeError(error)}`);
        throw error;
      }
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(parent());
      yield* sleep(10);
      task.cancel();
      try {
        yield* task;
      } catch {
        log(`parent cancelled=${task.cancelled()}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['10 group Error: failed on cancel cancelling=1', '10 then CancelledError', '10 parent cancelled=true']);
  });

  it('a body that swallows the group\'s cancellation still gets the ExceptionGroup', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask((function* () {
            yield* sleep(5);
            throw new Error('child failed');
          })());
          try {
            yield* sleep(100);
          } catch (error) {
            log(`body swallowed ${describeError(error)}`);
          }
          return 'value';
        });
      } catch (error) {
        log(`caught ${errorsOf(error).join(', ')}`);
      }
      log(`cancelling=${(loop.currentTask as Task<unknown>).cancelling()}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['5 body swallowed CancelledError', '5 caught Error: child failed', '5 cancelling=0']);
  });

  it('nested groups: the inner failure reaches the outer group as a nested ExceptionGroup', () => {
    const { loop, trace, log } = virtualLoop();
    function* outerSibling(): Coroutine<void> {
      try {
        yield* sleep(1000);
      } finally {
        log('outer sibling stopped');
      }
    }
    function* main(): Coroutine<void> {
      try {
        yield* taskGroup(function* (outer) {
          outer.createTask(outerSibling());
          yield* taskGroup(function* (inner) {
            inner.createTask((function* () {
              yield* sleep(10);
              throw new Error('deep');
            })());
            yield* sleep(1000);
          });
        });
      } catch (error) {
        const [nested] = (error as ExceptionGroup).exceptions;
        log(`outer ${describeError(error)} > ${errorsOf(nested).join(', ')}`);
        expect((error as ExceptionGroup).subgroup((each) => each instanceof Error && each.message === 'deep')).not.toBeNull();
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual([
      '10 outer sibling stopped',
      '10 outer ExceptionGroup: unhandled errors in a TaskGroup > Error: deep',
    ]);
  });

  it('createTask refuses when not entered, while shutting down and once finished, and closes the coroutine', () => {
    const { loop, trace, log } = virtualLoop();
    function* neverRuns(): Coroutine<void> {
      log('ran');
      yield* sleep(1);
    }
    function* main(): Coroutine<void> {
      const coros: Coroutine<void>[] = [];
      const attempt = (group: TaskGroup, label: string): void => {
        const coro = neverRuns();
        coros.push(coro);
        try {
          group.createTask(coro);
        } catch (error) {
          expect(error).toBeInstanceOf(RuntimeError);
          log(`${label}: ${describeError(error)}`);
        }
      };
      attempt(new TaskGroup(), 'fresh');
      let kept: TaskGroup | null = null;
      try {
        yield* taskGroup(function* (tg) {
          kept = tg;
          tg.createTask((function* () {
            yield* sleep(1);
            throw new Error('x');
          })());
          try {
            yield* sleep(10);
          } catch {
            attempt(tg, 'aborting');
          }
        });
      } catch {
        attempt(kept as unknown as TaskGroup, 'finished');
      }
      // Closed: a later next() finds them finished without running their body.
      log(`closed ${coros.map((coro) => coro.next().done).join(',')}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual([
      '0 fresh: RuntimeError: TaskGroup has not been entered',
      '1 aborting: RuntimeError: TaskGroup is shutting down',
      '1 finished: RuntimeError: TaskGroup is finished',
      '1 closed true,true,true',
    ]);
  });

  it('tasks may be added while the group waits at its exit', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      yield* taskGroup(function* (tg) {
        tg.createTask((function* () {
          yield* sleep(10);
          tg.createTask((function* () {
            yield* sleep(10);
            log('late child done');
          })());
        })());
      });
      log('group done');
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['20 late child done', '20 group done']);
  });

  it('must be entered inside a task and only once', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      loop.callSoon(() => {
        try {
          new TaskGroup().enter();
        } catch (error) {
          log(describeError(error));
        }
      });
      yield* sleep(0);
      yield* taskGroup(function* (tg) {
        try {
          tg.enter();
        } catch (error) {
          log(describeError(error));
        }
      });
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['0 RuntimeError: TaskGroup cannot determine the parent task', '0 RuntimeError: TaskGroup has already been entered']);
  });

  it('manual form: enter(), exit(), exitWithError()', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const group = new TaskGroup().enter();
      try {
        group.createTask((function* () {
          yield* sleep(5);
          throw new Error('manual child');
        })());
        yield* sleep(100);
      } catch (error) {
        log(`body ${describeError(error)}`);
        try {
          throw yield* group.exitWithError(error);
        } catch (groupError) {
          log(`group ${errorsOf(groupError).join(', ')}`);
          return;
        }
      }
      yield* group.exit();
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['5 body CancelledError', '5 group Error: manual child']);
  });
});

describe('taskGroup with timeout', () => {
  it('a timeout around a group cancels the body and the tasks, then becomes TimeoutError', () => {
    const { loop, trace, log } = virtualLoop();
    function* child(name: string): Coroutine<void> {
      try {
        yield* sleep(1000);
      } finally {
        yield* sleep(2);
        log(`${name} stopped`);
      }
    }
    function* main(): Coroutine<void> {
      try {
        yield* timeout(20, function* () {
          yield* taskGroup(function* (tg) {
            tg.createTask(child('a'));
            tg.createTask(child('b'));
          });
        });
      } catch (error) {
        log(`caught ${describeError(error)} cancelling=${(loop.currentTask as Task<unknown>).cancelling()}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['22 a stopped', '22 b stopped', '22 caught TimeoutError cancelling=0']);
  });

  it('a task failing inside a timed out group: the ExceptionGroup wins over the TimeoutError', () => {
    const { loop, trace, log } = virtualLoop();
    function* failsOnCancel(): Coroutine<void> {
      try {
        yield* sleep(1000);
      } finally {
        throw new Error('failed while stopping');
      }
    }
    function* main(): Coroutine<void> {
      try {
        yield* timeout(20, function* () {
          yield* taskGroup(function* (tg) {
            tg.createTask(failsOnCancel());
            yield* sleep(1000);
          });
        });
      } catch (error) {
        log(`caught ${errorsOf(error).join(', ')} cancelling=${(loop.currentTask as Task<unknown>).cancelling()}`);
      }
      yield* sleep(1);
      log('not cancelled afterwards');
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['20 caught Error: failed while stopping cancelling=0', '21 not cancelled afterwards']);
  });
});

describe('ExceptionGroup', () => {
  it('is an AggregateError with the errors under both names', () => {
    const errors = [new Error('a'), new CancelledError('b')];
    const group = new ExceptionGroup('several', errors);
    expect(group).toBeInstanceOf(AggregateError);
    expect(group.name).toBe('ExceptionGroup');
    expect(group.message).toBe('several');
    expect(group.exceptions).toEqual(errors);
    expect(group.errors).toEqual(errors);
    expect(group.subgroup((error) => error instanceof CancelledError)?.exceptions).toEqual([errors[1]]);
    expect(group.subgroup(() => false)).toBeNull();
    expect(() => new ExceptionGroup('none', [])).toThrow(TypeError);
  });
});
