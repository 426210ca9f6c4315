/**
 * What a failure deep in a `yield*` chain looks like, compiled and uncompiled: the README's
 * "Debugging" section is this program's output both ways. A task `crawler` runs fetchAll -> fetchOne
 * -> parse, `main` awaits it, and a watcher prints the crawler's stack and call graph while it waits;
 * then parse throws and main prints the error's stack. With TSYNCIO_DEBUG=1 the one slow step is
 * reported as well.
 *
 *   npm run build && node --enable-source-maps dist/examples/debug-trace.js                  (native generators)
 *   node scripts/build-examples.mjs && node --enable-source-maps dist/examples-compiled/examples/debug-trace.js
 */
import { createTask, formatCallGraph, run, sleep, type Coroutine, type Task } from '../runtime/index.js';

/** @coroutine */
function* parse(body: string): Coroutine<number> {
  yield* sleep(5);
  if (body.includes('bad')) throw new Error(`cannot parse ${body}`);
  return body.length;
}

/** @coroutine */
function* fetchOne(url: string): Coroutine<number> {
  yield* sleep(10);
  return yield* parse(`<html>${url}</html>`);
}

/** @coroutine */
function* fetchAll(urls: string[]): Coroutine<number[]> {
  const sizes: number[] = [];
  for (const url of urls) sizes.push(yield* fetchOne(url));
  return sizes;
}

/** @coroutine */
function* watch(task: Task<number[]>): Coroutine<void> {
  yield* sleep(12);
  task.printStack({ file: process.stdout });
  console.log(formatCallGraph(task));
  // Debug mode reports a step this slow (slowStepMs, 100 ms by default).
  if (process.env.TSYNCIO_DEBUG) for (const end = performance.now() + 120; performance.now() < end; );
}

/** @coroutine */
function* main(): Coroutine<void> {
  const crawler = createTask(fetchAll(['/a', '/bad']), { name: 'crawler' });
  createTask(watch(crawler), { name: 'watcher' });
  try {
    yield* crawler;
  } catch (error) {
    console.log((error as Error).stack);
  }
}

await run(main());
