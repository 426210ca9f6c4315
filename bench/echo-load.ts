/**
 * The echo load test (part of `npm run bench`; alone: `npm run bench:echo`): examples/echo-server.ts
 * uncompiled (dist/examples, native generators) and compiled (dist/examples-compiled, the tspc build
 * `npm start` makes: frames), against the same handler as a plain Node `net` server written with
 * async/await. Loopback only, fixed work, bounded in time; prints a markdown table.
 *
 * Method: every server runs in a child process of its own (bench/echo-load/server.ts), the load
 * generator in another (bench/echo-load/client.ts, callback `node:net`), so neither's CPU or heap is
 * counted in the other's. A run is CONNECTIONS connections (opened first) × ROUND_TRIPS line-echo
 * round trips each, one line in flight per connection; every echo is checked byte for byte. The
 * servers take turns, a warm-up round and then ROUNDS measured rounds, the order rotating each round;
 * the table shows the median requests/s (and the range), the median p50/p99 round-trip latency, and
 * the server's memory at the end of each run with its connections still open (RSS; heap used after a
 * full GC), medians, and its peak RSS over the whole test. A run over its time limit, a wrong echo,
 * or the whole test over its deadline fails it (exit 1), and every child is ended.
 *
 * Options: --smoke (a tiny load, one round, no warm-up: test/bench/echo-load.test.ts), --json (the
 * results as JSON instead of the table), --servers a,b,... (default uncompiled,compiled,node),
 * --connections N, --round-trips N, --line-bytes N, --rounds N.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isServerKind, type ClientCommand, type ClientReply, type LoadSpec, type LoadStats, type ServerCommand, type ServerKind, type ServerReply, type ServerSample } from './echo-load/protocol.js';

const { values: options } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    servers: { type: 'string', default: 'uncompiled,compiled,node' },
    connections: { type: 'string' },
    'round-trips': { type: 'string' },
    'line-bytes': { type: 'string' },
    pipeline: { type: 'string' },
    rounds: { type: 'string' },
  },
});

function count(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a positive integer, not ${value}`);
  return n;
}

const smoke = options.smoke;
const CONNECTIONS = count(options.connections, smoke ? 4 : 50, 'connections');
const ROUND_TRIPS = count(options['round-trips'], smoke ? 25 : 1000, 'round-trips');
const LINE_BYTES = count(options['line-bytes'], 64, 'line-bytes');
const PIPELINE = count(options.pipeline, 1, 'pipeline');
const ROUNDS = count(options.rounds, smoke ? 1 : 5, 'rounds');
const WARM_UP_ROUNDS = smoke ? 0 : 1;
/** One run's round trips; their closing; starting or stopping a server. */
const RUN_LIMIT_MS = 15_000;
const STEP_LIMIT_MS = 10_000;
/** The whole test: it ends itself, children included, past this. */
const DEADLINE_MS = 120_000;

const SERVER_NAMES: Record<ServerKind, string> = {
  uncompiled: 'echo example, uncompiled (native generators)',
  compiled: 'echo example, compiled (frames)',
  node: 'plain Node `net`, async/await',
  broken: 'broken (harness self-check)',
};

const servers = options.servers.split(',').map((name) => {
  if (!isServerKind(name)) throw new Error(`--servers: unknown server ${JSON.stringify(name)}`);
  return name;
});

// ---------------------------------------------------------------------------------------------------
// Children: each exchange is one command and its one reply.

const children = new Set<ChildProcess>();

function endChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

class Child<Command, Reply extends { type: string }> {
  private readonly process: ChildProcess;
  private readonly replies: Reply[] = [];
  private waiting: ((reply: Reply | Error) => void) | null = null;
  private exited: Error | null = null;

