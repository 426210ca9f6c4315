import { describe, expect, inject, it } from 'vitest';
import { EventLoop, sleep, run, Future, CancelledError, isFrame, type Coroutine } from '../runtime/index.js';

describe('smoke', () => {
  it('runs native coroutines with sleep on a virtual clock', () => {
    const loop = new EventLoop({ clock: 'virtual' });
    const log: string[] = [];
    function* worker(name: string, ms: number): Coroutine<string> {
      log.push(`${name} start ${loop.time()}`);
      yield* sleep(ms);
      log.push(`${name} end ${loop.time()}`);
      return name;
    }
    function* main(): Coroutine<string[]> {
      const a = loop.createTask(worker('a', 20));
      const b = loop.createTask(worker('b', 10));
      const ra = yield* a;
      const rb = yield* b;
      return [ra, rb];
    }
    expect(loop.runUntilComplete(main())).toEqual(['a', 'b']);
    expect(log).toEqual(['a start 0', 'b start 0', 'b end 10', 'a end 20']);
  });

  it('run() resolves with a real clock and Promise interop', async () => {
    function* main(): Coroutine<number> {
      const v = (yield Promise.resolve(41)) as number;
      yield* sleep(5);
      return v + 1;
    }
    await expect(run(main())).resolves.toBe(42);
  });

  it('cancel throws CancelledError at the suspension point', () => {
    const loop = new EventLoop({ clock: 'virtual' });
    const log: string[] = [];
    function* child(): Coroutine<void> {
      try {
        yield* sleep(100);
      } finally {
        log.push('finally');
      }
    }
    function* main(): Coroutine<string> {
      const t = loop.createTask(child());
      yield* sleep(10);
      t.cancel('stop');
      try {
        yield* t;
      } catch (e) {
        return `${(e as Error).name}:${(e as Error).message}:${loop.time()}`;
      }
      return 'no';
    }
    expect(loop.runUntilComplete(main())).toBe('CancelledError:stop:10');
    expect(log).toEqual(['finally']);
    void Future; void CancelledError;
  });

  it('runs its coroutines as frames exactly in the compiled project', () => {
    function* probe(): Coroutine<number> {
      yield* sleep(1);
      return 1;
    }
    expect(isFrame(probe())).toBe(inject('compiledCoroutines'));
  });
});
