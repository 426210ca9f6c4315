/**
 * Two copies of the runtime in one process (two bundles that each carry tsyncio, a linked package
 * beside an installed one): a compiled coroutine of one copy may `yield*` a compiled coroutine of
 * the other. Each copy's fast path must take only its own frames (its own SUSPEND); the other's
 * are driven through their Generator face, which is correct, as for any iterator. (What one copy's
 * coroutines wait on — its sleep requests — the other copy's loop does not know, compiled or not.)
 */
import { describe, expect, it } from 'vitest';
import * as sourceRuntime from '../../runtime/index.js';
import { transformCode } from '../../transformer/transform-code.js';
import { evaluate } from './harness.js';

const SOURCE = `
import { coroutine } from 'tsyncio';
export const log: unknown[] = [];
/** @coroutine */
export function* inner(tag: string) {
  log.push(tag + ' starts');
  const got = yield;
  yield;
  log.push(tag + ' resumed with ' + String(got));
  return tag + ' result';
}
/** @coroutine */
export function* outer(child: Generator<unknown, unknown, unknown>) {
  const r = yield* child;
  log.push('outer got ' + String(r));
  return ['outer', r];
}
`;

interface Module {
  log: unknown[];
  inner(tag: string): Generator<unknown, unknown, unknown>;
  outer(child: Generator<unknown, unknown, unknown>): Generator<unknown, unknown, unknown>;
}

function load(runtime: unknown): Module {
  return evaluate(transformCode(SOURCE, { fileName: 'copies.ts', module: 'CommonJS' }).code, runtime) as unknown as Module;
}

describe('two copies of the runtime', () => {
  it("a compiled coroutine yield* a compiled coroutine of another copy: the other's frame runs through its Generator face", async () => {
    // The built runtime (npm run build) is a second copy beside the source the tests import.
    const builtUrl = new URL('../../dist/runtime/index.js', import.meta.url).href;
    const builtRuntime = (await import(/* @vite-ignore */ builtUrl)) as typeof sourceRuntime;
    expect(builtRuntime.SUSPEND).not.toBe(sourceRuntime.SUSPEND);
    const mine = load(sourceRuntime);
    const theirs = load(builtRuntime);
    const loop = new sourceRuntime.EventLoop({ clock: 'virtual' });
    const result = loop.runUntilComplete(mine.outer(theirs.inner('theirs')));
    expect(result).toEqual(['outer', 'theirs result']);
    expect([...theirs.log, ...mine.log]).toEqual(['theirs starts', 'theirs resumed with undefined', 'outer got theirs result']);
    // And the same with the copies the other way round, on the other copy's loop.
    const other = new builtRuntime.EventLoop({ clock: 'virtual' });
    expect(other.runUntilComplete(theirs.outer(mine.inner('mine')))).toEqual(['outer', 'mine result']);
  });
});
