import { describe, expect, it } from 'vitest';
import { Deque } from '../../runtime/deque.js';
import { Lock } from '../../runtime/lock.js';
import { Semaphore } from '../../runtime/semaphore.js';
import { sleep } from '../../runtime/sleep.js';

describe('Deque', () => {
  it('keeps order through growth, wrap-around and removal from the middle', () => {
    const deque = new Deque<number>();
    const model: number[] = [];
    let next = 0;
    let seed = 7;
    const random = (): number => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    for (let step = 0; step < 5000; step++) {
      const choice = random();
      if (choice < 0.45) {
        deque.push(next);
        model.push(next++);
      } else if (choice < 0.7) {
        expect(deque.shift()).toBe(model.shift());
      } else if (choice < 0.8) {
        expect(deque.pop()).toBe(model.pop());
      } else if (model.length > 0) {
        const victim = model[Math.floor(random() * model.length)] as number;
        expect(deque.remove(victim)).toBe(true);
        model.splice(model.indexOf(victim), 1);
        expect(deque.remove(victim)).toBe(false);
      }
      expect(deque.length).toBe(model.length);
      expect(deque.at(0)).toBe(model[0]);
    }
    expect([...deque]).toEqual(model);
    expect(deque.at(-1)).toBeUndefined();
    expect(deque.at(deque.length)).toBeUndefined();
  });

  it('is empty-safe', () => {
    const deque = new Deque<string>();
    expect([deque.shift(), deque.pop(), deque.at(0), deque.remove('x'), deque.length]).toEqual([undefined, undefined, undefined, false, 0]);
  });
});

describe('withLock when the coroutine is closed with return()', () => {
  it('releases a Lock and a Semaphore', () => {
    const lock = new Lock();
    const sem = new Semaphore(1);
    for (const primitive of [lock, sem]) {
      const coroutine = primitive.withLock(function* () {
        yield* sleep(1);
        return 'unreachable';
      });
      // Free, so acquiring needs no loop; the body then suspends on its sleep.
      expect(coroutine.next().done).toBe(false);
      expect(primitive.locked()).toBe(true);
      expect(coroutine.return('closed')).toEqual({ value: 'closed', done: true });
      expect(primitive.locked()).toBe(false);
    }
  });
});
