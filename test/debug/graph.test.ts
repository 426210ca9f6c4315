import { describe, expect, inject, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { captureCallGraph, formatCallGraph, printCallGraph, type FutureCallGraph } from '../../runtime/debug/graph.js';
import type { Future } from '../../runtime/future.js';
import { gather } from '../../runtime/gather.js';
import { EventLoop } from '../../runtime/loop.js';
import { currentTask } from '../../runtime/run.js';
import { TaskGroup } from '../../runtime/task-group.js';
import { SOURCE_FILE, frames, positionIn, positionOf } from './coroutines.js';

/** Compiled, the tests' own coroutines are frames with tables: named, and at a line when suspended. */
const compiledCoroutines = inject('compiledCoroutines');

function virtualLoop(): EventLoop {
  const loop = new EventLoop({ clock: 'virtual' });
  loop.setExceptionHandler(() => {});
  return loop;
}

/** The graph with futures named: tasks by name, other futures by kind. */
function shape(graph: FutureCallGraph | null): unknown {
  if (graph === null) return null;
  const future = graph.future as Future<unknown> & { getName?: () => string };
  return {
    future: future.getName?.() ?? future.constructor.name,
    stack: graph.callStack.map((entry) => (entry.line !== undefined ? `${entry.name}:${entry.line}` : entry.name)),
    awaitedBy: graph.awaitedBy.map(shape),
  };
}

const leafLine = positionOf('LEAF_AWAIT', 'yield*')[0];
const middleLine = positionOf('MIDDLE_CALL', 'yield*')[0];
const outerLine = positionOf('OUTER_CALL', 'yield*')[0];

describe('captureCallGraph', () => {
  it('a task awaiting a task awaiting a future: each call stack, innermost first, and who awaits whom', () => {
    const loop = virtualLoop();
    const future = loop.createFuture<string>();
    const inner = loop.createTask(frames.outer(future), { name: 'inner' });
    const outer = loop.createTask(frames.middle(inner as Future<string>), { name: 'outer' });
    loop.runOnce();
    expect(shape(captureCallGraph(future))).toEqual({
      future: 'Future',
      stack: [],
      awaitedBy: [
        {
          future: 'inner',
          stack: [`leaf:${leafLine}`, `middle:${middleLine}`, `outer:${outerLine}`],
          awaitedBy: [{ future: 'outer', stack: [`leaf:${leafLine}`, `middle:${middleLine}`], awaitedBy: [] }],
        },
      ],
    });
    expect(shape(captureCallGraph(inner, { limit: 1 }))).toMatchObject({ stack: [`outer:${outerLine}`] });
    expect(shape(captureCallGraph(inner, { limit: -1 }))).toMatchObject({ stack: [`leaf:${leafLine}`] });

    expect(formatCallGraph(future).split('\n')).toEqual([
      '* Future(id=1, state=pending)',
      '  + Awaited by:',
      "    * Task(name='inner', state=pending)",
      '      + Call stack:',
      `      |   File '${SOURCE_FILE}', line ${leafLine}, column 19, in coroutine leaf()`,
      `      |   File '${SOURCE_FILE}', line ${middleLine}, column 19, in coroutine middle()`,
      `      |   File '${SOURCE_FILE}', line ${outerLine}, column 19, in coroutine outer()`,
      '      + Awaited by:',
      "        * Task(name='outer', state=pending)",
      '          + Call stack:',
      `          |   File '${SOURCE_FILE}', line ${leafLine}, column 19, in coroutine leaf()`,
      `          |   File '${SOURCE_FILE}', line ${middleLine}, column 19, in coroutine middle()`,
    ]);
    loop.close();
  });

  it('gather: each child is awaited by the gathering future, which the gathering task awaits', () => {
    const loop = virtualLoop();
    const a = loop.createFuture<string>();
    const b = loop.createFuture<string>();
    const childA = loop.createTask(frames.leaf(a), { name: 'child-a' });
    const childB = loop.createTask(frames.leaf(b), { name: 'child-b' });
    function* main(): Coroutine<string[]> {
      return yield* gather(childA, childB); // GATHER_CALL
    }
    const mainTask = loop.createTask(main(), { name: 'main' });
    loop.runOnce();
    const mainStack = compiledCoroutines ? [`main:${positionIn(import.meta.url, '// GATHER_CALL', 'yield*')[0]}`] : ['<generator>'];
    const expectedParent = { future: 'GatheringFuture', stack: [], awaitedBy: [{ future: 'main', stack: mainStack, awaitedBy: [] }] };
    expect(shape(captureCallGraph(childA))).toEqual({ future: 'child-a', stack: [`leaf:${leafLine}`], awaitedBy: [expectedParent] });
    expect(shape(captureCallGraph(childB))).toEqual({ future: 'child-b', stack: [`leaf:${leafLine}`], awaitedBy: [expectedParent] });
    a.setResult('a');
    b.setResult('b');
    expect(loop.runUntilComplete(mainTask)).toEqual(['a', 'b']);
    loop.close();
  });

  it('a TaskGroup: its tasks are awaited by the task that entered it', () => {
    const loop = virtualLoop();
    const future = loop.createFuture<string>();
    let seen: unknown = undefined;
    function* main(): Coroutine<void> {
      const group = new TaskGroup().enter();
      const child = group.createTask(frames.leaf(future), { name: 'grouped' });
      yield;
      seen = shape(captureCallGraph(child));
      future.setResult('done');
      yield* group.exit();
    }
    loop.runUntilComplete(loop.createTask(main(), { name: 'main' }));
    // main is running (its label is in a local of step): named, without a line.
    expect(seen).toEqual({ future: 'grouped', stack: [`leaf:${leafLine}`], awaitedBy: [{ future: 'main', stack: [compiledCoroutines ? 'main' : '<generator>'], awaitedBy: [] }] });
    loop.close();
  });

  it('without a future: the current task (null outside one); printCallGraph writes the text', () => {
    const loop = virtualLoop();
    expect(captureCallGraph()).toBeNull();
    let seen: unknown = undefined;
    let printed = '';
    function* main(): Coroutine<void> {
      seen = shape(captureCallGraph());
      printCallGraph(undefined, { file: { write: (text: string) => (printed += text) } });
      yield;
    }
    loop.runUntilComplete(loop.createTask(main(), { name: 'me' }));
    expect(seen).toEqual({ future: 'me', stack: [compiledCoroutines ? 'main' : '<generator>'], awaitedBy: [] });
    const running = compiledCoroutines ? "File 'test/debug/graph.test.ts', in coroutine main()" : 'in generator <generator>()';
    expect(printed).toBe(`* Task(name='me', state=pending)\n  + Call stack:\n  |   ${running}\n`);
    void currentTask;
    loop.close();
  });
});
