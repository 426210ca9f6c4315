/**
 * `npm run bench`'s suite (issue 5): every scenario of spec.ts × every implementation of
 * implementations.ts, each cell in a process of its own (child.ts), warm-up runs and then the median
 * of the measured runs, the cells of a scenario interleaved run by run so that drift of the machine
 * hits them alike. Every run's result is checked against the expected one: a wrong result fails the
 * bench (exit 1). Then the transform benchmark (transform.ts). Writes bench/RESULTS.md,
 * bench/results.json and bench/chart.svg and prints the table.
 *
 *   node dist/bench/suite/main.js            the full run (writes the three files)
 *   ... --quick                              sizes ÷ 10, 1 warm-up + 3 runs; prints, writes nothing
 *   ... --smoke [--json]                     tiny sizes, one run each: checks results, not speed
 *   ... --out DIR                            write the files to DIR instead (any mode)
 *   ... --only compiled,uncompiled --scenarios S1,S4 --no-transform   a subset
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ChildFailure, RunReport, RunRequest } from './child.js';
import { renderChart } from './chart.js';
import { IMPLEMENTATIONS, type Implementation } from './implementations.js';
import { describeMachine, evaluateTargets, renderMarkdown, type BenchResults, type CellResult, type ScenarioResult } from './report.js';
import { FULL_PARAMS, SCENARIO_IDS, SCENARIO_TITLES, SCENARIO_UNITS, expectedResult, scaled, stepsOf, type ParamsOf, type ScenarioId } from './spec.js';
import { runTransformBench } from './transform.js';
import { REPO, buildVariants } from './variants.js';

const HERE = dirname(fileURLToPath(import.meta.url));

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
    scenarios: { type: 'string' },
    'no-transform': { type: 'boolean', default: false },
    /** Test only: this implementation's children return wrong results. */
    corrupt: { type: 'string' },
  },
});

type Mode = 'full' | 'quick' | 'smoke';
const mode: Mode = args.smoke ? 'smoke' : args.quick ? 'quick' : 'full';
const SETTINGS: Record<Mode, { warmUp: number; runs: number; divisor: number }> = {
  full: { warmUp: 2, runs: 7, divisor: 1 },
  quick: { warmUp: 1, runs: 3, divisor: 10 },
  smoke: { warmUp: 0, runs: 1, divisor: 1000 },
};
const settings = SETTINGS[mode];
const outDir = args.out ?? (mode === 'full' ? join(REPO, 'bench') : undefined);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * The built runtime and suite, copied for this run: other work in the same tree (a test that rebuilds
 * dist/, an `npm pack`) can rewrite dist/ while the bench runs, and a child that imports a half-written
 * file fails (it happened). The children load the copy; node_modules is linked.
 */
