/**
 * Runs in the 'compiled' project only: the runtime's own coroutines are compiled there, as the build
 * compiles them for dist/runtime (scripts/runtime-compile.mjs, scripts/build-runtime.mjs), so every
 * suite of this project runs on compiled Queue.get, Lock.acquire, waitFor, taskGroup...
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  Barrier,
  Condition,
  Event,
  EventLoop,
  Future,
  isFrame,
  Lock,
  Queue,
  Semaphore,
  sleep,
  taskGroup,
  timeout,
  wait,
  waitFor,
} from '../../runtime/index.js';
import { isCompiledRuntimeFile, nativeRuntimeFiles, runtimeDir, supportSpecifierFor } from '../../scripts/runtime-compile.mjs';
import { transformCode } from '../../transformer/transform-code.js';

describe("the runtime's own coroutines", () => {
  it('are frames', () => {
    const queue = new Queue<number>(1);
    const made = {
      'Queue.put': queue.put(1),
      'Queue.get': queue.get(),
      'Queue.join': queue.join(),
      'Lock.acquire': new Lock().acquire(),
      'Event.wait': new Event().wait(),
      'Condition.acquire': new Condition().acquire(),
      'Semaphore.acquire': new Semaphore(1).acquire(),
      'Barrier.wait': new Barrier(1).wait(),
      waitFor: waitFor(sleep(1), 10),
      timeout: timeout(10, function* () {
        return 1;
      }),
      taskGroup: taskGroup(function* () {
        return 1;
      }),
      wait: wait([new Future<number>()]),
    };
    const notFrames = Object.entries(made).filter(([, coroutine]) => !isFrame(coroutine)).map(([name]) => name);
    expect(notFrames).toEqual([]);
  });

  it('run as frames: a compiled consumer and producer through Queue(1)', () => {
    function* producer(queue: Queue<number>) {
      for (let i = 0; i < 100; i++) yield* queue.put(i);
    }
    function* consumer(queue: Queue<number>) {
      let sum = 0;
      for (let i = 0; i < 100; i++) sum += yield* queue.get();
      return sum;
    }
    function* main() {
      const queue = new Queue<number>(1);
      return yield* taskGroup(function* (group) {
        group.createTask(producer(queue));
        return yield* group.createTask(consumer(queue));
      });
    }
    expect(new EventLoop({ clock: 'virtual' }).runUntilComplete(main())).toBe(4950);
  });

  it('keeps the frame core native (an import cycle otherwise) and compiles every other generator function', () => {
    const native = nativeRuntimeFiles(ts);
    expect([...native].map((file) => relative(runtimeDir, file)).sort()).toEqual(expect.arrayContaining(['compiled-support.ts', 'frame.ts', 'future.ts', 'sleep.ts']));
    const files = (readdirSync(runtimeDir, { recursive: true }) as string[]).map((name) => join(runtimeDir, name)).filter((file) => isCompiledRuntimeFile(file, native));
    expect(files.length).toBeGreaterThan(20);
    let compiled = 0;
    for (const file of files) {
      const out = transformCode(readFileSync(file, 'utf8'), { fileName: file, generators: 'all', runtimeModule: supportSpecifierFor(file) });
      expect(out.diagnostics.map((d) => `${relative(runtimeDir, file)}:${d.line}: ${d.message}`)).toEqual([]);
      compiled += out.compiled.length;
    }
    expect(compiled).toBeGreaterThan(40);
    expect(isFrame(new Future<number>()[Symbol.iterator]())).toBe(false);
  });
});
