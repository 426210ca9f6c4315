/**
 * `npm run bench:frames`: ns per step of the tsyncio loop driving hand-written frames (what the transformer
 * is to emit) against the same coroutines as native generators, with native async/await as a
 * reference line. Prints a markdown table.
 *
 * Method: every scenario runs WARM_UP_RUNS unmeasured times, then MEASURED_RUNS times per
 * implementation with the implementations interleaved (frames, native, async, frames, ...), so that
 * drift of the machine hits them alike; the table shows the median (and the fastest run). Every run's
 * result is checked against the expected value. All ratios come from one process run. A small hand
 * loop is enough here: each measured run is one long operation (≥ 10⁵ steps), so timer resolution
 * and harness overhead do not matter.
 *
 * `node dist/bench/runtime.js --quick` runs a tenth of the sizes (a smoke test of the bench itself).
 */
import { EventLoop } from '../runtime/loop.js';
import { Queue } from '../runtime/queue.js';
import type { Coroutine } from '../runtime/coroutine.js';
import type { Task } from '../runtime/task.js';
import { Mailbox, frameBench, nativeBench, type BenchCoroutines } from './frames.js';

const quick = process.argv.includes('--quick');
const scale = quick ? 0.1 : 1;
const WARM_UP_RUNS = 2;
const MEASURED_RUNS = 5;

const S1_YIELDS = Math.round(10_000_000 * scale);
const ASYNC_S1_AWAITS = Math.round(2_000_000 * scale);
const CHAIN_DEPTH = 10;
const CHAIN_LEAF_YIELDS = Math.round(2_000_000 * scale);
const CALL_STEPS = Math.round(5_000_000 * scale);
const S3_TASKS = Math.round(10_000 * scale);
const S3_YIELDS = 100;
const S4_ITEMS = Math.round(1_000_000 * scale);
const SLEEP_TASKS = Math.round(1_000 * scale);
const SLEEPS_PER_TASK = 100;
const MAX_RANDOM_SLEEP_MS = 1_000;

/** One way of running a scenario: returns the result to check; `steps` is what ns are divided by. */
interface Implementation {
  name: 'frames' | 'native' | 'async/await';
  steps: number;
  run(): unknown | Promise<unknown>;
}

interface Scenario {
  name: string;
  unit: string;
  expected: unknown;
  implementations: Implementation[];
  note?: string;
}

// ---------------------------------------------------------------------------------------------------
// Scenarios on the tsyncio loop (virtual clock), for one set of coroutines.

function runAlone(coro: Coroutine<unknown>): unknown {
  const loop = new EventLoop({ clock: 'virtual' });
  const result = loop.runUntilComplete(coro);
  loop.close();
  return result;
}

/** Runs the tasks to completion and returns the sum of their results. */
function runAll(loop: EventLoop, tasks: Task<unknown>[]): number {
  let sum = 0;
  for (const task of tasks) sum += loop.runUntilComplete(task) as number;
  loop.close();
  return sum;
}

function manyTasks(impl: BenchCoroutines): number {
  const loop = new EventLoop({ clock: 'virtual' });
  const tasks: Task<unknown>[] = [];
  for (let i = 0; i < S3_TASKS; i++) tasks.push(loop.createTask(impl.spin(S3_YIELDS)));
  return runAll(loop, tasks);
}

function queuePingPong(impl: BenchCoroutines): number {
  const loop = new EventLoop({ clock: 'virtual' });
  const queue = new Queue<number>(1);
  loop.createTask(impl.queueProducer(queue, S4_ITEMS));
  const consumer = loop.createTask(impl.queueConsumer(queue, S4_ITEMS));
  return runAll(loop, [consumer]);
}

function pingPong(impl: BenchCoroutines): number {
  const loop = new EventLoop({ clock: 'virtual' });
  const box = new Mailbox();
  loop.createTask(impl.producer(box, S4_ITEMS));
  const consumer = loop.createTask(impl.consumer(box, S4_ITEMS));
  return runAll(loop, [consumer]);
}

/** A deterministic pseudo-random sequence (an LCG), so every run sleeps the same delays. */
function randomDelays(count: number, seed: number): number[] {
  const delays: number[] = [];
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    delays.push(state % MAX_RANDOM_SLEEP_MS);
  }
  return delays;
}

const zeroDelays: number[][] = Array.from({ length: SLEEP_TASKS }, () => new Array<number>(SLEEPS_PER_TASK).fill(0));
const randomDelaysPerTask: number[][] = Array.from({ length: SLEEP_TASKS }, (_, i) => randomDelays(SLEEPS_PER_TASK, i + 1));