  constructor(
    readonly name: string,
    script: string,
    args: readonly string[],
    execArgv: readonly string[],
  ) {
    this.process = fork(fileURLToPath(new URL(script, import.meta.url)), [...args], { execArgv: [...execArgv], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.add(this.process);
    this.process.on('message', (message: Reply) => {
      if (this.waiting !== null) this.deliver(message);
      else this.replies.push(message);
    });
    this.process.on('exit', (code, signal) => {
      children.delete(this.process);
      this.exited = new Error(`${this.name} exited (${signal ?? `code ${code}`})`);
      if (this.waiting !== null) this.deliver(this.exited);
    });
  }

  private deliver(reply: Reply | Error): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.(reply);
  }

  send(command: Command): void {
    this.process.send(command as object);
  }

  /** The next reply, which must be of `type`; throws on another, on a `failed` reply, on exit, after `limitMs`. */
  next<T extends Reply['type']>(type: T, limitMs: number): Promise<Extract<Reply, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error(`${this.name}: no ${type} reply within ${limitMs} ms`));
      }, limitMs);
      const take = (reply: Reply | Error): void => {
        clearTimeout(timer);
        if (reply instanceof Error) reject(reply);
        else if (reply.type === type) resolve(reply as Extract<Reply, { type: T }>);
        else reject(new Error(`${this.name}: expected ${type}, got ${JSON.stringify(reply)}`));
      };
      const queued = this.replies.shift();
      if (queued !== undefined) take(queued);
      else if (this.exited !== null) take(this.exited);
      else this.waiting = take;
    });
  }

  async request<T extends Reply['type']>(command: Command, type: T, limitMs: number): Promise<Extract<Reply, { type: T }>> {
    this.send(command);
    return this.next(type, limitMs);
  }

  /** Resolves when the process has exited (it is killed after `limitMs`). */
  async exit(limitMs: number): Promise<void> {
    if (this.exited !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.process.kill('SIGKILL'), limitMs);
      this.process.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

type ServerChild = Child<ServerCommand, ServerReply>;
type ClientChild = Child<ClientCommand, ClientReply>;

async function startServer(kind: ServerKind): Promise<{ child: ServerChild; port: number }> {
  const child: ServerChild = new Child(`server ${kind}`, './echo-load/server.js', [kind], ['--expose-gc']);
  const ready = await child.next('listening', STEP_LIMIT_MS);
  // The bench must measure what its row says: frames from the compiled build, generators otherwise.
  if (ready.compiled !== (kind === 'compiled')) {
    throw new Error(`server ${kind}: handleEcho ${ready.compiled ? 'makes' : 'does not make'} frames: rebuild (npm run build && node scripts/build-examples.mjs)`);
  }
  return { child, port: ready.port };
}

// ---------------------------------------------------------------------------------------------------

interface RunSample {
  stats: LoadStats;
  /** The server's CPU time during the run (connecting included), µs per request. */
  serverCpuUsPerRequest: number;
  /** The server at the end of the run, its connections still open. */
  memory: ServerSample;
}

export interface ServerResult {
  kind: ServerKind;
  runs: RunSample[];
  peakRss: number;
}

async function loadOnce(client: ClientChild, server: ServerChild, port: number): Promise<RunSample> {
  const spec: LoadSpec = { port, connections: CONNECTIONS, roundTrips: ROUND_TRIPS, lineBytes: LINE_BYTES, pipeline: PIPELINE, timeLimitMs: RUN_LIMIT_MS };
  const before = await server.request({ type: 'sample' }, 'sample', STEP_LIMIT_MS);
  const done = await client.request({ type: 'run', spec }, 'done', RUN_LIMIT_MS + STEP_LIMIT_MS);
  if (!done.ok) throw new Error(`${server.name}: ${done.error}`);
  const expected = CONNECTIONS * ROUND_TRIPS * PIPELINE;
  if (done.stats.requests !== expected || done.stats.bytes !== expected * LINE_BYTES) {
    throw new Error(`${server.name}: ${done.stats.requests} round trips and ${done.stats.bytes} bytes, expected ${expected} and ${expected * LINE_BYTES}`);
  }
  const after = await server.request({ type: 'sample' }, 'sample', STEP_LIMIT_MS);
  const closed = await client.request({ type: 'close', timeLimitMs: STEP_LIMIT_MS }, 'closed', 2 * STEP_LIMIT_MS);
  if (!closed.ok) throw new Error(`${server.name}: ${closed.error}`);
  return { stats: done.stats, serverCpuUsPerRequest: (after.sample.cpuUs - before.sample.cpuUs) / done.stats.requests, memory: after.sample };
}

async function measure(): Promise<ServerResult[]> {
  const client: ClientChild = new Child('load generator', './echo-load/client.js', [], []);
  const started = await Promise.all(servers.map((kind) => startServer(kind)));
  const results: ServerResult[] = servers.map((kind) => ({ kind, runs: [], peakRss: 0 }));
  for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
    for (let turn = 0; turn < servers.length; turn++) {
      const index = (round + turn) % servers.length;
      const { child, port } = started[index] as (typeof started)[number];
      const sample = await loadOnce(client, child, port);
      if (round >= WARM_UP_ROUNDS) (results[index] as ServerResult).runs.push(sample);
    }
    if (!options.json) process.stderr.write(`echo load: round ${round + 1} of ${WARM_UP_ROUNDS + ROUNDS} done${round < WARM_UP_ROUNDS ? ' (warm-up)' : ''}\n`);
  }
  for (const [index, { child }] of started.entries()) {
    const { sample } = await child.request({ type: 'sample' }, 'sample', STEP_LIMIT_MS);
    (results[index] as ServerResult).peakRss = sample.maxRss;
    await child.request({ type: 'stop' }, 'stopped', STEP_LIMIT_MS);
    await child.exit(STEP_LIMIT_MS);
  }
  client.send({ type: 'exit' });
  await client.exit(STEP_LIMIT_MS);
  return results;
}

