import { describe, expectTypeOf, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { gather, gatherWith, type GatheringFuture } from '../../runtime/gather.js';
import type { Future } from '../../runtime/future.js';
import type { Task } from '../../runtime/task.js';
import { shield } from '../../runtime/shield.js';
import { waitFor } from '../../runtime/wait-for.js';
import { timeout } from '../../runtime/timeout.js';
import { taskGroup } from '../../runtime/task-group.js';

declare const numberTasks: Task<number>[];
declare const stringCoro: Coroutine<string>;
declare const promise: Promise<boolean>;

// Type-level only: these functions are never called.
function* typeChecks(): Coroutine<void> {
  expectTypeOf(gather(...numberTasks)).toEqualTypeOf<GatheringFuture<number[]>>();
  expectTypeOf(gather(stringCoro, promise)).toEqualTypeOf<GatheringFuture<[string, boolean]>>();
  expectTypeOf(gatherWith({ returnExceptions: false }, stringCoro)).toEqualTypeOf<GatheringFuture<[string]>>();
  expectTypeOf(gatherWith({}, stringCoro)).toEqualTypeOf<GatheringFuture<[string]>>();
  expectTypeOf(shield(promise)).toEqualTypeOf<Future<boolean>>();
  const [a, b] = yield* gather(stringCoro, promise);
  expectTypeOf(a).toEqualTypeOf<string>();
  expectTypeOf(b).toEqualTypeOf<boolean>();
  expectTypeOf(yield* waitFor(promise, 10)).toEqualTypeOf<boolean>();
  expectTypeOf(yield* timeout(10, function* () { return 1 as const; })).toEqualTypeOf<1>();
  expectTypeOf(yield* taskGroup(function* (tg) { return tg.createTask(stringCoro); })).toEqualTypeOf<Task<string>>();
}

describe('types', () => {
  it('compile (checked by tsc)', () => {
    expectTypeOf(typeChecks).toBeFunction();
  });
});
