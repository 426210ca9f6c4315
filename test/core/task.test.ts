import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, RuntimeError } from '../../runtime/errors.js';
import { EventLoop } from '../../runtime/loop.js';
import { allTasks, createTask, currentTask, run } from '../../runtime/run.js';
import { sleep } from '../../runtime/sleep.js';
import { Task } from '../../runtime/task.js';
import { coroutineChainOf } from '../../runtime/debug/chain.js';

function virtualLoop(): EventLoop {
  return new EventLoop({ clock: 'virtual' });
}

function describeError(error: unknown): string {
  return `${(error as Error).name}: ${(error as Error).message}`;
}

describe('Task steps', () => {
  it('a bare yield gives up exactly one turn: two tasks interleave', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* worker(name: string, turns: number): Coroutine<string> {
      for (let turn = 0; turn < turns; turn++) {
        trace.push(`${name}${turn}`);
        yield;
      }
      return name;
    }
    function* main(): Coroutine<string[]> {
      const a = loop.createTask(worker('a', 3));
      const b = loop.createTask(worker('b', 2));
      return [yield* a, yield* b];
    }
    expect(loop.runUntilComplete(main())).toEqual(['a', 'b']);
    expect(trace).toEqual(['a0', 'b0', 'a1', 'b1', 'a2']);
    expect(loop.time()).toBe(0);
  });

  it('a task does not start before the creator yields; its first step is the next tick', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* child(): Coroutine<void> {
      trace.push('child runs');
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(child());
      trace.push(`created, done=${task.done()}`);
      yield;
      trace.push(`after one turn, done=${task.done()}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['created, done=false', 'child runs', 'after one turn, done=true']);
  });

  it('yield* task evaluates to its result, or throws its exception', () => {
    const loop = virtualLoop();
    const error = new Error('child failed');
    function* good(): Coroutine<number> {
      yield* sleep(5);
      return 5;
    }
    function* bad(): Coroutine<number> {
      yield* sleep(7);
      throw error;
    }
    function* main(): Coroutine<unknown[]> {
      const results: unknown[] = [];
      results.push(yield* loop.createTask(good()));
      try {
        yield* loop.createTask(bad());
      } catch (caught) {
        results.push(caught, loop.time());
      }
      return results;
    }
    expect(loop.runUntilComplete(main())).toEqual([5, error, 12]);
  });

  it('yield* of a task already done does not suspend', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* quick(): Coroutine<string> {
      return 'quick';
    }
    function* other(): Coroutine<void> {
      trace.push('other');
    }
    function* main(): Coroutine<void> {
      const done = loop.createTask(quick());
      yield;
      loop.createTask(other());
      trace.push(`got ${yield* done}`);
      yield;
      trace.push('main end');
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['got quick', 'other', 'main end']);
  });

  it('several tasks waiting on one task wake in the order they started waiting', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* target(): Coroutine<string> {
      yield* sleep(10);
      return 'T';
    }
    function* waiter(name: string, task: Task<string>): Coroutine<void> {
      trace.push(`${name} waits`);
      trace.push(`${name} got ${yield* task} at ${loop.time()}`);
    }
    function* main(): Coroutine<void> {
      const shared = loop.createTask(target());
      const waiters = ['w1', 'w2', 'w3'].map((name) => loop.createTask(waiter(name, shared)));
      for (const task of waiters) yield* task;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['w1 waits', 'w2 waits', 'w3 waits', 'w1 got T at 10', 'w2 got T at 10', 'w3 got T at 10']);
  });

  it('a bad yield throws TypeError into the coroutine on its next turn; it can catch it and go on', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* other(): Coroutine<void> {
      trace.push('other');
    }
    function* sub(): Coroutine<number> {
      return 1;
    }
    function* main(): Coroutine<string> {
      loop.createTask(other());
      try {
        yield 42;
        trace.push('not reached');
      } catch (error) {
        trace.push(`${describeError(error)}`);
      }
      try {
        yield sub();
      } catch (error) {
        trace.push(`${(error as Error).name} ${/yield\*/.test((error as Error).message)}`);
      }
      yield* sleep(1);
      return `went on at ${loop.time()}`;
    }
    expect(loop.runUntilComplete(main())).toBe('went on at 1');
    expect(trace).toEqual(['other', 'TypeError: Task got bad yield: 42', 'TypeError true']);
  });

  it('an uncaught bad yield fails the task with TypeError', () => {
    const loop = virtualLoop();
    function* main(): Coroutine<void> {
      yield 'text';
    }
    expect(() => loop.runUntilComplete(main())).toThrow(TypeError);
  });

  it('awaiting itself throws RuntimeError into the coroutine', () => {
    const loop = virtualLoop();
    function* main(): Coroutine<string> {
      const self = currentTask() as Task<unknown>;
      try {
        yield* self;
        return 'awaited itself';
      } catch (error) {
        return describeError(error);
      }
    }
    const task = loop.createTask(main(), { name: 'selfish' });
    expect(loop.runUntilComplete(task)).toBe('RuntimeError: Task cannot await on itself: selfish');
  });

  it('waiting on a future of another loop throws RuntimeError into the coroutine', () => {
    const loop = virtualLoop();
    const foreign = virtualLoop().createFuture<number>();
    function* main(): Coroutine<string> {
      try {
        yield* foreign;
        return 'waited';
      } catch (error) {
        return describeError(error);
      }
    }
    expect(loop.runUntilComplete(loop.createTask(main(), { name: 'm' }))).toBe('RuntimeError: Task m got a Future attached to a different loop');
  });

  it('sleep(ms, value) evaluates to value; sleep(0) is one turn, ordered like a bare yield', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* sleeper(): Coroutine<void> {
      trace.push(`s ${yield* sleep(0, 'zero')} ${loop.time()}`);
      trace.push(`s ${yield* sleep(-5, 'negative')} ${loop.time()}`);
      trace.push(`s ${yield* sleep(8, 'eight')} ${loop.time()}`);
    }
    function* yielder(): Coroutine<void> {
      for (let turn = 0; turn < 3; turn++) {
        trace.push(`y ${turn}`);
        yield;
      }
    }
    function* main(): Coroutine<void> {
      const a = loop.createTask(sleeper());
      const b = loop.createTask(yielder());
      yield* a;
      yield* b;
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['y 0', 's zero 0', 'y 1', 's negative 0', 'y 2', 's eight 8']);
    expect(() => sleep(Number.NaN)).toThrow(TypeError);
  });

  it('Task.setResult and Task.setException throw RuntimeError', () => {
    const loop = virtualLoop();
    function* main(): Coroutine<number> {
      return 1;
    }
    const task = loop.createTask(main());
    expect(() => (task as { setResult(value: number): void }).setResult(1)).toThrow(RuntimeError);
    expect(() => (task as { setException(error: unknown): void }).setException(new Error('x'))).toThrow(RuntimeError);
    expect(loop.runUntilComplete(task)).toBe(1);
  });

  it('a non-coroutine is refused by createTask', () => {
    const loop = virtualLoop();
    expect(() => loop.createTask(42 as unknown as Coroutine<void>)).toThrow(TypeError);
  });
});

describe('Task identity', () => {
  it('names default to Task-N with increasing N; setName and the name option override', () => {
    const loop = virtualLoop();
    function* body(): Coroutine<void> {}
    const first = loop.createTask(body());
    const second = loop.createTask(body());
    const named = loop.createTask(body(), { name: 'worker' });
    const firstNumber = Number(/^Task-(\d+)$/.exec(first.getName())?.[1]);
    expect(Number.isInteger(firstNumber)).toBe(true);
    expect(second.getName()).toBe(`Task-${firstNumber + 1}`);
    expect(named.getName()).toBe('worker');
    second.setName('renamed');
    expect(second.getName()).toBe('renamed');
    expect(Object.prototype.toString.call(first)).toBe('[object Task]');
    expect(first).toBeInstanceOf(Task);
    loop.runUntilComplete(named);
  });

  it('getCoro() is the coroutine object the task runs', () => {
    const loop = virtualLoop();
    function* body(): Coroutine<void> {}
    const coro = body();
    const task = loop.createTask(coro);
    expect(task.getCoro()).toBe(coro);
    loop.runUntilComplete(task);
    expect(task.getCoro()).toBe(coro);
  });

  it('currentTask() is the running task inside coroutines and null in plain callbacks', () => {
    const loop = virtualLoop();
    const seen: string[] = [];
    function* child(): Coroutine<void> {
      seen.push(`child sees ${currentTask()?.getName()}`);
      yield;
      seen.push(`child again ${currentTask()?.getName()}`);
    }
    function* main(): Coroutine<void> {
      seen.push(`main sees ${currentTask()?.getName()}`);
      loop.callSoon(() => seen.push(`callback sees ${String(currentTask())}`));
      const task = createTask(child(), { name: 'child' });
      yield* task;
      seen.push(`main after ${currentTask()?.getName()}`);
    }
    loop.runUntilComplete(loop.createTask(main(), { name: 'main' }));
    expect(seen).toEqual(['main sees main', 'callback sees null', 'child sees child', 'child again child', 'main after main']);
    expect(() => currentTask()).toThrow(RuntimeError);
  });

  it('allTasks() lists the tasks not done yet', () => {
    const loop = virtualLoop();
    const snapshots: string[][] = [];
    const names = (): string[] => allTasks().map((task) => task.getName()).sort();
    function* sleeper(ms: number): Coroutine<void> {
      yield* sleep(ms);
    }
    function* main(): Coroutine<void> {
      snapshots.push(names());
      const short = createTask(sleeper(5), { name: 'short' });
      createTask(sleeper(10), { name: 'long' });
      snapshots.push(names());
      yield* short;
      snapshots.push(names());
      yield* sleep(10);
      snapshots.push(names());
    }
    loop.runUntilComplete(loop.createTask(main(), { name: 'main' }));
    expect(snapshots).toEqual([['main'], ['long', 'main', 'short'], ['long', 'main'], ['main']]);
    expect(loop.allTasks()).toEqual([]);
  });
});

describe('Task and Promises', () => {
  it('yield promise resumes with the value, and a rejection is thrown at the yield', async () => {
    const trace: string[] = [];
    function* main(): Coroutine<string[]> {
      const value = (yield Promise.resolve('resolved')) as string;
      trace.push(`value ${value}`);
      const delayed = (yield new Promise<number>((resolve) => setTimeout(() => resolve(7), 5))) as number;
      trace.push(`delayed ${delayed}`);
      try {
        yield Promise.reject(new Error('rejected'));
        trace.push('not reached');
      } catch (error) {
        trace.push(`caught ${(error as Error).message}`);
      }
      return trace;
    }
    expect(await run(main())).toEqual(['value resolved', 'delayed 7', 'caught rejected']);
  });

  it('a task can be awaited from async code, with its result or its error', async () => {
    const trace: string[] = [];
    function* child(fail: boolean): Coroutine<string> {
      yield* sleep(2);
      if (fail) throw new Error('child error');
      return 'child result';
    }
    async function outside(task: Task<string>): Promise<string> {
      try {
        return `ok ${await task}`;
      } catch (error) {
        return `error ${(error as Error).message}`;
      }
    }
    function* main(): Coroutine<string[]> {
      const good = outside(createTask(child(false)));
      const bad = outside(createTask(child(true)));
      trace.push((yield good) as string);
      trace.push((yield bad) as string);
      return trace;
    }
    expect(await run(main(), { clock: 'virtual' })).toEqual(['ok child result', 'error child error']);
  });

  it('cancelling a task waiting on a Promise ends it cancelled; the late settlement is ignored', async () => {
    let resolveLater: (value: number) => void = () => {};
    const trace: string[] = [];
    function* waiter(): Coroutine<void> {
      try {
        yield new Promise<number>((resolve) => {
          resolveLater = resolve;
        });
      } finally {
        trace.push('waiter finally');
      }
    }
    function* main(): Coroutine<string> {
      const task = createTask(waiter());
      yield;
      task.cancel('enough');
      try {
        yield* task;
      } catch (error) {
        trace.push(describeError(error));
      }
      resolveLater(1);
      yield Promise.resolve();
      return `cancelled=${task.cancelled()}`;
    }
    expect(await run(main())).toBe('cancelled=true');
    expect(trace).toEqual(['waiter finally', 'CancelledError: enough']);
  });
});

describe('Task cancellation', () => {
  it("the CancelledError thrown into the coroutine has no JS stack of the loop's internals unless the loop is in debug mode; its coroutine chain says where it was", () => {
    for (const debug of [false, true]) {
      const loop = new EventLoop({ clock: 'virtual', debug });
      let caught: unknown;
      function* sleeper(): Coroutine<void> {
        try {
          yield* sleep(100);
        } catch (error) {
          caught = error;
          throw error;
        }
      }
      function* main(): Coroutine<void> {
        const sleeping = loop.createTask(sleeper(), { name: 'sleeper' });
        const waiting = loop.createTask(sleeper(), { name: 'waiter' });
        yield* sleep(1);
        sleeping.cancel();
        waiting.cancel();
        yield* sleep(1);
      }
      loop.runUntilComplete(main());
      loop.close();
      expect(caught).toBeInstanceOf(CancelledError);
      const stack = (caught as Error).stack ?? '';
      const jsFrames = stack.split('\n').filter((line) => /^\s+at /.test(line));
      if (debug) expect(jsFrames.length).toBeGreaterThan(0);
      else expect(jsFrames).toEqual([]);
      expect(coroutineChainOf(caught).length).toBeGreaterThan(0);
    }
  });

  it('throws CancelledError at the suspension point; finally runs; the task ends cancelled with the message', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* child(): Coroutine<string> {
      try {
        trace.push(`child waits ${loop.time()}`);
        yield* sleep(100);
        trace.push('not reached');
        return 'finished';
      } catch (error) {
        trace.push(`child caught ${describeError(error)} at ${loop.time()}`);
        throw error;
      } finally {
        trace.push(`child finally ${loop.time()}`);
      }
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(child());
      yield* sleep(10);
      expect(task.cancel('stop it')).toBe(true);
      trace.push(`cancel requested, cancelling=${task.cancelling()}, done=${task.done()}`);
      try {
        yield* task;
      } catch (error) {
        trace.push(`main caught ${describeError(error)} at ${loop.time()}`);
      }
      trace.push(`cancelled=${task.cancelled()}`);
      expect(task.cancel()).toBe(false);
      // The cancelled sleep's timer must be gone: nothing fires at 100.
      yield* sleep(200);
      trace.push(`main end ${loop.time()}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual([
      'child waits 0',
      'cancel requested, cancelling=1, done=false',
      'child caught CancelledError: stop it at 10',
      'child finally 10',
      'main caught CancelledError: stop it at 10',
      'cancelled=true',
      'main end 210',
    ]);
  });

  it('a coroutine may catch the cancellation and go on: the task is then not cancelled', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* stubborn(): Coroutine<string> {
      try {
        yield* sleep(50);
      } catch (error) {
        trace.push(`caught ${describeError(error)} at ${loop.time()}`);
      }
      yield* sleep(5);
      trace.push(`still running at ${loop.time()}`);
      return 'survived';
    }
    function* main(): Coroutine<string> {
      const task = loop.createTask(stubborn());
      yield* sleep(1);
      task.cancel('please');
      const result = yield* task;
      trace.push(`cancelled=${task.cancelled()} cancelling=${task.cancelling()}`);
      return result;
    }
    expect(loop.runUntilComplete(main())).toBe('survived');
    expect(trace).toEqual(['caught CancelledError: please at 1', 'still running at 6', 'cancelled=false cancelling=1']);
  });

  it('a task cancelled before its first step ends cancelled without running its body', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* body(): Coroutine<void> {
      try {
        trace.push('body ran');
        yield;
      } finally {
        trace.push('finally ran');
      }
    }
    function* main(): Coroutine<string> {
      const task = loop.createTask(body());
      task.cancel('early');
      try {
        yield* task;
        return 'not cancelled';
      } catch (error) {
        return `${describeError(error)} cancelled=${task.cancelled()}`;
      }
    }
    expect(loop.runUntilComplete(main())).toBe('CancelledError: early cancelled=true');
    expect(trace).toEqual([]);
  });

  it('cancel while the task waits its turn after a bare yield', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* spinner(): Coroutine<void> {
      for (let turn = 0; ; turn++) {
        try {
          yield;
        } catch (error) {
          trace.push(`spinner caught ${describeError(error)} at turn ${turn}`);
          throw error;
        }
      }
    }
    function* main(): Coroutine<boolean> {
      const task = loop.createTask(spinner());
      yield;
      yield;
      task.cancel('spin no more');
      try {
        yield* task;
      } catch {
        // expected
      }
      return task.cancelled();
    }
    expect(loop.runUntilComplete(main())).toBe(true);
    expect(trace).toEqual(['spinner caught CancelledError: spin no more at turn 1']);
  });

  it('cancelling()/uncancel() count the requests; uncancel before the step withdraws the cancellation', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* body(): Coroutine<string> {
      yield;
      trace.push('body continued normally');
      return 'done';
    }
    function* main(): Coroutine<string> {
      const task = loop.createTask(body());
      yield;
      task.cancel();
      task.cancel();
      trace.push(`cancelling ${task.cancelling()}`);
      trace.push(`uncancel -> ${task.uncancel()}`);
      trace.push(`uncancel -> ${task.uncancel()}`);
      trace.push(`uncancel -> ${task.uncancel()}`);
      const result = yield* task;
      return `${result} cancelled=${task.cancelled()}`;
    }
    expect(loop.runUntilComplete(main())).toBe('done cancelled=false');
    expect(trace).toEqual(['cancelling 2', 'uncancel -> 1', 'uncancel -> 0', 'uncancel -> 0', 'body continued normally']);
  });

  it('a task that catches the cancellation can uncancel() itself back to 0', () => {
    const loop = virtualLoop();
    function* body(): Coroutine<string> {
      const self = currentTask() as Task<unknown>;
      try {
        yield* sleep(10);
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        return `cancelling ${self.cancelling()} -> ${self.uncancel()}`;
      }
      return 'slept';
    }
    function* main(): Coroutine<string> {
      const task = loop.createTask(body());
      yield;
      task.cancel();
      return yield* task;
    }
    expect(loop.runUntilComplete(main())).toBe('cancelling 1 -> 0');
  });

  it('cancel while awaiting another task cancels that task too (asyncio)', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* inner(): Coroutine<string> {
      try {
        yield* sleep(100);
        return 'inner done';
      } finally {
        trace.push(`inner finally ${loop.time()}`);
      }
    }
    function* outer(innerTask: Task<string>): Coroutine<string> {
      try {
        return yield* innerTask;
      } catch (error) {
        trace.push(`outer caught ${describeError(error)} at ${loop.time()}`);
        throw error;
      }
    }
    function* main(): Coroutine<void> {
      const innerTask = loop.createTask(inner());
      const outerTask = loop.createTask(outer(innerTask));
      yield* sleep(3);
      expect(outerTask.cancel('from main')).toBe(true);
      try {
        yield* outerTask;
      } catch {
        // expected
      }
      trace.push(`outer cancelled=${outerTask.cancelled()} inner cancelled=${innerTask.cancelled()}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual([
      'inner finally 3',
      'outer caught CancelledError: from main at 3',
      'outer cancelled=true inner cancelled=true',
    ]);
  });

  it('cancel while awaiting a future cancels the future', () => {
    const loop = virtualLoop();
    const future = loop.createFuture<number>();
    function* waiter(): Coroutine<number> {
      return yield* future;
    }
    function* main(): Coroutine<string> {
      const task = loop.createTask(waiter());
      yield;
      task.cancel('m');
      try {
        yield* task;
      } catch (error) {
        return `${describeError(error)} future cancelled=${future.cancelled()}`;
      }
      return 'not cancelled';
    }
    expect(loop.runUntilComplete(main())).toBe('CancelledError: m future cancelled=true');
  });

  it('the awaited future completed but the task not yet resumed: cancel still lands at the suspension point', () => {
    const loop = virtualLoop();
    const future = loop.createFuture<number>();
    const trace: string[] = [];
    function* waiter(): Coroutine<void> {
      try {
        const value = yield* future;
        trace.push(`got ${value}`);
      } catch (error) {
        trace.push(`waiter caught ${describeError(error)}`);
        throw error;
      }
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(waiter());
      yield;
      future.setResult(1);
      expect(task.cancel('late')).toBe(true);
      try {
        yield* task;
      } catch {
        // expected
      }
      trace.push(`cancelled=${task.cancelled()} future=${future.result()}`);
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['waiter caught CancelledError: late', 'cancelled=true future=1']);
  });

  it('cancel of a done task returns false and changes nothing', () => {
    const loop = virtualLoop();
    function* body(): Coroutine<number> {
      return 3;
    }
    const task = loop.createTask(body());
    expect(loop.runUntilComplete(task)).toBe(3);
    expect(task.cancel()).toBe(false);
    expect(task.cancelled()).toBe(false);
    expect(task.cancelling()).toBe(0);
    expect(task.result()).toBe(3);
  });

  it('a task that cancels itself and then returns still ends cancelled', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* body(): Coroutine<string> {
      yield;
      (currentTask() as Task<unknown>).cancel('self');
      trace.push('returning after cancel');
      return 'value';
    }
    function* main(): Coroutine<string> {
      const task = loop.createTask(body());
      try {
        yield* task;
        return 'not cancelled';
      } catch (error) {
        return `${describeError(error)} cancelled=${task.cancelled()}`;
      }
    }
    expect(loop.runUntilComplete(main())).toBe('CancelledError: self cancelled=true');
    expect(trace).toEqual(['returning after cancel']);
  });

  it('a task cancelled by a sibling in the same tick as its last step still ends cancelled', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* victim(): Coroutine<string> {
      yield;
      trace.push('victim returns');
      return 'value';
    }
    function* main(): Coroutine<string> {
      const task = loop.createTask(victim());
      yield;
      // The victim is queued for its last step; cancel now.
      task.cancel('just in time');
      try {
        return `result ${yield* task}`;
      } catch (error) {
        return `${describeError(error)}`;
      }
    }
    expect(loop.runUntilComplete(main())).toBe('CancelledError: just in time');
    expect(trace).toEqual([]);
  });

  it('a task that cancels itself and then suspends gets CancelledError at that suspension', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* body(): Coroutine<string> {
      (currentTask() as Task<unknown>).cancel();
      try {
        yield* sleep(10);
        return 'slept';
      } catch (error) {
        trace.push(`caught ${(error as Error).name} at ${loop.time()}`);
        throw error;
      }
    }
    const task = loop.createTask(body());
    expect(() => loop.runUntilComplete(task)).toThrow(CancelledError);
    expect(task.cancelled()).toBe(true);
    expect(trace).toEqual(['caught CancelledError at 0']);
  });

  it('cancel twice while sleeping: the last message wins (asyncio\'s _must_cancel)', () => {
    const loop = virtualLoop();
    function* body(): Coroutine<string> {
      try {
        yield* sleep(10);
      } catch (error) {
        return `caught ${describeError(error)} at ${loop.time()}`;
      }
      return 'slept';
    }
    function* main(): Coroutine<string> {
      const task = loop.createTask(body());
      yield;
      task.cancel('first');
      task.cancel('second');
      expect(task.cancelling()).toBe(2);
      return yield* task;
    }
    expect(loop.runUntilComplete(main())).toBe('caught CancelledError: second at 0');
  });

  it('cancelling the main task of runUntilComplete throws CancelledError out of it', () => {
    const loop = virtualLoop();
    function* main(): Coroutine<void> {
      yield* sleep(100);
    }
    const task = loop.createTask(main());
    loop.callLater(5, () => task.cancel('timeout'));
    let caught: unknown;
    try {
      loop.runUntilComplete(task);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CancelledError);
    expect((caught as Error).message).toBe('timeout');
    expect(loop.time()).toBe(5);
  });

  it('cancellation deep in a yield* chain unwinds every finally from the inside out', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    function* level(depth: number): Coroutine<void> {
      try {
        if (depth === 0) yield* sleep(100);
        else yield* level(depth - 1);
      } finally {
        trace.push(`finally ${depth}`);
      }
    }
    function* main(): Coroutine<void> {
      const task = loop.createTask(level(3));
      yield* sleep(1);
      task.cancel();
      try {
        yield* task;
      } catch (error) {
        trace.push(`main ${(error as Error).name}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['finally 0', 'finally 1', 'finally 2', 'finally 3', 'main CancelledError']);
  });
});
