import { Condition } from './condition.js';
import type { Coroutine } from './coroutine.js';
import { BrokenBarrierError, ValueError } from './errors.js';

type BarrierState = 'filling' | 'draining' | 'resetting' | 'broken';

/**
 * asyncio.Barrier: `parties` tasks each call `wait()`, and all are released together when the last
 * one arrives; each gets a distinct index from 0 to parties - 1 (the last to arrive gets
 * parties - 1). The barrier is reusable: tasks arriving while the previous round drains wait for the
 * next round. `reset()` and `abort()` make the current waiters throw BrokenBarrierError; after
 * `abort()` every later `wait()` throws too, until `reset()`.
 */
export class Barrier {
  // Every state change is announced to all waiters through one condition.
  private readonly condition = new Condition();
  private readonly partyCount: number;
  private state: BarrierState = 'filling';
  // Tasks inside wait(): filling up, or draining out.
  private count = 0;

  /** ValueError unless `parties >= 1`. */
  constructor(parties: number) {
    if (!(parties >= 1)) throw new ValueError('parties must be >= 1');
    this.partyCount = parties;
  }

  /** How many tasks must call `wait()` to release the barrier. */
  get parties(): number {
    return this.partyCount;
  }

  /** How many tasks are waiting for the barrier to fill (0 while it drains, resets or is broken). */
  get nWaiting(): number {
    return this.state === 'filling' ? this.count : 0;
  }

  /** True once `abort()` was called (until `reset()`). */
  get broken(): boolean {
    return this.state === 'broken';
  }

  /**
   * Waits until `parties` tasks are waiting, then releases them all; evaluates to this task's index
   * (0 … parties - 1). BrokenBarrierError if the barrier is or becomes broken or reset meanwhile.
   */
  *wait(): Coroutine<number> {
    const condition = this.condition;
    yield* condition.acquire();
    try {
      yield* this.blockWhileEmptying();
      const index = this.count++;
      try {
        if (index + 1 === this.partyCount) this.release();
        else yield* this.waitForRelease();
        return index;
      } finally {
        this.count--;
        this.exit();
      }
    } finally {
      condition.release();
    }
  }

  /**
   * Returns the barrier to its empty state: tasks waiting now throw BrokenBarrierError; a broken
   * barrier becomes usable again.
   */
  *reset(): Coroutine<void> {
    yield* this.condition.acquire();
    try {
      // With tasks inside, the last one out finishes the reset (exit()).
      this.state = this.count > 0 ? 'resetting' : 'filling';
      this.condition.notifyAll();
    } finally {
      this.condition.release();
    }
  }

  /** Breaks the barrier: waiting tasks and every later `wait()` throw BrokenBarrierError. */
  *abort(): Coroutine<void> {
    yield* this.condition.acquire();
    try {
      this.state = 'broken';
      this.condition.notifyAll();
    } finally {
      this.condition.release();
    }
  }

  toString(): string {
    const waiting = this.broken ? '' : `, waiters:${this.nWaiting}/${this.partyCount}`;
    return `<Barrier [${this.state}${waiting}]>`;
  }

  // A round that is draining or resetting must be empty before new tasks join.
  private *blockWhileEmptying(): Coroutine<void> {
    yield* this.condition.waitFor(() => this.state !== 'draining' && this.state !== 'resetting');
    if (this.state === 'broken') throw new BrokenBarrierError('Barrier aborted');
  }

  private release(): void {
    this.state = 'draining';
    this.condition.notifyAll();
  }

  private *waitForRelease(): Coroutine<void> {
    yield* this.condition.waitFor(() => this.state !== 'filling');
    if (this.state === 'broken' || this.state === 'resetting') throw new BrokenBarrierError('Abort or reset of barrier');
  }

  // The last task out of a draining or resetting barrier opens it for the next round.
  private exit(): void {
    if (this.count !== 0) return;
    if (this.state === 'resetting' || this.state === 'draining') this.state = 'filling';
    this.condition.notifyAll();
  }
}
