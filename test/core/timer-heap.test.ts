import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventLoop } from '../../runtime/loop.js';
import type { TimerHandle } from '../../runtime/handle.js';
import { TimerHeap, type TimerNode } from '../../runtime/timer-heap.js';

interface TestNode extends TimerNode {
  id: number;
}

type Operation =
  | { kind: 'push'; when: number }
  | { kind: 'remove'; pick: number }
  | { kind: 'pop' };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('push' as const), when: fc.integer({ min: 0, max: 20 }) }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('pop' as const) }), weight: 2 },
);

/** The model: live nodes in (deadline, insertion) order. */
function modelOrder(model: TestNode[]): number[] {
  return [...model].sort((a, b) => a.when - b.when || a.id - b.id).map((node) => node.id);
}

describe('TimerHeap against a sorted model', () => {
  it('pops in (deadline, insertion) order under random insert, remove and pop', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 200 }), (operations) => {
        const heap = new TimerHeap<TestNode>();
        const created: TestNode[] = [];
        let model: TestNode[] = [];
        for (const op of operations) {
          if (op.kind === 'push') {
            const node: TestNode = { id: created.length, when: op.when, seq: 0, heapIndex: -1 };
            created.push(node);
            heap.push(node);
            model.push(node);
          } else if (op.kind === 'remove') {
            if (created.length === 0) continue;
            // Removing a node that already left the heap must change nothing.
            const node = created[op.pick % created.length] as TestNode;
            heap.remove(node);
            model = model.filter((live) => live !== node);
            expect(node.heapIndex).toBe(-1);
          } else {
            const expected = modelOrder(model)[0];
            if (expected === undefined) {
              expect(heap.size).toBe(0);
              expect(heap.peek()).toBeUndefined();
              continue;
            }
            expect(heap.peek()?.id).toBe(expected);
            const popped = heap.pop();
            expect(popped.id).toBe(expected);
            expect(popped.heapIndex).toBe(-1);
            model = model.filter((live) => live !== popped);
          }
          expect(heap.size).toBe(model.length);
          for (const node of created) expect(node.heapIndex >= 0).toBe(model.includes(node));
        }
        const drained: number[] = [];
        while (heap.size > 0) drained.push(heap.pop().id);
        expect(drained).toEqual(modelOrder(model));
      }),
      { numRuns: 500 },
    );
  });
});

describe('TimerHeap with many nodes', () => {
  it('10⁴ nodes, few distinct deadlines, a third removed: pops in (deadline, insertion) order', () => {
    // Past the key store's first capacity many times over, and deep enough for every level to move.
    const heap = new TimerHeap<TestNode>();
    const created: TestNode[] = [];
    let state = 12345;
    const random = (): number => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    for (let id = 0; id < 10_000; id++) {
      const node: TestNode = { id, when: Math.floor(random() * 50) + (random() < 0.1 ? 0.5 : 0), seq: 0, heapIndex: -1 };
      created.push(node);
      heap.push(node);
    }
    const removed = new Set<TestNode>();
    for (const node of created) {
      if (random() < 1 / 3) {
        heap.remove(node);
        removed.add(node);
        expect(node.heapIndex).toBe(-1);
      }
    }
    const live = created.filter((node) => !removed.has(node));
    expect(heap.size).toBe(live.length);
    for (const node of live) expect(node.heapIndex).toBeGreaterThanOrEqual(0);
    const drained: number[] = [];
    while (heap.size > 0) drained.push(heap.pop().id);
    expect(drained).toEqual(modelOrder(live));
  });
});

describe('loop timers against a sorted model', () => {
  it('callAt/cancel at random fire in (deadline, scheduling) order, at their deadlines', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ when: fc.integer({ min: 0, max: 50 }), cancelled: fc.boolean() }), { maxLength: 60 }),
        (timers) => {
          const loop = new EventLoop({ clock: 'virtual' });
          const fired: string[] = [];
          const handles: TimerHandle[] = timers.map((timer, index) =>
            loop.callAt(timer.when, (id: number) => fired.push(`${loop.time()}:${id}`), index),
          );
          timers.forEach((timer, index) => {
            if (timer.cancelled) (handles[index] as TimerHandle).cancel();
          });
          const end = loop.createFuture<void>();
          loop.callAt(1000, () => end.setResult());
          loop.runUntilComplete(end);
          const expected = timers
            .map((timer, index) => ({ ...timer, index }))
            .filter((timer) => !timer.cancelled)
            .sort((a, b) => a.when - b.when || a.index - b.index)
            .map((timer) => `${timer.when}:${timer.index}`);
          expect(fired).toEqual(expected);
          loop.close();
        },
      ),
      { numRuns: 300 },
    );
  });
});
