/**
 * Runs in the 'compiled' project only (vitest.config.ts): proves the suites there really run
 * compiled coroutines, not native generators that a misconfigured plugin left alone (and
 * test/smoke.test.ts checks its own coroutines are frames exactly in this project).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EventLoop, isFrame, sleep } from '../../runtime/index.js';

function* probe(n: number) {
  const slept = yield* sleep(1, n);
  return slept * 2;
}

function* failing() {
  yield* sleep(1);
  throw new Error('from the frame'); // THROW_LINE
}

describe('the compiled project', () => {
  it('compiles the generator functions of its test files into frames', () => {
    const frame = probe(21);
    expect(isFrame(frame)).toBe(true);
    expect(new EventLoop({ clock: 'virtual' }).runUntilComplete(frame)).toBe(42);
  });

  it("maps a frame's stack trace back to the .ts line (the plugin's source map chains through vite)", () => {
    const frame = failing();
    expect(isFrame(frame)).toBe(true);
    let stack = '';
    try {
      new EventLoop({ clock: 'virtual' }).runUntilComplete(frame);
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    const source = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
    const throwLine = source.findIndex((line) => line.includes('// THROW_LINE')) + 1;
    expect(stack.split('\n')[1]).toMatch(new RegExp(`compiled\\.test\\.ts:${throwLine}:\\d+`));
  });
});
