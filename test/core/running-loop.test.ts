import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { RuntimeError } from '../../runtime/errors.js';
import { EventLoop } from '../../runtime/loop.js';
import { run } from '../../runtime/run.js';
import { getRunningLoop, runningLoopOrNull } from '../../runtime/running.js';

describe('the running loop under run()', () => {
  it('is the run loop in Promise continuations between slices, and none after', async () => {
    const seen: string[] = [];
    let mainLoop: EventLoop | null = null;
    async function fromAsyncCode(): Promise<string> {
      await new Promise((resolve) => setTimeout(resolve, 2));
      seen.push(getRunningLoop() === mainLoop ? 'same loop in async code' : 'other loop');
      return 'done';
    }
    function* main(): Coroutine<string> {
      mainLoop = getRunningLoop();
      return (yield fromAsyncCode()) as string;
    }
    await expect(run(main())).resolves.toBe('done');
    expect(seen).toEqual(['same loop in async code']);
    expect(runningLoopOrNull()).toBeNull();
  });

  it('refuses a second loop while run() is going on, as asyncio does', async () => {
    const other = new EventLoop({ clock: 'virtual' });
    function* quick(): Coroutine<number> {
      yield;
      return 1;
    }
    let refusal: unknown = null;
    function* main(): Coroutine<void> {
      yield new Promise<void>((resolve) =>
        setTimeout(() => {
          try {
            other.runUntilComplete(quick());
          } catch (error) {
            refusal = error;
          }
          resolve();
        }, 1),
      );
    }
    await run(main());
    expect(refusal).toBeInstanceOf(RuntimeError);
    expect(other.runUntilComplete(quick())).toBe(1);
  });
});
