import type { Coroutine } from './coroutine.js';
import { Deque } from './deque.js';
import { ValueError } from './errors.js';
import { Event } from './event.js';
import { LoopBound, WaiterQueue } from './waiters.js';

/** `getNowait()` on an empty queue (asyncio.QueueEmpty). */
export class QueueEmpty extends Error {
  override name = 'QueueEmpty';
}

/** `putNowait()` on a full queue (asyncio.QueueFull). */
export class QueueFull extends Error {
  override name = 'QueueFull';
}

/** Putting on a queue that was shut down, or getting from one that is shut down and empty (asyncio.QueueShutDown). */
export class QueueShutDown extends Error {
  override name = 'QueueShutDown';
}

/**
 * asyncio.Queue: a FIFO queue for producer and consumer coroutines.
 *
 *     const item = yield* queue.get();      // waits while empty
 *     yield* queue.put(item);               // waits while full (maxsize > 0)
 *
 * Blocked getters and putters are served in arrival order. A getter woken by a `put` that is
 * cancelled before it runs passes the wake-up to the next getter (and likewise for putters), so an
 * item never waits while a getter waits. `taskDone()`/`join()` count items put and not yet
 * processed; `shutdown()` ends the queue (Python 3.13 semantics).
 *
 * Subclasses change the order by overriding `qsize`, `putItem` and `takeItem` (asyncio's
 * `_put`/`_get`), as PriorityQueue and LifoQueue do.
 */
export class Queue<T> extends LoopBound {
  private readonly maxItems: number;
  private readonly fifo = new Deque<T>();
  private readonly getters = new WaiterQueue<void>();
  private readonly putters = new WaiterQueue<void>();
  private unfinishedTasks = 0;
  private readonly finished = new Event();
  private isShutDown = false;

  /** At most `maxsize` items; 0 or less (the default) means unbounded. */
  constructor(maxsize = 0) {
    super();
    this.maxItems = maxsize;
    this.finished.set();
  }

  /** The number of items allowed in the queue (0 or less: unbounded). */
  get maxsize(): number {
    return this.maxItems;
  }

  /** The number of items in the queue. */
  qsize(): number {
    return this.fifo.length;
  }

  empty(): boolean {
    return this.qsize() === 0;
  }

  /** True if there are `maxsize` items (never for an unbounded queue). */
  full(): boolean {
    return this.maxItems > 0 && this.qsize() >= this.maxItems;
  }

  /** Puts `item`, waiting while the queue is full. QueueShutDown once the queue is shut down. */
  *put(item: T): Coroutine<void> {
    while (this.full()) {
      if (this.isShutDown) throw new QueueShutDown();
      const putter = this.createWaiter<void>();
      this.putters.push(putter);
      let woken = false;
      try {
        yield* putter;
        woken = true;
      } finally {
        if (!woken) {
          putter.cancel();
          // Already gone if a get (or shutdown) popped it to wake it.
          this.putters.remove(putter);
          // Woken for a free slot we will not take: the next putter must have it.
          if (!this.full() && !putter.cancelled()) this.putters.shiftAndWakeNext(undefined);
        }
      }
    }
    this.putNowait(item);
  }

  /** Puts `item` at once; QueueFull if there is no free slot, QueueShutDown if shut down. */
  putNowait(item: T): void {
    if (this.isShutDown) throw new QueueShutDown();
    if (this.full()) throw new QueueFull();
    this.putItem(item);
    this.unfinishedTasks++;
    this.finished.clear();
    this.getters.shiftAndWakeNext(undefined);
  }

  /**
   * Removes and returns an item, waiting while the queue is empty. QueueShutDown if the queue is
   * shut down and empty (at once after `shutdown(true)`).
   */
  *get(): Coroutine<T> {
    while (this.empty()) {
      if (this.isShutDown) throw new QueueShutDown();
      const getter = this.createWaiter<void>();
      this.getters.push(getter);
      let woken = false;
      try {
        yield* getter;
        woken = true;
      } finally {
        if (!woken) {
          getter.cancel();
          this.getters.remove(getter);
          // Woken for an item we will not take: the next getter must have it.
          if (!this.empty() && !getter.cancelled()) this.getters.shiftAndWakeNext(undefined);
        }
      }
    }
    return this.getNowait();
  }

  /** Removes and returns an item at once; QueueEmpty if there is none (QueueShutDown if also shut down). */
  getNowait(): T {
    if (this.empty()) {
      if (this.isShutDown) throw new QueueShutDown();
      throw new QueueEmpty();
    }
    const item = this.takeItem();
    this.putters.shiftAndWakeNext(undefined);
    return item;
  }

  /**
   * Tells the queue that an item taken by `get` has been processed; when every item put has been,
   * `join()` returns. ValueError if called more times than items were put.
   */
  taskDone(): void {
    if (this.unfinishedTasks <= 0) throw new ValueError('taskDone() called too many times');
    this.unfinishedTasks--;
    if (this.unfinishedTasks === 0) this.finished.set();
  }

  /** Waits until every item put has been taken and marked done with `taskDone()`. */
  *join(): Coroutine<void> {
    if (this.unfinishedTasks > 0) yield* this.finished.wait();
  }

  /**
   * Shuts the queue down: `put` throws QueueShutDown from now on, and so does `get` once the queue is
   * empty. With `immediate`, the items left are discarded (each counted as done for `join()`) so
   * `get` throws at once. Blocked putters and getters wake up and throw.
   */
  shutdown(immediate = false): void {
    this.isShutDown = true;
    if (immediate) {
      while (!this.empty()) {
        this.takeItem();
        if (this.unfinishedTasks > 0) this.unfinishedTasks--;
      }
      if (this.unfinishedTasks === 0) this.finished.set();
    }
    // They re-check their condition, see the shutdown and throw.
    this.getters.shiftAndWakeAll(undefined);
    this.putters.shiftAndWakeAll(undefined);
  }

  override toString(): string {
    let description = `maxsize=${this.maxItems}`;
    if (this.getters.length > 0) description += ` getters[${this.getters.length}]`;
    if (this.putters.length > 0) description += ` putters[${this.putters.length}]`;
    if (this.unfinishedTasks > 0) description += ` tasks=${this.unfinishedTasks}`;
    if (this.isShutDown) description += ' shutdown';
    return `<${this.constructor.name} ${description}>`;
  }

  /** Stores an item (asyncio's `_put`); the queue has room. */
  protected putItem(item: T): void {
    this.fifo.push(item);
  }

  /** Removes the next item in this queue's order (asyncio's `_get`); the queue is not empty. */
  protected takeItem(): T {
    return this.fifo.shift() as T;
  }
}
