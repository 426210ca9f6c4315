/** The suite's results: their shape (results.json), the targets of issue 5, and RESULTS.md. */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { ImplementationId } from './implementations.js';
import type { ScenarioId } from './spec.js';
import type { TransformBenchResult } from './transform.js';

export interface CellResult {
  implementation: ImplementationId;
  label: string;
  params: object;
  steps: number;
  /** How far this cell's sizes were scaled down from the scenario's (its main count ÷ divisor). */
  divisor: number;
  /** CPU time of the child process per step (median of the measured runs). */
  nsPerStep: number;
  /** Wall time per step (median), for comparison. */
  wallNsPerStep: number;
  nsPerStepMin: number;
  nsPerStepMax: number;
  runMs: number;
  /** This cell's ns per step ÷ compiled tsyncio's (> 1: slower than compiled). */
  ratioToCompiled: number | null;
  /** Marginal: the fixed cost of a run taken out (main.ts, marginalBytesPerStep). */
  bytesPerStep: number;
  /** All bytes of the full run ÷ its steps. */
  bytesPerStepAverage: number;
  gcEvents: number;
  gcMs: number;
  result: unknown;
}

export interface ScenarioResult {
  id: ScenarioId;
  title: string;
  unit: string;
  cells: CellResult[];
}

export interface Target {
  name: string;
  measured: string;
  wanted: string;
  pass: boolean | null;
}

export interface BenchResults {
  mode: 'full' | 'quick' | 'smoke';
  machine: { cpu: string; cores: number; node: string; platform: string; date: string };
  method: { warmUpRuns: number; measuredRuns: number; sizeDivisor: number };
  variants: Record<string, string>;
  implementations: { id: ImplementationId; label: string; divisors: object }[];
  scenarios: ScenarioResult[];
  transform: TransformBenchResult | null;
  targets: Target[];
  seconds: number;
}

export function describeMachine(): BenchResults['machine'] {
  let cpu = 'unknown';
  try {
    const lscpu = execFileSync('lscpu', { encoding: 'utf8' });
    cpu = /^Model name:\s*(.+)$/m.exec(lscpu)?.[1]?.trim() ?? cpu;
  } catch {
    // No lscpu: the CPU stays unknown.
  }
  return { cpu, cores: availableParallelism(), node: process.version, platform: `${process.platform} ${process.arch}`, date: new Date().toISOString().slice(0, 10) };
}

/**
 * Bytes per step under which a cell counts as allocation-free: the measurement's noise floor (the plain
 * JavaScript rows, which allocate nothing per step, read between about −0.25 and +0.25), far below
 * the smallest object a step could allocate (16 bytes).
 */
export const ZERO_BYTES_THRESHOLD = 0.5;

function cellOf(results: BenchResults, scenario: ScenarioId, implementation: ImplementationId): CellResult | undefined {
  return results.scenarios.find((s) => s.id === scenario)?.cells.find((c) => c.implementation === implementation);
}

