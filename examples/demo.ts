/**
 * A small asyncio-style program: workers sleep, a slow one is cancelled, and a Promise from Node is
 * awaited from inside a coroutine. Runs uncompiled (native generators) until the transformer lands.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { CancelledError, createTask, run, sleep, type Coroutine } from '../runtime/index.js';

function* worker(name: string, ms: number): Coroutine<string> {
  yield* sleep(ms);
  return `${name} slept ${ms} ms`;
}

function* slow(): Coroutine<string> {
  try {
    yield* sleep(10_000);
    return 'slow finished';
  } finally {
    console.log('slow: cleaned up after cancellation');
  }
}

function* main(): Coroutine<void> {
  const started = performance.now();
  const workers = [createTask(worker('a', 30)), createTask(worker('b', 10)), createTask(worker('c', 20))];
  const laggard = createTask(slow(), { name: 'laggard' });
  for (const task of workers) console.log(yield* task);
  const fromNode = (yield delay(5, 'a value from a Node promise')) as string;
  console.log(fromNode);
  laggard.cancel('took too long');
  try {
    yield* laggard;
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
    console.log(`laggard cancelled: ${error.message}`);
  }
  console.log(`done in ${Math.round(performance.now() - started)} ms`);
}

await run(main());
