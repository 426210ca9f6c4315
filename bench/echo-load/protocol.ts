/**
 * The messages of the echo load test (bench/echo-load.ts) between the orchestrating process and its
 * children, over Node's IPC channel: one child per server (bench/echo-load/server.ts) and one load
 * generator (bench/echo-load/client.ts). Every exchange is a request and its one reply, in order.
 */

/**
 * The servers: examples/echo-server.ts as plain tsc output (dist/examples) and through the tsyncio
 * plugin (dist/examples-compiled), a plain Node `net` server written with async/await, and `broken`,
 * the same Node server corrupting one byte of every 7th line: only there to show that the load
 * generator's check catches a wrong echo (test/bench/echo-load.test.ts).
 */
export const SERVER_KINDS = ['uncompiled', 'compiled', 'node', 'broken'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

export function isServerKind(name: string): name is ServerKind {
  return (SERVER_KINDS as readonly string[]).includes(name);
}

/** Orchestrator → server. */
export type ServerCommand = { type: 'sample' } | { type: 'stop' };

/** Server → orchestrator. */
export type ServerReply =
  | { type: 'listening'; port: number; compiled: boolean }
  | { type: 'sample'; sample: ServerSample }
  | { type: 'stopped' }
  | { type: 'failed'; error: string };

/** From the server process: its CPU time so far, then (after a full GC) its memory, in bytes. */
export interface ServerSample {
  /** process.cpuUsage(), user + system, read before the GC. */
  cpuUs: number;
  rss: number;
  /** After a full GC (the servers run with --expose-gc): what the connections hold, not garbage. */
  heapUsed: number;
  /** The process's peak RSS so far (process.resourceUsage().maxRSS). */
  maxRss: number;
}

/**
 * One load run: `connections` clients, each making `roundTrips` round trips: `pipeline` lines sent in
 * one write, all their echoes read before the next round trip.
 */
export interface LoadSpec {
  port: number;
  connections: number;
  roundTrips: number;
  /** Each line's length, its '\n' included. */
  lineBytes: number;
  /** Lines per round trip (1: plain request/response). */
  pipeline: number;
  /** The run fails if the round trips take longer. */
  timeLimitMs: number;
}

/** Orchestrator → load generator. */
export type ClientCommand =
  | { type: 'run'; spec: LoadSpec }
  /** Close the connections of the last run (end them, and wait until the server has closed its side). */
  | { type: 'close'; timeLimitMs: number }
  | { type: 'exit' };

export interface LoadStats {
  /** Lines echoed: connections × roundTrips × pipeline when ok. */
  requests: number;
  /** Echoed bytes, every one compared with what was sent. */
  bytes: number;
  /** From the first line sent to the last echo received (the connections are open before). */
  elapsedMs: number;
  /** Round-trip latencies (a whole batch when pipelined). */
  p50Us: number;
  p99Us: number;
}

/** Load generator → orchestrator. */
export type ClientReply =
  | { type: 'done'; ok: true; stats: LoadStats }
  | { type: 'done'; ok: false; error: string }
  | { type: 'closed'; ok: true }
  | { type: 'closed'; ok: false; error: string };
