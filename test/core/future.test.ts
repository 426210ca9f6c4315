import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, InvalidStateError, RuntimeError } from '../../runtime/errors.js';
import { Future } from '../../runtime/future.js';
import { EventLoop } from '../../runtime/loop.js';
import { run } from '../../runtime/run.js';
import { sleep } from '../../runtime/sleep.js';

function virtualLoop(): EventLoop {
  return new EventLoop({ clock: 'virtual' });
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('Future state', () => {
  it('starts pending: result() and exception() throw InvalidStateError', () => {
    const loop = virtualLoop();
    const future = loop.createFuture<number>();
    expect(future.done()).toBe(false);
    expect(future.cancelled()).toBe(false);
    expect(future.getLoop()).toBe(loop);
    expect(thrown(() => future.result())).toBeInstanceOf(InvalidStateError);
    expect(thrown(() => future.exception())).toBeInstanceOf(InvalidStateError);
    expect(Object.prototype.toString.call(future)).toBe('[object Future]');
  });

  it('setResult: done, result(), exception() is undefined; a second set throws InvalidStateError', () => {
    const future = virtualLoop().createFuture<string>();
    future.setResult('ok');
    expect(future.done()).toBe(true);
    expect(future.cancelled()).toBe(false);
    expect(future.result()).toBe('ok');
    expect(future.exception()).toBeUndefined();
    const again = thrown(() => future.setResult('again'));
    expect(again).toBeInstanceOf(InvalidStateError);
    expect((again as Error).message).toMatch(/finished/);
    expect(thrown(() => future.setException(new Error('late')))).toBeInstanceOf(InvalidStateError);
    expect(future.cancel()).toBe(false);
    expect(future.result()).toBe('ok');
  });

  it('setException: result() throws it, exception() returns it; a second set throws InvalidStateError', () => {
    const future = virtualLoop().createFuture<string>();
    const error = new TypeError('bad');
    future.setException(error);
    expect(future.done()).toBe(true);
    expect(future.exception()).toBe(error);
    expect(thrown(() => future.result())).toBe(error);
    expect(thrown(() => future.setResult('x'))).toBeInstanceOf(InvalidStateError);
    expect(thrown(() => future.setException(new Error('y')))).toBeInstanceOf(InvalidStateError);
  });

  it('cancel(msg): cancelled, result() and exception() throw CancelledError with the message', () => {
    const future = virtualLoop().createFuture<string>();
    expect(future.cancel('why not')).toBe(true);
    expect(future.done()).toBe(true);
    expect(future.cancelled()).toBe(true);
    const fromResult = thrown(() => future.result());
    expect(fromResult).toBeInstanceOf(CancelledError);
    expect((fromResult as Error).message).toBe('why not');
    const fromException = thrown(() => future.exception());
    expect(fromException).toBeInstanceOf(CancelledError);
    expect((fromException as Error).message).toBe('why not');
    expect(future.cancel('twice')).toBe(false);
    expect((thrown(() => future.result()) as Error).message).toBe('why not');
    const setAfter = thrown(() => future.setResult('x'));
    expect(setAfter).toBeInstanceOf(InvalidStateError);
    expect((setAfter as Error).message).toMatch(/cancelled/);
  });

  it('cancel() without a message gives a CancelledError with an empty message', () => {
    const future = virtualLoop().createFuture<void>();
    future.cancel();
    const error = thrown(() => future.result()) as CancelledError;
    expect(error).toBeInstanceOf(CancelledError);
    expect(error.name).toBe('CancelledError');
    expect(error.message).toBe('');
  });

  it('a future made outside a running loop binds to none, then to the loop of its first waiter', () => {
    const loop = virtualLoop();
    const future = new Future<number>();
    expect(future.getLoop()).toBeNull();
    function* main(): Coroutine<number> {
      loop.callSoon(() => future.setResult(5));
      return yield* future;
    }
    expect(loop.runUntilComplete(main())).toBe(5);
    expect(future.getLoop()).toBe(loop);
  });
});

describe('Future done callbacks', () => {
  it('are scheduled through the loop, not called synchronously, in registration order', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    const future = loop.createFuture<number>();
    future.addDoneCallback((done) => trace.push(`cb1 ${done.result()}`));
    future.addDoneCallback((done) => trace.push(`cb2 ${done === future}`));
    future.addDoneCallback(() => trace.push('cb3'));
    loop.callSoon(() => {
      trace.push('before set');
      future.setResult(9);
      trace.push('after set');
    });
    loop.callSoon(() => trace.push('queued before the callbacks'));
    for (let tick = 1; tick <= 2; tick++) {
      trace.push(`tick ${tick}`);
      loop.runOnce();
    }
    expect(trace).toEqual([
      'tick 1', 'before set', 'after set', 'queued before the callbacks',
      'tick 2', 'cb1 9', 'cb2 true', 'cb3',
    ]);
  });

  it('added to a done future, a callback is scheduled for the next tick, not called at once', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    const future = loop.createFuture<string>();
    future.setResult('x');
    future.addDoneCallback((done) => trace.push(`late ${done.result()}`));
    expect(trace).toEqual([]);
    loop.runOnce();
    expect(trace).toEqual(['late x']);
  });

  it('run on cancellation and on exception too', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    const cancelled = loop.createFuture<void>();
    const failed = loop.createFuture<void>();
    cancelled.addDoneCallback((done) => trace.push(`cancelled ${done.cancelled()}`));
    failed.addDoneCallback((done) => trace.push(`failed ${(done.exception() as Error).message}`));
    failed.setException(new Error('e'));
    cancelled.cancel();
    loop.runOnce();
    expect(trace).toEqual(['failed e', 'cancelled true']);
  });

  it('removeDoneCallback removes every registration and returns the count; the rest keep their order', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    const future = loop.createFuture<void>();
    const repeated = (): void => {
      trace.push('repeated');
    };
    const other = (): void => {
      trace.push('other');
    };
    const last = (): void => {
      trace.push('last');
    };
    future.addDoneCallback(repeated);
    future.addDoneCallback(other);
    future.addDoneCallback(repeated);
    future.addDoneCallback(last);
    future.addDoneCallback(repeated);
    expect(future.removeDoneCallback(repeated)).toBe(3);
    expect(future.removeDoneCallback(repeated)).toBe(0);
    future.addDoneCallback(repeated);
    future.setResult();
    loop.runOnce();
    expect(trace).toEqual(['other', 'last', 'repeated']);
  });

  it('removeDoneCallback of the only callback leaves nothing to run', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    const future = loop.createFuture<void>();
    const only = (): void => {
      trace.push('only');
    };
    future.addDoneCallback(only);
    expect(future.removeDoneCallback(only)).toBe(1);
    expect(future.removeDoneCallback(() => {})).toBe(0);
    future.setResult();
    loop.runOnce();
    expect(trace).toEqual([]);
  });
});

