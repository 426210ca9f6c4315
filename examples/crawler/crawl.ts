/**
 * The crawler: a pool of worker coroutines, owned by a task group, takes URLs from a queue, fetches
 * each with its own timeout, and queues the links it has not seen. The pool's size is the bound on
 * concurrent requests. Everything the crawl opens — the site's server, the client's sockets — is
 * closed in `finally`, so a Ctrl-C (run() cancels the main task) still ends with a report.
 */
import {
  CancelledError,
  Queue,
  QueueShutDown,
  TimeoutError,
  getRunningLoop,
  taskGroup,
  waitFor,
  type Awaitable,
  type Coroutine,
  type TaskGroup,
} from '../../runtime/index.js';
import { HttpClient, type HttpResponse } from './http-client.js';
import { sameOriginLinks } from './links.js';
import { startSiteServer } from './server.js';
import { generateSite } from './site.js';

export interface CrawlOptions {
  /** Worker coroutines in the pool: at most this many requests are in flight at once. */
  workers: number;
  /** Each request's own deadline (ms); a page slower than this is a failure, not a crash. */
  requestTimeoutMs: number;
  /** Size of the generated site. */
  pageCount: number;
  /** How long the site's slow pages take (ms). */
  slowDelayMs: number;
  /** Progress lines as pages are done. Default: none. */
  log?: (line: string) => void;
  /**
   * Called from the crawl's `finally` with what was done, after the server and the sockets are
   * closed: also when the crawl is cancelled (Ctrl-C) and then never returns a report.
   */
  onReport?: (report: CrawlReport) => void;
}

export interface PageVisit {
  /** Path and query, relative to the site's origin. */
  path: string;
  title: string;
  /** Same-site links on the page, fragments dropped. */
  linkCount: number;
  elapsedMs: number;
  worker: number;
}

export interface CrawlFailure {
  path: string;
  reason: string;
  elapsedMs: number;
}

export interface CrawlReport {
  origin: string;
  /** 'finished': every URL found was visited; 'cancelled': stopped early (Ctrl-C); 'failed': a bug, rethrown. */
  outcome: 'finished' | 'cancelled' | 'failed';
  pages: PageVisit[];
  failures: CrawlFailure[];
  /** Paths whose requests were in flight when the crawl was cancelled (and were aborted). */
  abandoned: string[];
  /** The most requests that were in flight at the same moment. */
  peakConcurrency: number;
  /** From starting the server to closing it. */
  elapsedMs: number;
  /** Measured after closing: the server no longer listens and no socket is left, on either side. */
  serverListening: boolean;
  openSockets: { client: number; server: number };
}

/** Where the workers get pages from: the HTTP client, or a site held in memory (memory-crawl.ts). */
export interface PageFetcher {
  /** GETs `url`; cancelling what it returns (a Future, a coroutine) abandons the request. */
  get(url: string): Awaitable<HttpResponse>;
}

/** What the workers share. */
export class CrawlState {
  readonly frontier = new Queue<string>();
  readonly seen = new Set<string>();
  readonly pages: PageVisit[] = [];
  readonly failures: CrawlFailure[] = [];
  readonly abandoned: string[] = [];
  inFlight = 0;
  peakConcurrency = 0;

  constructor(
    readonly origin: string,
    readonly client: PageFetcher,
    readonly options: CrawlOptions,
  ) {}

  /** Queues `url` unless it was queued before. */
  discover(url: string): void {
    if (this.seen.has(url)) return;
    this.seen.add(url);
    this.frontier.putNowait(url);
  }

  pathOf(url: string): string {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  }

  log(line: string): void {
    this.options.log?.(line);
  }
}

/**
 * @coroutine Serves a generated site on 127.0.0.1, crawls it from `/` and returns the report. The
 * server and every socket are closed before it returns or throws.
 */
