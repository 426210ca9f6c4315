import { Queue } from './queue.js';

/** asyncio.LifoQueue: a Queue that returns the most recently added item first. */
export class LifoQueue<T> extends Queue<T> {
  private readonly stack: T[] = [];

  override qsize(): number {
    return this.stack.length;
  }

  protected override putItem(item: T): void {
    this.stack.push(item);
  }

  protected override takeItem(): T {
    return this.stack.pop() as T;
  }
}
