/**
 * The benchmark suite's scenarios: their parameters, sizes, the result every implementation must
 * return, and how many steps a run makes (what its time is divided by). Shared by the parent
 * (main.ts), the child processes (child.ts) and every implementation, so that "the same logical work"
 * is written down once.
 */

export type ScenarioId = 'S1' | 'S2-10' | 'S2-100' | 'S3' | 'S4' | 'S5' | 'S6';

export interface S1Params {
  yields: number;
  /** Runs the loop in debug mode (only the debug row of S1 sets it). */
  debug?: boolean;
}
export interface S2Params {
  /** Coroutines in the chain, the leaf included. */
  depth: number;
  leafYields: number;
}
export interface S3Params {
  tasks: number;
  yields: number;
}
export interface S4Params {
  items: number;
}
export interface S5Params {
  calls: number;
}
export interface S6Params {
  tasks: number;
  sleepsPerTask: number;
  /** Each sleep is 1..maxDelayMs ms (integers), from a per-task deterministic sequence. */
  maxDelayMs: number;
  /** When main cancels every task (not an integer, so that no sleep ends at the same instant). */
  cancelAtMs: number;
}

export interface ParamsOf {
  S1: S1Params;
  'S2-10': S2Params;
  'S2-100': S2Params;
  S3: S3Params;
  S4: S4Params;
  S5: S5Params;
  S6: S6Params;
}

/**
 * What an implementation module exports: per scenario, a preparation (untimed) that returns the run
 * (timed) whose result is checked.
 */
export type Workload = { [K in ScenarioId]: (params: ParamsOf[K]) => () => unknown };

export const SCENARIO_IDS: readonly ScenarioId[] = ['S1', 'S2-10', 'S2-100', 'S3', 'S4', 'S5', 'S6'];

export const FULL_PARAMS: { [K in ScenarioId]: ParamsOf[K] } = {
  S1: { yields: 10_000_000 },
  'S2-10': { depth: 10, leafYields: 1_000_000 },
  'S2-100': { depth: 100, leafYields: 1_000_000 },
  S3: { tasks: 10_000, yields: 100 },
  S4: { items: 1_000_000 },
  S5: { calls: 1_000_000 },
  S6: { tasks: 100_000, sleepsPerTask: 4, maxDelayMs: 8, cancelAtMs: 9.5 },
};

export const SCENARIO_TITLES: { [K in ScenarioId]: string } = {
  S1: 'S1: one coroutine, 10⁷ yields to the loop',
  'S2-10': 'S2: yield* chain depth 10, 10⁶ leaf yields',
  'S2-100': 'S2: yield* chain depth 100, 10⁶ leaf yields',
  S3: 'S3: 10⁴ tasks × 100 yields, gather',
  S4: 'S4: ping-pong through a one-slot Queue, 10⁶ items',
  S5: 'S5: 10⁶ calls of a sub-coroutine that does not suspend',
  S6: 'S6: 10⁵ tasks sleep 1–8 ms ×4 (virtual clock), all cancelled at 9.5 ms',
};

export const SCENARIO_UNITS: { [K in ScenarioId]: string } = {
  S1: 'yield',
  'S2-10': 'leaf yield',
  'S2-100': 'leaf yield',
  S3: 'yield',
  S4: 'item',
  S5: 'call',
  S6: 'sleep',
};

/** The count a scale divides: the scenario's main size, so that ns per step stays comparable. */
export function scaled<K extends ScenarioId>(id: K, params: ParamsOf[K], divisor: number): ParamsOf[K] {
  const down = (n: number): number => Math.max(1, Math.round(n / divisor));
  const p = params as ParamsOf[ScenarioId];
  switch (id) {
    case 'S1':
      return { ...(p as S1Params), yields: down((p as S1Params).yields) } as ParamsOf[K];
    case 'S2-10':
    case 'S2-100':
      return { ...(p as S2Params), leafYields: down((p as S2Params).leafYields) } as ParamsOf[K];
    case 'S3':
      return { ...(p as S3Params), tasks: down((p as S3Params).tasks) } as ParamsOf[K];
    case 'S4':
      return { ...(p as S4Params), items: down((p as S4Params).items) } as ParamsOf[K];
    case 'S5':
      return { ...(p as S5Params), calls: down((p as S5Params).calls) } as ParamsOf[K];
    case 'S6':
      return { ...(p as S6Params), tasks: down((p as S6Params).tasks) } as ParamsOf[K];
  }
  throw new Error(`unknown scenario ${String(id)}`);
}

/** Task `index`'s sleeps in S6: 1..maxDelayMs ms from an LCG seeded by the index (same in every implementation). */
export function sleepDelays(index: number, count: number, maxDelayMs: number): number[] {
  const delays: number[] = [];
  let state = (index * 2_654_435_761 + 1) >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    delays.push(1 + ((state >>> 16) % maxDelayMs));
  }
  return delays;
}

/** Every task's S6 delays, made before the timed run. */
export function allSleepDelays(params: S6Params): number[][] {
  const all: number[][] = [];
  for (let i = 0; i < params.tasks; i++) all.push(sleepDelays(i, params.sleepsPerTask, params.maxDelayMs));
  return all;
}

/** S6's outcome: sleeps completed before the cancellation, and tasks cancelled in a sleep. */
export function s6Outcome(params: S6Params): { completed: number; cancelled: number } {
  let completed = 0;
  let cancelled = 0;
  for (let i = 0; i < params.tasks; i++) {
    let at = 0;
    let finished = true;
    for (const ms of sleepDelays(i, params.sleepsPerTask, params.maxDelayMs)) {
      at += ms;
      if (at > params.cancelAtMs) {
        finished = false;
        break;
      }
      completed++;
    }
    if (!finished) cancelled++;
  }
  return { completed, cancelled };
}

/** How an S6 result is written by every implementation. */
export function s6Result(completed: number, cancelled: number): string {
  return `${completed} sleeps completed, ${cancelled} tasks cancelled`;
}

const sumBelow = (n: number): number => (n * (n - 1)) / 2;

/** The result every implementation's run must return. */
export function expectedResult<K extends ScenarioId>(id: K, params: ParamsOf[K]): unknown {
  const p = params as ParamsOf[ScenarioId];
  switch (id) {
    case 'S1':
      return (p as S1Params).yields;
    case 'S2-10':
    case 'S2-100':
      return (p as S2Params).depth;
    case 'S3':
      return (p as S3Params).tasks * (p as S3Params).yields;
    case 'S4':
      return sumBelow((p as S4Params).items);
    case 'S5':
      return (p as S5Params).calls;
    case 'S6': {
      const { completed, cancelled } = s6Outcome(p as S6Params);
      return s6Result(completed, cancelled);
    }
  }
  throw new Error(`unknown scenario ${String(id)}`);
}

/** The steps of a run: what its time and allocation are divided by. */
export function stepsOf<K extends ScenarioId>(id: K, params: ParamsOf[K]): number {
  const p = params as ParamsOf[ScenarioId];
  switch (id) {
    case 'S1':
      return (p as S1Params).yields;
    case 'S2-10':
    case 'S2-100':
      return (p as S2Params).leafYields;
    case 'S3':
      return (p as S3Params).tasks * (p as S3Params).yields;
    case 'S4':
      return (p as S4Params).items;
    case 'S5':
      return (p as S5Params).calls;
    case 'S6': {
      // Every sleep started: the completed ones and the one each cancelled task was in.
      const { completed, cancelled } = s6Outcome(p as S6Params);
      return completed + cancelled;
    }
  }
  throw new Error(`unknown scenario ${String(id)}`);
}