export function* crawl(options: CrawlOptions): Coroutine<CrawlReport> {
  const loop = getRunningLoop();
  const started = loop.time();
  const server = yield* startSiteServer(generateSite({ pageCount: options.pageCount, slowDelayMs: options.slowDelayMs }));
  const client = new HttpClient();
  const state = new CrawlState(server.origin, client, options);
  let outcome: CrawlReport['outcome'] = 'failed';
  let report: CrawlReport;
  try {
    yield* crawlFrom(`${server.origin}/`, state);
    outcome = 'finished';
  } catch (error) {
    if (error instanceof CancelledError) outcome = 'cancelled';
    throw error;
  } finally {
    // Waiting in a finally is fine after a cancellation: the CancelledError has been delivered, and
    // these waits end on their own (closing never depends on the other side).
    try {
      yield* client.close();
    } finally {
      yield* server.close();
    }
    report = {
      origin: server.origin,
      outcome,
      pages: state.pages,
      failures: state.failures,
      abandoned: state.abandoned,
      peakConcurrency: state.peakConcurrency,
      elapsedMs: loop.time() - started,
      serverListening: server.isListening(),
      openSockets: { client: client.openSocketCount, server: server.openConnections() },
    };
    options.onReport?.(report);
  }
  return report;
}

/** @coroutine Visits every page reachable from `startUrl` with the worker pool. */
export function* crawlFrom(startUrl: string, state: CrawlState): Coroutine<void> {
  state.discover(startUrl);
  // An arrow, not a nested generator: compiled, crawlFrom's frame variables are reachable from arrows.
  yield* taskGroup((group) => superviseWorkers(group, state));
}

/** @coroutine The task group's body: starts the pool and ends it once the frontier is exhausted. */
function* superviseWorkers(group: TaskGroup, state: CrawlState): Coroutine<void> {
  for (let id = 1; id <= state.options.workers; id++) group.createTask(worker(id, state), { name: `crawler-worker-${id}` });
  // Every URL found so far has been visited, and visiting finds URLs before it is done: so nothing
  // is left to find. Shutting the queue down lets the idle workers return.
  yield* state.frontier.join();
  state.frontier.shutdown();
}

/** @coroutine One worker of the pool: visits URLs from the frontier until it is shut down. */
function* worker(id: number, state: CrawlState): Coroutine<void> {
  for (;;) {
    let url: string;
    try {
      url = yield* state.frontier.get();
    } catch (error) {
      if (error instanceof QueueShutDown) return;
      throw error;
    }
    try {
      yield* visit(url, id, state);
    } finally {
      state.frontier.taskDone();
    }
  }
}

/** @coroutine Fetches one page within the request timeout, records it, queues its new links. */
function* visit(url: string, workerId: number, state: CrawlState): Coroutine<void> {
  const loop = getRunningLoop();
  const path = state.pathOf(url);
  const timeoutMs = state.options.requestTimeoutMs;
  const started = loop.time();
  const elapsed = (): number => loop.time() - started;
  const fail = (reason: string): void => {
    state.failures.push({ path, reason, elapsedMs: elapsed() });
    state.log(`  worker ${workerId}  FAIL  ${path.padEnd(18)} ${reason}`);
  };

  let response: HttpResponse;
  state.peakConcurrency = Math.max(state.peakConcurrency, ++state.inFlight);
  try {
    // On timeout waitFor cancels the request's Future, which aborts the request.
    response = yield* waitFor(state.client.get(url), timeoutMs);
  } catch (error) {
    if (error instanceof CancelledError) {
      state.abandoned.push(path);
      throw error;
    }
    if (error instanceof TimeoutError) fail(`no response within ${timeoutMs} ms (request aborted)`);
    else fail(`network error: ${error instanceof Error ? error.message : String(error)}`);
    return;
  } finally {
    state.inFlight--;
  }

  if (response.status !== 200) {
    fail(`HTTP ${response.status} ${response.statusText}`);
    return;
  }
  const links = sameOriginLinks(response.body, url, state.origin);
  for (const link of links) state.discover(link);
  const title = /<title>([^<]*)<\/title>/i.exec(response.body)?.[1] ?? '(untitled)';
  state.pages.push({ path, title, linkCount: links.length, elapsedMs: elapsed(), worker: workerId });
  state.log(`  worker ${workerId}  ${response.status}   ${path.padEnd(18)} ${String(links.length).padStart(2)} links, ${Math.round(elapsed())} ms`);
}