describe('yield* future', () => {
  it('suspends on a pending future and evaluates to its result', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    const future = loop.createFuture<string>();
    loop.callLater(10, () => future.setResult('value'));
    function* main(): Coroutine<string> {
      trace.push(`wait ${loop.time()}`);
      const value = yield* future;
      trace.push(`got ${value} ${loop.time()}`);
      return value;
    }
    expect(loop.runUntilComplete(main())).toBe('value');
    expect(trace).toEqual(['wait 0', 'got value 10']);
  });

  it('throws the future\'s exception at the yield*, where it can be caught', () => {
    const loop = virtualLoop();
    const future = loop.createFuture<string>();
    const error = new RangeError('nope');
    loop.callLater(3, () => future.setException(error));
    function* main(): Coroutine<unknown> {
      try {
        yield* future;
        return 'no error';
      } catch (caught) {
        return [caught, loop.time()];
      }
    }
    expect(loop.runUntilComplete(main())).toEqual([error, 3]);
  });

  it('throws CancelledError with the message when the future is cancelled', () => {
    const loop = virtualLoop();
    const future = loop.createFuture<string>();
    loop.callLater(4, () => future.cancel('stopped'));
    function* main(): Coroutine<string> {
      try {
        yield* future;
        return 'no error';
      } catch (caught) {
        return `${(caught as Error).name}:${(caught as Error).message}:${loop.time()}`;
      }
    }
    expect(loop.runUntilComplete(main())).toBe('CancelledError:stopped:4');
  });

  it('does not suspend on a future already done: no other task runs in between', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    const done = loop.createFuture<number>();
    done.setResult(1);
    const pending = loop.createFuture<number>();
    function* other(): Coroutine<void> {
      trace.push('other runs');
      pending.setResult(2);
    }
    function* main(): Coroutine<number> {
      loop.createTask(other());
      trace.push('main before');
      const first = yield* done;
      trace.push(`main got done future: ${first}`);
      const second = yield* pending;
      trace.push(`main got pending future: ${second}`);
      return first + second;
    }
    expect(loop.runUntilComplete(main())).toBe(3);
    expect(trace).toEqual(['main before', 'main got done future: 1', 'other runs', 'main got pending future: 2']);
  });

  it('a done future\'s exception is thrown at once, without suspending', () => {
    const loop = virtualLoop();
    const trace: string[] = [];
    const failed = loop.createFuture<number>();
    failed.setException(new Error('already failed'));
    function* other(): Coroutine<void> {
      trace.push('other runs');
    }
    function* main(): Coroutine<void> {
      loop.createTask(other());
      try {
        yield* failed;
      } catch (error) {
        trace.push(`caught ${(error as Error).message}`);
      }
      yield;
      trace.push('main end');
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual(['caught already failed', 'other runs', 'main end']);
  });
});

