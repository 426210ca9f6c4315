/**
 * The crawler without the network: the same worker pool, frontier queue, per-request `waitFor` and
 * link extraction as `crawl()`, over a generated site held in memory, on a loop with the virtual clock.
 * Slow pages sleep in virtual time, the hanging page times out in virtual time, so a run is CPU and
 * scheduling work only, and deterministic: the same report every time, compiled or not. `npm start`
 * times it in both builds of the examples (compare-builds.ts); the tests compare the two reports.
 */
import { EventLoop, Future, isFrame, sleep, type Coroutine } from '../../runtime/index.js';
import { CrawlState, crawlFrom, type CrawlFailure, type PageFetcher, type PageVisit } from './crawl.js';
import type { HttpResponse } from './http-client.js';
import { generateSite, renderPage, type SiteMap } from './site.js';

/** A host name that cannot resolve: nothing here ever touches the network. */
export const MEMORY_ORIGIN = 'http://in-memory.invalid';

export interface MemoryCrawlOptions {
  pageCount: number;
  workers: number;
  /** Virtual milliseconds. */
  slowDelayMs: number;
  /** Virtual milliseconds. */
  requestTimeoutMs: number;
}

export interface MemoryCrawlReport {
  pages: PageVisit[];
  failures: CrawlFailure[];
  peakConcurrency: number;
  /** Virtual time the crawl took (ms): the same in every build. */
  virtualElapsedMs: number;
}

/** Answers GETs from the site map after the site's delay, in the loop's (virtual) time. */
class MemorySite implements PageFetcher {
  constructor(private readonly site: SiteMap) {}

  /** @coroutine One request: at least one loop turn, as a real response would take. */
  *get(url: string): Coroutine<HttpResponse> {
    const parsed = new URL(url);
    const behaviour = this.site.get(parsed.pathname);
    if (behaviour === undefined) {
      yield;
      return { status: 404, statusText: 'Not Found', contentType: 'text/plain', body: '' };
    }
    if (behaviour.kind === 'hang') {
      // Never answered: only the caller's timeout ends this wait (it cancels the future).
      yield* new Future<void>();
      throw new Error('unreachable: a hanging page answered');
    }
    if (behaviour.kind === 'error') {
      yield;
      return { status: behaviour.status, statusText: 'Internal Server Error', contentType: 'text/plain', body: '' };
    }
    yield* sleep(behaviour.delayMs);
    return { status: 200, statusText: 'OK', contentType: 'text/html', body: renderPage(behaviour.title, behaviour.links) };
  }
}

/** @coroutine The crawl from `/` of a site in memory. */
function* crawlSite(options: MemoryCrawlOptions): Coroutine<MemoryCrawlReport> {
  const site = generateSite({ pageCount: options.pageCount, slowDelayMs: options.slowDelayMs });
  const state = new CrawlState(MEMORY_ORIGIN, new MemorySite(site), { ...options });
  yield* crawlFrom(`${MEMORY_ORIGIN}/`, state);
  return { pages: state.pages, failures: state.failures, peakConcurrency: state.peakConcurrency, virtualElapsedMs: 0 };
}

/** Runs one crawl to its end, synchronously, on a fresh virtual-clock loop of this build's runtime. */
export function crawlInMemory(options: MemoryCrawlOptions): MemoryCrawlReport {
  const loop = new EventLoop({ clock: 'virtual' });
  try {
    const report = loop.runUntilComplete(crawlSite(options));
    return { ...report, virtualElapsedMs: loop.time() };
  } finally {
    loop.close();
  }
}

/** True when this build's coroutines are compiled frames, false when they are native generators. */
export function coroutinesCompiled(): boolean {
  return isFrame(crawlSite({ pageCount: 0, workers: 0, slowDelayMs: 0, requestTimeoutMs: 0 }));
}