export function evaluateTargets(results: BenchResults): Target[] {
  const targets: Target[] = [];
  const ratio = (scenario: ScenarioId, implementation: ImplementationId): number | undefined => {
    const compiled = cellOf(results, scenario, 'compiled');
    const other = cellOf(results, scenario, implementation);
    return compiled === undefined || other === undefined ? undefined : other.nsPerStep / compiled.nsPerStep;
  };
  const atLeast = (name: string, value: number | undefined, wanted: number): void => {
    targets.push({ name, measured: value === undefined ? '—' : `${value.toFixed(2)}×`, wanted: `≥ ${wanted}×`, pass: value === undefined ? null : value >= wanted });
  };
  atLeast('S1 compiled vs uncompiled', ratio('S1', 'uncompiled'), 2.5);
  atLeast('S2 depth 10 compiled vs uncompiled', ratio('S2-10', 'uncompiled'), 9);
  atLeast('S2 depth 100 compiled vs uncompiled', ratio('S2-100', 'uncompiled'), 9);
  const deep = cellOf(results, 'S2-100', 'compiled');
  const shallow = cellOf(results, 'S2-10', 'compiled');
  const depthRatio = deep !== undefined && shallow !== undefined ? deep.nsPerStep / shallow.nsPerStep : undefined;
  targets.push({
    name: 'S2 compiled: depth 100 vs depth 10',
    // Three decimals: a ratio that rounds to 1.20 can still be over the bound.
    measured: depthRatio === undefined ? '—' : `${depthRatio.toFixed(3)}×`,
    wanted: '≤ 1.2×',
    pass: depthRatio === undefined ? null : depthRatio <= 1.2,
  });
  atLeast('S3 compiled vs uncompiled', ratio('S3', 'uncompiled'), 2);
  atLeast('S5 compiled vs uncompiled', ratio('S5', 'uncompiled'), 9);
  for (const scenario of results.scenarios) atLeast(`${scenario.id} compiled vs async/await`, ratio(scenario.id, 'async'), scenario.id === 'S4' ? 5 : 2.5);
  for (const scenario of ['S1', 'S2-10', 'S2-100', 'S4', 'S5'] as const) {
    const cell = cellOf(results, scenario, 'compiled');
    targets.push({
      name: `${scenario} compiled: bytes per step after warm-up`,
      measured: cell === undefined ? '—' : `${formatBytes(cell.bytesPerStep)} B (${cell.gcEvents} GCs)`,
      wanted: `~0 (< ${ZERO_BYTES_THRESHOLD})`,
      pass: cell === undefined ? null : cell.bytesPerStep < ZERO_BYTES_THRESHOLD,
    });
  }
  const s5 = cellOf(results, 'S5', 'compiled');
  const s5Plain = cellOf(results, 'S5', 'plain');
  const s5Floor = s5 !== undefined && s5Plain !== undefined ? s5.nsPerStep / s5Plain.nsPerStep : undefined;
  targets.push({
    name: 'S5 compiled vs a plain function call',
    measured: s5Floor === undefined ? '—' : `${s5Floor.toFixed(2)}× slower`,
    wanted: '≤ 6×',
    pass: s5Floor === undefined ? null : s5Floor <= 6,
  });
  const transform = results.transform;
  targets.push({
    name: 'tspc: the plugin adds to emit time',
    measured: transform === null ? '—' : `${(transform.emitOverhead * 100).toFixed(0)}%`,
    wanted: '≤ 10%',
    pass: transform === null ? null : transform.emitOverhead <= 0.1,
  });
  return targets;
}

function formatNs(ns: number): string {
  if (ns >= 1000) return `${(ns / 1000).toFixed(2)} µs`;
  return ns >= 100 ? ns.toFixed(0) : ns.toFixed(1);
}

function formatBytes(bytes: number): string {
  if (Math.abs(bytes) < ZERO_BYTES_THRESHOLD) return '~0';
  return bytes >= 100 ? bytes.toFixed(0) : bytes.toFixed(2);
}

const ORDER: ImplementationId[] = ['compiled', 'uncompiled', 'es5', 'regenerator', 'async', 'effection', 'co', 'plain'];
const SHORT: Record<ImplementationId, string> = {
  compiled: 'tsyncio compiled',
  uncompiled: 'uncompiled',
  es5: 'tsc ES5',
  regenerator: 'regenerator',
  async: 'async/await',
  effection: 'effection',
  co: 'co',
  plain: 'plain JS',
  'compiled-debug': 'compiled, debug on',
};

const NOTES = [
  'async/await ([`impl-async.ts`](suite/impl-async.ts)): a yield is `await undefined`; a sub-coroutine is an async function; gather is `Promise.all`; the one-slot queue is two Promise wake-ups; S6 sleeps are Promises on a virtual clock of the same kind (a timer heap, Promise reactions settled between deadlines) and the cancellation rejects the pending sleep.',
  'effection ([`impl-effection.ts`](suite/impl-effection.ts)): effection has no bare yield; its cheapest suspension, an `action` that resolves at once, stands for one; sub-coroutines are operations called with `yield*`; tasks are `spawn`ed and joined with `all`; the queue is made of `withResolvers`; S6 sleeps are `action`s on the virtual clock and the cancellation is `halt`.',
  'co ([`impl-co.ts`](suite/impl-co.ts)): a yield is `yield` of a resolved Promise; a sub-coroutine is called co\'s way, `yield sub()` (a nested co); gather is a yielded array; S6 as async/await.',
  'plain JavaScript ([`impl-plain.ts`](suite/impl-plain.ts)), the floor: hand-written state machines on a minimal ready ring (no protocol, no errors, no cancellation semantics); S2 resumes only the leaf; S5 is a plain function call in a loop; S6 is callbacks on the virtual clock.',
];