describe('Future.__iter__ driven by hand', () => {
  it('yields the future itself while pending, then returns the result', () => {
    const future = virtualLoop().createFuture<string>();
    const iterator = future[Symbol.iterator]();
    const first = iterator.next();
    expect(first.done).toBe(false);
    expect(first.value).toBe(future);
    future.setResult('r');
    expect(iterator.next('ignored')).toEqual({ value: 'r', done: true });
    expect(iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('yield* future twice inside a generator driven by hand: the second, done, does not yield', () => {
    const future = virtualLoop().createFuture<number>();
    function* fixture(): Generator<unknown, void, unknown> {
      yield 'A';
      const first = yield* future;
      yield ['B', first];
      const second = yield* future;
      yield ['C', second];
    }
    const generator = fixture();
    expect(generator.next().value).toBe('A');
    expect(generator.next().value).toBe(future);
    future.setResult(42);
    expect(generator.next().value).toEqual(['B', 42]);
    expect(generator.next().value).toEqual(['C', 42]);
    expect(generator.next().done).toBe(true);
  });

  it('returns at once when the future is already done', () => {
    const future = virtualLoop().createFuture<number>();
    future.setResult(3);
    expect(future[Symbol.iterator]().next()).toEqual({ value: 3, done: true });
  });

  it('resumed while the future is still pending throws RuntimeError (asyncio: "await wasn\'t used with future")', () => {
    const future = virtualLoop().createFuture<number>();
    const iterator = future[Symbol.iterator]();
    iterator.next();
    const error = thrown(() => iterator.next());
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/await wasn't used with future/);
  });

  it('throw() at the suspension point rethrows the error; the future is not affected', () => {
    const future = virtualLoop().createFuture<number>();
    const iterator = future[Symbol.iterator]();
    iterator.next();
    const error = new Error('thrown in');
    expect(thrown(() => iterator.throw(error))).toBe(error);
    expect(future.done()).toBe(false);
  });

  it('after completion with an exception, the iterator throws it', () => {
    const future = virtualLoop().createFuture<number>();
    const iterator = future[Symbol.iterator]();
    iterator.next();
    const error = new Error('failed');
    future.setException(error);
    expect(thrown(() => iterator.next())).toBe(error);
  });
});

describe('Future from async code', () => {
  it('then() / await resolve with the result and reject with the exception or CancelledError', async () => {
    const trace: string[] = [];
    async function waitFor(future: Future<string>, label: string): Promise<void> {
      try {
        trace.push(`${label} ok ${await future}`);
      } catch (error) {
        trace.push(`${label} ${(error as Error).name} ${(error as Error).message}`);
      }
    }
    function* main(): Coroutine<string[]> {
      const resolved = new Future<string>();
      const failed = new Future<string>();
      const cancelled = new Future<string>();
      const waiters = Promise.all([waitFor(resolved, 'resolved'), waitFor(failed, 'failed'), waitFor(cancelled, 'cancelled')]);
      yield* sleep(1);
      resolved.setResult('yes');
      failed.setException(new Error('no'));
      cancelled.cancel('stop');
      yield waiters;
      return trace;
    }
    expect(await run(main(), { clock: 'virtual' })).toEqual([
      'resolved ok yes',
      'failed Error no',
      'cancelled CancelledError stop',
    ]);
  });

  it('await of a future completed in the last tick of runUntilComplete settles without running the loop again', async () => {
    const loop = virtualLoop();
    function* child(fail: boolean): Coroutine<string> {
      yield* sleep(3);
      if (fail) throw new Error('child failed');
      return 'child value';
    }
    const good = loop.createTask(child(false));
    const bad = loop.createTask(child(true));
    const goodOutcome = good.then((value) => `resolved ${value}`);
    const badOutcome = bad.then(undefined, (error: unknown) => `rejected ${(error as Error).message}`);
    // Both finish in the same tick, the last one run: nothing runs the loop afterwards.
    expect(loop.runUntilComplete(good)).toBe('child value');
    expect(bad.done()).toBe(true);
    loop.close();
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('never settled'), 200));
    expect(await Promise.race([goodOutcome, timeout])).toBe('resolved child value');
    expect(await Promise.race([badOutcome, timeout])).toBe('rejected child failed');
  });

  it('then() on an already-done future settles too, and chains like a Promise', async () => {
    const loop = virtualLoop();
    const future = loop.createFuture<number>();
    future.setResult(20);
    await expect(future.then((value) => value + 1)).resolves.toBe(21);
    const failed = loop.createFuture<number>();
    failed.setException(new Error('x'));
    await expect(failed.then(undefined, (error: unknown) => `handled ${(error as Error).message}`)).resolves.toBe('handled x');
    const cancelled = loop.createFuture<number>();
    cancelled.cancel('m');
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
  });
});
