/**
 * One implementation × one scenario, in a process of its own (forked by main.ts with --expose-gc).
 * It loads the implementation, prepares the scenario once, and then runs it each time the parent
 * asks, so the parent can interleave the implementations' runs. Per run it reports the wall time, the
 * result (the parent checks it) and what it allocated:
 *
 *   bytes allocated = heap used after − heap used before + Σ over the GCs during the run of (heap used
 *                     before that GC − heap used after it)
 *
 * with the heap figures from v8.GCProfiler (per GC) and v8.getHeapStatistics() (at both ends), after a
 * full `gc()` that starts every run from the same heap. So garbage collected during the run is
 * counted, and so is what the run left alive (its result, its tasks). The profiler itself slows a run
 * that collects often (it records heap statistics at every GC), so allocation is measured in runs of
 * their own, after the timed ones and in a process of their own (main.ts, execArgvFor). The timed
 * runs get no `gc()` before them: a forced full collection made the next run of S6 about 4× slower
 * (measured), which no program sees.
 */
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { pathToFileURL } from 'node:url';
import type { ParamsOf, ScenarioId, Workload } from './spec.js';

export interface RunRequest {
  kind: 'run';
  /** Measure allocation (GCProfiler) in this run; its time is not used (the profiler slows runs with many GCs). */
  profile: boolean;
}

export interface RunReport {
  kind: 'report';
  /** Wall time of the run. */
  ns: number;
  /** CPU time of this process during the run (user + system, process.cpuUsage). */
  cpuNs: number;
  result: unknown;
  /** Only from a profiled run; smallBytes: the small run's. */
  bytes: number | null;
  smallBytes: number | null;
  gcEvents: number | null;
  gcMs: number | null;
}

export interface ChildFailure {
  kind: 'error';
  message: string;
}

const [modulePath, scenario, paramsJson, smallParamsJson, tinyParamsJson] = process.argv.slice(2);
if (modulePath === undefined || scenario === undefined || paramsJson === undefined || smallParamsJson === undefined || tinyParamsJson === undefined || process.send === undefined) {
  throw new Error('usage: child.js <module> <scenario> <params json> <small params json> <tiny params json>, forked with an IPC channel');
}
const TINY_WARM_UP_RUNS = 200;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('child.js needs --expose-gc');
const send = process.send.bind(process);

const { workload } = (await import(pathToFileURL(modulePath).href)) as { workload: Workload };
const prepare = workload[scenario as ScenarioId] as (params: ParamsOf[ScenarioId]) => () => unknown;
const run = prepare(JSON.parse(paramsJson) as ParamsOf[ScenarioId]);
// The same scenario at a tenth of the size: the allocation run measures both, so the parent can take
// the fixed cost of a run (a loop, its arrays) out of the bytes per step.
const smallRun = prepare(JSON.parse(smallParamsJson) as ParamsOf[ScenarioId]);
// Before the warm-up runs the parent asks for: the scenario at a thousandth of the size, many times.
// V8 allocates a function's feedback only once it has run a while, so a coroutine whose first calls
// each run a long loop (S5's caller: one call, 10⁶ iterations) is optimized without feedback for its
// entry, deoptimizes on the next call, and may then run its loop in on-stack-replacement code for
// good (measured on S5: some processes 2.7 ns a call, others 5 ns, at random). Short runs first
// warm every implementation the way a long-running program's many short calls do.
const tinyRun = prepare(JSON.parse(tinyParamsJson) as ParamsOf[ScenarioId]);
for (let warm = 0; warm < TINY_WARM_UP_RUNS; warm++) {
  const result = tinyRun();
  if (isThenable(result)) await result;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

// The harness's own test (test/bench/suite.test.ts) has a child return a wrong result, to see the run fail.
const corrupt = process.env['TSYNCIO_BENCH_CORRUPT'] === '1';

async function measure(profiled: boolean): Promise<RunReport> {
  const report = await measureRun(profiled);
  if (corrupt) report.result = typeof report.result === 'number' ? report.result + 1 : `${String(report.result)}!`;
  return report;
}

async function measureRun(profiled: boolean): Promise<RunReport> {
  if (!profiled) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    let result = run();
    if (isThenable(result)) result = await result;
    const ns = Number(process.hrtime.bigint() - start);
    const cpu = process.cpuUsage(cpuStart);
    return { kind: 'report', ns, cpuNs: (cpu.user + cpu.system) * 1000, result, bytes: null, smallBytes: null, gcEvents: null, gcMs: null };
  }
  const small = await allocated(smallRun);
  const full = await allocated(run);
  return { kind: 'report', ns: full.ns, cpuNs: NaN, result: full.result, bytes: full.bytes, smallBytes: small.bytes, gcEvents: full.gcEvents, gcMs: full.gcMs };
}

async function allocated(run: () => unknown): Promise<{ ns: number; result: unknown; bytes: number; gcEvents: number; gcMs: number }> {
  gc?.();
  // The collection also drops code V8 had optimized against objects of earlier runs (a loop, its
  // tasks); re-optimizing it would allocate during the measured run. One unmeasured run first. (The
  // count below does not need an empty heap: garbage from before that a GC frees during the run is
  // both in the heap used at the start and in what the GCs freed, so it cancels.)
  const warm = run();
  if (isThenable(warm)) await warm;
  const profiler = new GCProfiler();
  const usedBefore = getHeapStatistics().used_heap_size;
  profiler.start();
  const start = process.hrtime.bigint();
  let result = run();
  // Only the asynchronous implementations are awaited, so a synchronous run pays no microtask turn.
  if (isThenable(result)) result = await result;
  const ns = Number(process.hrtime.bigint() - start);
  const usedAfter = getHeapStatistics().used_heap_size;
  const profile = profiler.stop();
  let collected = 0;
  let gcMs = 0;
  for (const event of profile.statistics) {
    collected += event.beforeGC.heapStatistics.usedHeapSize - event.afterGC.heapStatistics.usedHeapSize;
    gcMs += event.cost / 1000;
  }
  return { ns, result, bytes: usedAfter - usedBefore + collected, gcEvents: profile.statistics.length, gcMs };
}

process.on('message', (message: RunRequest) => {
  if (message.kind !== 'run') return;
  measure(message.profile).then(
    (report) => send(report),
    (error: unknown) => send({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies ChildFailure),
  );
});
send({ kind: 'ready' });
