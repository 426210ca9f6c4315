/**
 * A `yield*` chain 100,000 frames deep: it builds and unwinds without overflowing the JavaScript stack,
 * and a resume at the bottom of it costs one step (the fiber resumes its top frame directly).
 */
import { describe, expect, it } from 'vitest';
import { EventLoop } from '../../runtime/loop.js';
import { frames, stepCounts } from './hand-frames.js';

const DEPTH = 100_000;

describe('a 100,000-deep yield* chain of hand-written frames', () => {
  it('runs to completion under a task; each resume of the leaf is one step', () => {
    const loop = new EventLoop({ clock: 'virtual' });
    const task = loop.createTask(frames.chain(DEPTH, 3));
    stepCounts.chain = 0;
    loop.runOnce(); // builds the chain down to the leaf's first yield
    // Building costs one step per frame: when the call budget runs out, the call goes through the
    // fiber (CALLING), which starts the child itself; no frame is stepped twice for it.
    expect(stepCounts.chain).toBe(DEPTH + 1);
    for (let resume = 0; resume < 2; resume++) {
      stepCounts.chain = 0;
      loop.runOnce();
      expect(stepCounts.chain).toBe(1);
      expect(task.done()).toBe(false);
    }
    stepCounts.chain = 0;
    loop.runOnce(); // the leaf returns; every level returns in turn, iteratively
    expect(task.result()).toBe(DEPTH);
    // The leaf's last step, then each frame above it once: every caller is resumed by the fiber,
    // whether it had called its child synchronously or through the fiber.
    expect(stepCounts.chain).toBe(DEPTH + 1);
    loop.close();
  });

  it('runs to completion as a plain Generator', () => {
    const generator = frames.chain(DEPTH, 2);
    expect(generator.next()).toEqual({ value: undefined, done: false });
    stepCounts.chain = 0;
    expect(generator.next()).toEqual({ value: undefined, done: false });
    expect(stepCounts.chain).toBe(1);
    expect(generator.next()).toEqual({ value: DEPTH, done: true });
  });

  it('return() at the bottom of the chain unwinds every level without running their bodies on', () => {
    const generator = frames.chain(DEPTH, 5);
    generator.next();
    expect(generator.return(-7)).toEqual({ value: -7, done: true });
    expect(generator.next()).toEqual({ value: undefined, done: true });
  });

  it('throw() at the bottom reaches the top caller', () => {
    const generator = frames.chain(DEPTH, 5);
    generator.next();
    expect(() => generator.throw(new Error('deep'))).toThrow('deep');
  });
});
