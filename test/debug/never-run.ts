/**
 * Coroutines for the never-run tests of debug-mode.test.ts, imported only after TSYNCIO_DEBUG is set:
 * in the compiled project their frame classes are then linked in debug mode (native, they are plain
 * generator functions that nothing watches).
 */
import type { Coroutine } from '../../runtime/coroutine.js';

export function* forgottenFrame(): Coroutine<number> {
  yield;
  return 1;
}

export function* awaitedFrame(): Coroutine<number> {
  yield;
  return 2;
}