// ---------------------------------------------------------------------------------------------------

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const requestsPerSecond = (run: RunSample): number => run.stats.requests / (run.stats.elapsedMs / 1000);
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const thousands = (n: number): string => `${(n / 1000).toFixed(1)}k`;

function printTable(results: readonly ServerResult[], seconds: number): void {
  console.log(`## echo server load test${smoke ? ' (--smoke)' : ''}`);
  console.log();
  console.log(
    `Node ${process.version}, ${process.arch}, ${cpus().length} CPUs; loopback; ${CONNECTIONS} connections × ${ROUND_TRIPS} round trips of a ${LINE_BYTES}-byte line ` +
      `(one in flight per connection, every echo checked), servers and load generator in separate processes; ` +
      `median of ${ROUNDS} interleaved runs after ${WARM_UP_ROUNDS} warm-up; memory of the server process at the end of a run, connections still open; ${seconds.toFixed(0)} s in all.`,
  );
  console.log();
  console.log('| server | requests/s (range) | server CPU µs/request | p50 µs | p99 µs | RSS MB | heap used MB (after GC) | peak RSS MB |');
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|');
  for (const { kind, runs, peakRss } of results) {
    const rates = runs.map(requestsPerSecond);
    const range = `${thousands(Math.min(...rates))}–${thousands(Math.max(...rates))}`;
    console.log(
      `| ${SERVER_NAMES[kind]} | ${thousands(median(rates))} (${range}) | ${median(runs.map((run) => run.serverCpuUsPerRequest)).toFixed(2)} | ${median(runs.map((run) => run.stats.p50Us)).toFixed(0)} | ${median(runs.map((run) => run.stats.p99Us)).toFixed(0)} | ` +
        `${mb(median(runs.map((run) => run.memory.rss)))} | ${mb(median(runs.map((run) => run.memory.heapUsed)))} | ${mb(peakRss)} |`,
    );
  }
}

async function main(): Promise<void> {
  const dist = new URL('../', import.meta.url);
  for (const [kind, file] of [
    ['uncompiled', 'examples/echo-server.js'],
    ['compiled', 'examples-compiled/examples/echo-server.js'],
  ] as const) {
    if (servers.includes(kind) && !existsSync(new URL(file, dist))) {
      throw new Error(`no dist/${file}: build it first (npm run build && node scripts/build-examples.mjs; npm run bench:echo does both)`);
    }
  }
  const deadline = setTimeout(() => {
    endChildren();
    console.error(`echo load: not done after ${DEADLINE_MS / 1000} s: stopped`);
    process.exit(1);
  }, DEADLINE_MS);
  deadline.unref();
  const startedAt = performance.now();
  try {
    const results = await measure();
    if (options.json) console.log(JSON.stringify({ connections: CONNECTIONS, roundTrips: ROUND_TRIPS, lineBytes: LINE_BYTES, rounds: ROUNDS, results }));
    else printTable(results, (performance.now() - startedAt) / 1000);
  } finally {
    clearTimeout(deadline);
    endChildren();
  }
}

try {
  await main();
} catch (error) {
  console.error(`echo load: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
