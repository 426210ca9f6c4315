/**
 * What `sleep(ms, value)` returns: a request the task carries out with the timer node embedded in it,
 * so a sleep allocates nothing but this small object. `yield* sleep(ms)` is the only intended use;
 * as with asyncio.sleep(), nothing happens until it is waited for.
 */
export class SleepRequest<T = undefined> {
  constructor(
    readonly ms: number,
    readonly value: T,
  ) {}

  *[Symbol.iterator](): Generator<SleepRequest<T>, T, unknown> {
    yield this;
    return this.value;
  }
}

/** Suspends the calling coroutine for `ms` milliseconds (0 or less: one turn), then evaluates to `value`. */
export function sleep(ms: number): SleepRequest<undefined>;
export function sleep<T>(ms: number, value: T): SleepRequest<T>;
export function sleep<T>(ms: number, value?: T): SleepRequest<T | undefined> {
  if (typeof ms !== 'number' || Number.isNaN(ms)) throw new TypeError(`sleep: delay must be a number, got ${String(ms)}`);
  return new SleepRequest(ms, value);
}