/** Every task sleeps its delays in turn; the result checks the count and the virtual end time. */
function sleepStorm(impl: BenchCoroutines, delays: number[][]): string {
  const loop = new EventLoop({ clock: 'virtual' });
  const tasks = delays.map((perTask) => loop.createTask(impl.sleepFor(perTask)));
  const count = runAll(loop, tasks);
  return `${count} sleeps, ended at ${loop.time()} ms`;
}

// ---------------------------------------------------------------------------------------------------
// The async/await reference.

async function asyncSpin(count: number): Promise<number> {
  for (let i = 0; i < count; i++) await undefined;
  return count;
}

async function asyncManyTasks(): Promise<number> {
  const tasks: Promise<number>[] = [];
  for (let i = 0; i < S3_TASKS; i++) tasks.push(asyncSpin(S3_YIELDS));
  let sum = 0;
  for (const result of await Promise.all(tasks)) sum += result;
  return sum;
}

/** The same one-slot mailbox with Promises. */
async function asyncPingPong(): Promise<number> {
  let item = 0;
  let full = false;
  let wakeProducer: (() => void) | null = null;
  let wakeConsumer: (() => void) | null = null;
  const producer = async (): Promise<void> => {
    for (let i = 0; i < S4_ITEMS; i++) {
      while (full) await new Promise<void>((resolve) => (wakeProducer = resolve));
      item = i;
      full = true;
      const wake = wakeConsumer;
      wakeConsumer = null;
      wake?.();
    }
  };
  const consumer = async (): Promise<number> => {
    let sum = 0;
    for (let i = 0; i < S4_ITEMS; i++) {
      while (!full) await new Promise<void>((resolve) => (wakeConsumer = resolve));
      sum += item;
      full = false;
      const wake = wakeProducer;
      wakeProducer = null;
      wake?.();
    }
    return sum;
  };
  const [, sum] = await Promise.all([producer(), consumer()]);
  return sum;
}

// ---------------------------------------------------------------------------------------------------

function loopImplementations(steps: number, run: (impl: BenchCoroutines) => unknown): Implementation[] {
  return [
    { name: 'frames', steps, run: () => run(frameBench) },
    { name: 'native', steps, run: () => run(nativeBench) },
  ];
}

const sumBelow = (n: number): number => (n * (n - 1)) / 2;

const scenarios: Scenario[] = [
  {
    name: `S1: one coroutine, ${S1_YIELDS.toExponential(0)} bare yields`,
    unit: 'yield',
    expected: S1_YIELDS,
    implementations: [
      ...loopImplementations(S1_YIELDS, (impl) => runAlone(impl.spin(S1_YIELDS))),
      { name: 'async/await', steps: ASYNC_S1_AWAITS, run: async () => ((await asyncSpin(ASYNC_S1_AWAITS)) * S1_YIELDS) / ASYNC_S1_AWAITS },
    ],
    note: `async/await: ${ASYNC_S1_AWAITS.toExponential(0)} awaits of undefined (fewer: slower per step)`,
  },
  {
    name: `yield* chain of depth ${CHAIN_DEPTH}, ${CHAIN_LEAF_YIELDS.toExponential(0)} leaf yields`,
    unit: 'leaf yield',
    expected: CHAIN_DEPTH,
    implementations: loopImplementations(CHAIN_LEAF_YIELDS, (impl) => runAlone(impl.chain(CHAIN_DEPTH, CHAIN_LEAF_YIELDS))),
  },
  {
    name: `a non-suspending yield* call + a yield, ${CALL_STEPS.toExponential(0)} times`,
    unit: 'call + yield',
    expected: CALL_STEPS,
    implementations: loopImplementations(CALL_STEPS, (impl) => runAlone(impl.callEachStep(CALL_STEPS))),
  },
  {
    name: `S3: ${S3_TASKS.toExponential(0)} tasks × ${S3_YIELDS} yields`,
    unit: 'yield',
    expected: S3_TASKS * S3_YIELDS,
    implementations: [
      ...loopImplementations(S3_TASKS * S3_YIELDS, manyTasks),
      { name: 'async/await', steps: S3_TASKS * S3_YIELDS, run: asyncManyTasks },
    ],
  },
  {
    name: `S4: ping-pong through a one-slot mailbox, ${S4_ITEMS.toExponential(0)} items`,
    unit: 'item',
    expected: sumBelow(S4_ITEMS),
    implementations: [...loopImplementations(S4_ITEMS, pingPong), { name: 'async/await', steps: S4_ITEMS, run: asyncPingPong }],
    note: 'a minimal one-slot mailbox of Waiters (bench/frames.ts), so that only frames and the loop are measured; one Waiter per wait',
  },
  {
    name: `S4 with runtime Queue(1), ${S4_ITEMS.toExponential(0)} items`,
    unit: 'item',
    expected: sumBelow(S4_ITEMS),
    implementations: loopImplementations(S4_ITEMS, queuePingPong),
    note: 'Queue.put/get are frames in the built runtime (npm run build compiles it) and native generators when this bench runs on runtime/ as written',
  },
  {
    name: `sleep(0) storm: ${SLEEP_TASKS.toExponential(0)} tasks × ${SLEEPS_PER_TASK}`,
    unit: 'sleep',
    expected: `${SLEEP_TASKS * SLEEPS_PER_TASK} sleeps, ended at 0 ms`,
    implementations: loopImplementations(SLEEP_TASKS * SLEEPS_PER_TASK, (impl) => sleepStorm(impl, zeroDelays)),
  },
  {
    name: `sleep(random 0–${MAX_RANDOM_SLEEP_MS} ms) storm: ${SLEEP_TASKS.toExponential(0)} tasks × ${SLEEPS_PER_TASK}`,
    unit: 'sleep',
    expected: `${SLEEP_TASKS * SLEEPS_PER_TASK} sleeps, ended at ${Math.max(...randomDelaysPerTask.map((delays) => delays.reduce((a, b) => a + b, 0)))} ms`,
    implementations: loopImplementations(SLEEP_TASKS * SLEEPS_PER_TASK, (impl) => sleepStorm(impl, randomDelaysPerTask)),
    note: 'virtual clock: the heap of timers, not the wall clock, is measured',
  },
];

