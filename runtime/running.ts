import { RuntimeError } from './errors.js';
import type { EventLoop } from './loop.js';

let running: EventLoop | null = null;

/** The loop running in this thread right now, or null. */
export function runningLoopOrNull(): EventLoop | null {
  return running;
}

/** asyncio.get_running_loop(): the running loop; throws RuntimeError outside one. */
export function getRunningLoop(): EventLoop {
  if (running === null) throw new RuntimeError('no running event loop');
  return running;
}

/**
 * @internal Marks `loop` as running: for one `runUntilComplete`, or for the whole of a `run` — its
 * slices and the Promise continuations between them, as all code under asyncio.run sees its loop.
 */
export function enterLoop(loop: EventLoop): void {
  if (running !== null && running !== loop) {
    throw new RuntimeError('Cannot run the event loop while another loop is running');
  }
  running = loop;
}

/** @internal */
export function leaveLoop(loop: EventLoop): void {
  if (running === loop) running = null;
}