export function renderMarkdown(results: BenchResults): string {
  const { machine, method } = results;
  const lines: string[] = [];
  const columns = ORDER.filter((id) => results.implementations.some((implementation) => implementation.id === id));
  lines.push(`# tsyncio benchmark suite${results.mode === 'full' ? '' : ` (--${results.mode}: not for comparison)`}`);
  lines.push('');
  lines.push(
    `${machine.cpu}, ${machine.cores} cores, Node ${machine.node} (${machine.platform}), ${machine.date}. ` +
      `\`npm run bench\` (bench/suite/); ${results.seconds} s for this run. Each scenario × implementation ran in a process of its own: ` +
      `200 runs at a thousandth of the size (V8 gives a function its feedback only after a while; a coroutine whose first calls each run a long loop can otherwise stay in slower code for good), ` +
      `${method.warmUpRuns} warm-up run(s), then the median of ${method.measuredRuns} (S6, every line at full size: ${Math.min(method.warmUpRuns, 1)} and ${Math.min(method.measuredRuns, 5)}), the implementations interleaved run by run; every run's result was checked. ` +
      'Times are the CPU time of the cell\'s process during a run (`process.cpuUsage`, user + system) per step: this machine is shared with other work, and wall time also counts waiting for a core (results.json has the wall-clock medians too).',
  );
  lines.push('');
  lines.push('## ns per step (× compiled tsyncio)');
  lines.push('');
  lines.push(`| scenario | unit | ${columns.map((id) => SHORT[id]).join(' | ')} |`);
  lines.push(`|---|---|${columns.map(() => '--:').join('|')}|`);
  for (const scenario of results.scenarios) {
    const cells = columns.map((id) => {
      const cell = scenario.cells.find((c) => c.implementation === id);
      if (cell === undefined) return '—';
      const ratio = id === 'compiled' || cell.ratioToCompiled === null ? '' : ` (${cell.ratioToCompiled.toFixed(cell.ratioToCompiled < 10 ? 2 : 1)}×)`;
      return `${formatNs(cell.nsPerStep)}${cell.divisor > 1 ? '†' : ''}${ratio}`;
    });
    lines.push(`| ${scenario.title} | ${scenario.unit} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  lines.push(`† ran at a reduced size (its main count ÷ a divisor, listed under "What ran"), normalised per step.`);
  const debugCell = cellOf(results, 'S1', 'compiled-debug');
  const s1 = cellOf(results, 'S1', 'compiled');
  if (debugCell !== undefined && s1 !== undefined) {
    lines.push('');
    lines.push(
      `**Debug mode** (S1, compiled): loop debug off (the default, the column above) ${formatNs(s1.nsPerStep)} ns/yield, ` +
        `${formatBytes(s1.bytesPerStep)} B/yield; \`new EventLoop({ debug: true })\` ${formatNs(debugCell.nsPerStep)} ns/yield ` +
        `(${(debugCell.nsPerStep / s1.nsPerStep).toFixed(2)}×), ${formatBytes(debugCell.bytesPerStep)} B/yield.`,
    );
  }
  lines.push('');
  lines.push('## bytes allocated per step (GC events per run)');
  lines.push('');
  lines.push(`| scenario | ${columns.map((id) => SHORT[id]).join(' | ')} |`);
  lines.push(`|---|${columns.map(() => '--:').join('|')}|`);
  for (const scenario of results.scenarios) {
    const cells = columns.map((id) => {
      const cell = scenario.cells.find((c) => c.implementation === id);
      return cell === undefined ? '—' : `${formatBytes(cell.bytesPerStep)} (${cell.gcEvents})`;
    });
    lines.push(`| ${scenario.id} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  lines.push(
    'Bytes per step: after the timed runs (so after warm-up), each cell runs, in a process of its own that compiles on its main thread (`--no-concurrent-recompilation`: an optimization finishing mid-run allocates a megabyte now and then) and after the same warm-up, once more at its size and once at a tenth of it, each under v8.GCProfiler, after a full `gc()` (`--expose-gc`) and an unmeasured run (the `gc()` drops optimized code); ' +
      'a run\'s bytes are heap used at the end − at the start + what every GC during the run freed (so garbage and what the run left alive both count); ' +
      'bytes per step = (full − tenth) ÷ (the difference in steps), which takes out the fixed cost of a run (a loop, its arrays) and leaves what each step costs. ' +
      `GC events are the full run's. ~0: below ${ZERO_BYTES_THRESHOLD} B, the noise floor of this measurement (results.json has the figures). The timed runs are separate: the profiler slows runs that collect often.`,
  );
  lines.push('');
  lines.push('## Targets (issue 5)');
  lines.push('');
  lines.push('| target | measured | wanted | |');
  lines.push('|---|--:|--:|---|');
  for (const target of results.targets) lines.push(`| ${target.name} | ${target.measured} | ${target.wanted} | ${target.pass === null ? '—' : target.pass ? 'pass' : '**miss**'} |`);
  if (results.transform !== null) {
    const t = results.transform;
    lines.push('');
    lines.push('## Transform');
    lines.push('');
    lines.push(
      `A generated project of ${t.files} files, ${t.lines.toLocaleString('en-US')} lines, ${t.coroutines} coroutines (loops, try/catch/finally, \`yield*\` calls) beside plain functions and classes; ` +
        `ts-patch 3.3.0 \`tspc --extendedDiagnostics\`, median of ${t.runs} interleaved run(s) each after a warm-up:`,
    );
    lines.push('');
    lines.push('| build | emit time | total time (tsc) | wall time (process) |');
    lines.push('|---|--:|--:|--:|');
    lines.push(`| tspc, no plugin | ${t.plain.emitSeconds.toFixed(2)} s | ${t.plain.totalSeconds.toFixed(2)} s | ${t.plain.wallSeconds.toFixed(2)} s |`);
    lines.push(`| tspc + tsyncio plugin | ${t.plugin.emitSeconds.toFixed(2)} s | ${t.plugin.totalSeconds.toFixed(2)} s | ${t.plugin.wallSeconds.toFixed(2)} s |`);
    lines.push(`| plugin overhead | ${(t.emitOverhead * 100).toFixed(0)}% | | ${(t.wallOverhead * 100).toFixed(0)}% |`);
    lines.push('');
    lines.push(`\`transformCode\` (the tsyncio transform + \`ts.transpileModule\`, one file at a time) over the same files: ${Math.round(t.transformCodeLinesPerSecond).toLocaleString('en-US')} lines/s.`);
  }
  lines.push('');
  lines.push('## What ran');
  lines.push('');
  for (const implementation of results.implementations) {
    const scaledDown = Object.entries(implementation.divisors).map(([scenario, divisor]) => `${scenario} ÷ ${String(divisor)}`);
    lines.push(`- **${implementation.label}**${scaledDown.length > 0 ? ` — sizes scaled down (normalised per step): ${scaledDown.join(', ')}` : ''}`);
  }
  lines.push('');
  for (const [variant, description] of Object.entries(results.variants)) lines.push(variant === 'runtime' ? `- the runtime: ${description}` : `- \`workload.${variant}.js\`: ${description}`);
  lines.push('');
  lines.push('The four tsyncio lines run one source, [`bench/suite/workload.ts`](suite/workload.ts), on the tsyncio loop (virtual clock); the ES5 and regenerator generator objects are accepted by the loop as they are (they have `next` and `throw`) and driven through the same adapter as native generators. The others are written to do the same logical work:');
  for (const note of NOTES) lines.push(`- ${note}`);
  lines.push('');
  return `${lines.join('\n')}\n`;
}
