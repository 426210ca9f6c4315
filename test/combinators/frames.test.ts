import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { delegate } from '../../runtime/delegate.js';
import type { Fiber } from '../../runtime/fiber.js';
import { Frame } from '../../runtime/frame.js';
import { gather } from '../../runtime/gather.js';
import { NEXT, SUSPEND, THROW, STATE_DONE, type ResumeMode, type Suspend } from '../../runtime/protocol.js';
import { sleep } from '../../runtime/sleep.js';
import { taskGroup } from '../../runtime/task-group.js';
import { waitFor } from '../../runtime/wait-for.js';
import { describeError, virtualLoop } from './helpers.js';

/**
 * A hand-written frame standing in for a compiled coroutine:
 *   function* sleepy(ms, value, log) { try { yield* sleep(ms); return value; } finally { log('frame finally') } }
 */
class SleepyFrame extends Frame<string> {
  constructor(
    private readonly ms: number,
    private readonly value: string,
    private readonly log: (event: string) => void,
  ) {
    super();
  }

  step(fiber: Fiber, mode: ResumeMode, sent: unknown): string | Suspend {
    if (this.state === 0) {
      if (mode !== NEXT) {
        this.state = STATE_DONE;
        if (mode === THROW) throw sent;
        return sent as string;
      }
      const outcome = delegate(fiber, this, sleep(this.ms));
      if (outcome === SUSPEND) {
        this.state = 1;
        return SUSPEND;
      }
    }
    this.state = STATE_DONE;
    this.log('frame finally');
    if (mode === THROW) throw sent;
    return this.value;
  }
}

describe('combinators accept compiled frames', () => {
  it('gather, waitFor and taskGroup run frames like generators', () => {
    const { loop, trace, log } = virtualLoop();
    function* main(): Coroutine<void> {
      const [a, b] = yield* gather(new SleepyFrame(10, 'a', log), new SleepyFrame(5, 'b', log));
      log(`gathered ${a} ${b}`);
      try {
        yield* waitFor(new SleepyFrame(100, 'late', log), 20);
      } catch (error) {
        log(`waitFor ${describeError(error)}`);
      }
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(new SleepyFrame(1000, 'sibling', log));
          tg.createTask((function* () {
            yield* sleep(5);
            throw new Error('failed');
          })());
        });
      } catch (error) {
        log(`group ${describeError(error)}`);
      }
    }
    loop.runUntilComplete(main());
    expect(trace).toEqual([
      '5 frame finally',
      '10 frame finally',
      '10 gathered a b',
      '30 frame finally',
      '30 waitFor TimeoutError',
      '35 frame finally',
      '35 group ExceptionGroup: unhandled errors in a TaskGroup',
    ]);
  });
});
