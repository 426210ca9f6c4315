import type { EventLoop } from './loop.js';
import type { TimerNode } from './timer-heap.js';

/** A callback scheduled by `callSoon`; `cancel()` stops it from running. */
export class Handle {
  /** @internal Slot id while queued in the loop's ready ring, else -1. */
  slot = -1;
  private isCancelled = false;

  constructor(
    private readonly callback: (...args: readonly unknown[]) => void,
    private readonly args: readonly unknown[],
    /** @internal */ readonly loop: EventLoop,
  ) {}

  cancel(): void {
    if (this.isCancelled) return;
    this.isCancelled = true;
    this.loop.cancelHandle(this);
  }

  cancelled(): boolean {
    return this.isCancelled;
  }

  /** @internal Runs the callback; its error goes to the loop's exception handler. */
  fire(): void {
    if (this.isCancelled) return;
    try {
      this.callback(...this.args);
    } catch (error) {
      this.loop.callExceptionHandler({ message: `Exception in callback ${this.callback.name || '<anonymous>'}`, exception: error });
    }
  }
}

/** A callback scheduled by `callLater`/`callAt`, kept in the loop's timer heap until due. */
export class TimerHandle extends Handle implements TimerNode {
  /** @internal */ when = 0;
  /** @internal */ seq = 0;
  /** @internal */ heapIndex = -1;

  /** The deadline on the loop's clock (ms). */
  whenTime(): number {
    return this.when;
  }
}