// ---------------------------------------------------------------------------------------------------

interface Timing {
  medianNs: number;
  fastestNs: number;
}

async function timeOnce(implementation: Implementation, expected: unknown, scenario: string): Promise<number> {
  const start = process.hrtime.bigint();
  const result = await implementation.run();
  const elapsed = Number(process.hrtime.bigint() - start);
  if (result !== expected) {
    throw new Error(`${scenario} / ${implementation.name}: got ${String(result)}, expected ${String(expected)}`);
  }
  return elapsed / implementation.steps;
}

async function measure(scenario: Scenario): Promise<Map<string, Timing>> {
  const samples = new Map<string, number[]>(scenario.implementations.map((implementation) => [implementation.name, []]));
  for (let run = 0; run < WARM_UP_RUNS + MEASURED_RUNS; run++) {
    for (const implementation of scenario.implementations) {
      const nsPerStep = await timeOnce(implementation, scenario.expected, scenario.name);
      if (run >= WARM_UP_RUNS) samples.get(implementation.name)?.push(nsPerStep);
    }
  }
  const timings = new Map<string, Timing>();
  for (const [name, values] of samples) {
    const sorted = [...values].sort((a, b) => a - b);
    timings.set(name, { medianNs: sorted[Math.floor(sorted.length / 2)] as number, fastestNs: sorted[0] as number });
  }
  return timings;
}

function cell(timing: Timing | undefined): string {
  if (timing === undefined) return '—';
  return `${timing.medianNs.toFixed(1)} (${timing.fastestNs.toFixed(1)})`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: string[] = [];
  const notes: string[] = [];
  for (const scenario of scenarios) {
    const timings = await measure(scenario);
    const frames = timings.get('frames');
    const native = timings.get('native');
    const ratio = frames !== undefined && native !== undefined ? `${(native.medianNs / frames.medianNs).toFixed(1)}×` : '—';
    rows.push(`| ${scenario.name} | ${scenario.unit} | ${cell(frames)} | ${cell(native)} | ${cell(timings.get('async/await'))} | ${ratio} |`);
    if (scenario.note !== undefined) notes.push(`- ${scenario.name.split(':')[0]}: ${scenario.note}`);
    process.stderr.write(`done: ${scenario.name}\n`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`## tsyncio runtime bench${quick ? ' (--quick: sizes ÷ 10)' : ''}`);
  console.log();
  console.log(`Node ${process.version}, ${process.arch}; ns per unit, median of ${MEASURED_RUNS} runs (fastest in parentheses) after ${WARM_UP_RUNS} warm-up runs, implementations interleaved; ${seconds} s in all.`);
  console.log();
  console.log('| scenario | unit | frames (hand-compiled) | native generators | async/await | native ÷ frames |');
  console.log('|---|---|--:|--:|--:|--:|');
  for (const row of rows) console.log(row);
  console.log();
  for (const note of notes) console.log(note);
}

await main();