function snapshotBuild(): string {
  const root = mkdtempSync(join(tmpdir(), 'tsyncio-bench-'));
  cpSync(join(REPO, 'dist', 'runtime'), join(root, 'runtime'), { recursive: true });
  cpSync(HERE, join(root, 'bench', 'suite'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  writeFileSync(join(root, 'package.json'), `${JSON.stringify({ type: 'module', private: true })}\n`);
  return root;
}

/** Where the snapshot's copy of a built suite file is. */
let suiteDir = HERE;
const inSnapshot = (file: string): string => join(suiteDir, relative(HERE, file));

interface Cell {
  implementation: Implementation;
  params: ParamsOf[ScenarioId];
  expected: unknown;
  steps: number;
  divisor: number;
  child: ChildProcess;
  samples: RunReport[];
  allocation: RunReport | null;
}

/**
 * S6 runs every line at full size (implementations.ts), 2 s a run for most, so it gets the issue's
 * minimum of 5 measured runs and one warm-up run (10⁵ tasks warm the JIT well within one).
 */
function runsFor(id: ScenarioId): number {
  return id === 'S6' ? Math.min(settings.runs, 5) : settings.runs;
}

function warmUpFor(id: ScenarioId): number {
  return id === 'S6' ? Math.min(settings.warmUp, 1) : settings.warmUp;
}

function paramsFor(id: ScenarioId, implementation: Implementation): { params: ParamsOf[ScenarioId]; divisor: number } {
  const divisor = (implementation.divisors[id] ?? 1) * settings.divisor;
  const params = scaled(id, FULL_PARAMS[id], divisor) as ParamsOf[ScenarioId];
  return { params: implementation.debug === true ? { ...params, debug: true } : params, divisor };
}

/**
 * The V8 flags of a cell's process. The allocation runs get a process of their own that compiles on
 * its main thread: a concurrent optimization that finishes during a measured run allocates a megabyte
 * or two now and then (measured on S5: 0–2 MB a run with it, under 0.1 MB without), which would read
 * as bytes per step. What the optimized steps allocate is the same either way.
 */
function execArgvFor(purpose: 'time' | 'allocation'): string[] {
  return purpose === 'time' ? ['--expose-gc'] : ['--expose-gc', '--no-concurrent-recompilation'];
}

function startChild(implementation: Implementation, id: ScenarioId, params: ParamsOf[ScenarioId], purpose: 'time' | 'allocation' = 'time'): Promise<ChildProcess> {
  const module = inSnapshot(implementation.module);
  const env = { ...process.env };
  // Debug mode is what the debug row turns on, never the environment.
  delete env['TSYNCIO_DEBUG'];
  if (args.corrupt === implementation.id) env['TSYNCIO_BENCH_CORRUPT'] = '1';
  const small = scaled(id, params, 10);
  const tiny = scaled(id, params, 1000);
  const child = fork(join(suiteDir, 'child.js'), [module, id, JSON.stringify(params), JSON.stringify(small), JSON.stringify(tiny)], { execArgv: execArgvFor(purpose), env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${module} ${id}: the child exited with ${String(code)} before it was ready`)));
  });
}

function runOnce(cell: Cell, id: ScenarioId, profile: boolean): Promise<RunReport> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`${id} / ${cell.implementation.id}: the child exited with ${String(code)}`));
    cell.child.once('exit', onExit);
    cell.child.once('message', (message: RunReport | ChildFailure) => {
      cell.child.off('exit', onExit);
      if (message.kind === 'error') reject(new Error(`${id} / ${cell.implementation.id} threw:\n${message.message}`));
      else resolve(message);
    });
    cell.child.send({ kind: 'run', profile } satisfies RunRequest);
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/**
 * Bytes per step without the fixed cost of a run: (bytes of the full run − bytes of a run a tenth the
 * size) ÷ (the difference in steps).
 */
function marginalBytesPerStep(id: ScenarioId, cell: Cell): number {
  const full = cell.allocation?.bytes;
  const small = cell.allocation?.smallBytes;
  if (full === undefined || full === null || small === undefined || small === null) return NaN;
  const steps = cell.steps - stepsOf(id, scaled(id, cell.params, 10));
  return steps > 0 ? (full - small) / steps : full / cell.steps;
}

async function measureScenario(id: ScenarioId, implementations: readonly Implementation[]): Promise<ScenarioResult> {
  const cells: Cell[] = [];
  try {
    for (const implementation of implementations) {
      if (implementation.scenarios !== undefined && !implementation.scenarios.includes(id)) continue;
      const { params, divisor } = paramsFor(id, implementation);
      const child = await startChild(implementation, id, params);
      cells.push({ implementation, params, expected: expectedResult(id, params), steps: stepsOf(id, params), divisor, child, samples: [], allocation: null });
    }
    const checked = (cell: Cell, round: number, report: RunReport): RunReport => {
      if (report.result !== cell.expected) {
        throw new Error(`${id} / ${cell.implementation.id}: run ${round + 1} returned ${JSON.stringify(report.result)}, expected ${JSON.stringify(cell.expected)}`);
      }
      return report;
    };
    // The timed rounds, the implementations interleaved.
    const rounds = warmUpFor(id) + runsFor(id);
    for (let round = 0; round < rounds; round++) {
      for (const cell of cells) {
        const report = checked(cell, round, await runOnce(cell, id, false));
        if (round >= warmUpFor(id)) cell.samples.push(report);
      }
    }
    // Then per cell, in a process of its own (execArgvFor), the same warm-up and one allocation run.
    for (const cell of cells) {
      cell.child.kill();
      cell.child = await startChild(cell.implementation, id, cell.params, 'allocation');
      for (let round = 0; round < warmUpFor(id); round++) checked(cell, round, await runOnce(cell, id, false));
      cell.allocation = checked(cell, warmUpFor(id), await runOnce(cell, id, true));
    }
  } finally {
    for (const cell of cells) cell.child.kill();
  }
  const compiled = cells.find((cell) => cell.implementation.id === 'compiled');
  const compiledNs = compiled === undefined ? undefined : median(compiled.samples.map((s) => s.cpuNs / compiled.steps));
  const results: CellResult[] = cells.map((cell) => {
    // CPU time, not wall time: on a machine shared with other work, wall time also counts the time the
    // process waited for a core (measured here: up to 3× on some runs).
    const ns = cell.samples.map((s) => s.cpuNs / cell.steps);
    const nsPerStep = median(ns);
    return {
      implementation: cell.implementation.id,
      label: cell.implementation.label,
      params: cell.params,
      steps: cell.steps,
      divisor: cell.divisor,
      nsPerStep,
      nsPerStepMin: Math.min(...ns),
      nsPerStepMax: Math.max(...ns),
      runMs: median(cell.samples.map((s) => s.ns / 1e6)),
      wallNsPerStep: median(cell.samples.map((s) => s.ns / cell.steps)),
      ratioToCompiled: compiledNs === undefined ? null : nsPerStep / compiledNs,
      bytesPerStep: marginalBytesPerStep(id, cell),
      bytesPerStepAverage: (cell.allocation?.bytes ?? NaN) / cell.steps,
      gcEvents: cell.allocation?.gcEvents ?? NaN,
      gcMs: cell.allocation?.gcMs ?? NaN,
      result: cell.expected,
    };
  });
  return { id, title: SCENARIO_TITLES[id], unit: SCENARIO_UNITS[id], cells: results };
}

async function main(): Promise<void> {
  const started = performance.now();
  const only = args.only?.split(',');
  const implementations = IMPLEMENTATIONS.filter((implementation) => only === undefined || only.includes(implementation.id));
  const scenarioIds = args.scenarios === undefined ? SCENARIO_IDS : (args.scenarios.split(',') as ScenarioId[]);
  for (const id of scenarioIds) if (!SCENARIO_IDS.includes(id)) throw new Error(`unknown scenario ${id}`);

  log(`bench suite (${mode}): building the variants of bench/suite/workload.ts`);
  const variants = buildVariants();
  const snapshot = snapshotBuild();
  suiteDir = join(snapshot, 'bench', 'suite');
  const scenarios: ScenarioResult[] = [];
  try {
    for (const id of scenarioIds) {
      const scenarioStarted = performance.now();
      scenarios.push(await measureScenario(id, implementations));
      log(`  ${id}: ${((performance.now() - scenarioStarted) / 1000).toFixed(1)} s`);
    }
  } finally {
    rmSync(snapshot, { recursive: true, force: true });
  }
  const transform = args['no-transform'] ? null : runTransformBench(mode === 'full' ? 'full' : mode === 'quick' ? 'quick' : 'smoke', log);
  const results: BenchResults = {
    mode,
    machine: describeMachine(),
    method: { warmUpRuns: settings.warmUp, measuredRuns: settings.runs, sizeDivisor: settings.divisor },
    variants,
    implementations: implementations.map(({ id, label, divisors }) => ({ id, label, divisors })),
    scenarios,
    transform,
    targets: [],
    seconds: 0,
  };
  results.targets = evaluateTargets(results);
  results.seconds = Math.round((performance.now() - started) / 1000);
  const markdown = renderMarkdown(results);
  if (outDir !== undefined) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'RESULTS.md'), markdown);
    writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(outDir, 'chart.svg'), renderChart(results));
    log(`wrote ${join(outDir, 'RESULTS.md')}, results.json, chart.svg`);
  }
  if (args.json) console.log(JSON.stringify(results));
  else console.log(markdown);
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
