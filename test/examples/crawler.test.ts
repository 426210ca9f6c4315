import { describe, expect, it } from 'vitest';
import { crawl, type CrawlOptions, type CrawlReport } from '../../examples/crawler/crawl.js';
import { HttpClient } from '../../examples/crawler/http-client.js';
import { startSiteServer } from '../../examples/crawler/server.js';
import { HANG_PATH, generateSite } from '../../examples/crawler/site.js';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, TimeoutError } from '../../runtime/errors.js';
import { run } from '../../runtime/run.js';
import { sleep } from '../../runtime/sleep.js';
import { waitFor } from '../../runtime/wait-for.js';

const SMALL_SITE: CrawlOptions = { workers: 4, requestTimeoutMs: 150, pageCount: 12, slowDelayMs: 30 };

/** TCP servers and sockets alive in this process (what would keep it from exiting). */
function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource.startsWith('TCP')).length;
}

describe('examples/crawler under run() and the real clock', () => {
  it('crawls the whole site, reports the hanging page and the 500 as failures, and closes everything', async () => {
    const handlesBefore = tcpHandles();
    const started = performance.now();
    const report = await run(crawl(SMALL_SITE));

    expect(report.outcome).toBe('finished');
    const expectedPages = ['/', ...Array.from({ length: 12 }, (_, index) => `/page/${index + 1}`)];
    expect(report.pages.map((page) => page.path).sort()).toEqual(expectedPages.sort());
    // Every page is visited once, although each is linked from several others (and with fragments).
    expect(new Set(report.pages.map((page) => page.path)).size).toBe(report.pages.length);
    expect(report.failures.map(({ path, reason }) => ({ path, reason })).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: '/reports/live', reason: 'no response within 150 ms (request aborted)' },
      { path: '/search?q=tsyncio', reason: 'HTTP 500 Internal Server Error' },
    ]);
    expect(report.abandoned).toEqual([]);
    // The pool, not the number of URLs, bounds the requests in flight; the tree keeps several busy.
    expect(report.peakConcurrency).toBeGreaterThan(1);
    expect(report.peakConcurrency).toBeLessThanOrEqual(SMALL_SITE.workers);

    expect(report.serverListening).toBe(false);
    expect(report.openSockets).toEqual({ client: 0, server: 0 });
    expect(tcpHandles()).toBe(handlesBefore);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('Ctrl-C cancels the crawl mid-flight: in-flight requests are aborted, the server closed, the partial report delivered', async () => {
    expect(process.listenerCount('SIGINT')).toBe(0);
    const handlesBefore = tcpHandles();
    // Slow pages far slower than the test: an interruption that waited for them would show.
    const slowDelayMs = 5000;
    let report: CrawlReport | null = null;
    const options: CrawlOptions = {
      ...SMALL_SITE,
      requestTimeoutMs: 10_000,
      slowDelayMs,
      // Once the fast part of the site is done, the slow /page/3 is certainly in flight.
      log: (line) => {
        if (line.includes('/page/2 ')) process.emit('SIGINT');
      },
      onReport: (delivered) => {
        report = delivered;
      },
    };
    const started = performance.now();
    const outcome: unknown = await run(crawl(options)).then(
      () => 'resolved',
      (error: unknown) => error,
    );

    expect(outcome).toBeInstanceOf(CancelledError);
    expect(performance.now() - started).toBeLessThan(2000);
    const partial = report as CrawlReport | null;
    expect(partial).not.toBeNull();
    if (partial === null) return;
    expect(partial.outcome).toBe('cancelled');
    expect(partial.pages.map((page) => page.path)).toContain('/page/2');
    expect(partial.pages.map((page) => page.path)).not.toContain('/page/3');
    expect(partial.abandoned).toContain('/page/3');
    expect(partial.serverListening).toBe(false);
    expect(partial.openSockets).toEqual({ client: 0, server: 0 });
    expect(tcpHandles()).toBe(handlesBefore);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});

describe('examples/crawler/http-client', () => {
  it('a fetch cancelled by waitFor aborts its request: the server sees the client leave, long before shutdown', async () => {
    const site = generateSite({ pageCount: 1, slowDelayMs: 0 });
    function* main(): Coroutine<{ timedOut: boolean; abortedByClient: readonly string[]; openSockets: number }> {
      const server = yield* startSiteServer(site);
      const client = new HttpClient();
      try {
        let timedOut = false;
        try {
          yield* waitFor(client.get(`${server.origin}${HANG_PATH}`), 30);
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          timedOut = true;
        }
        // Polled, with a deadline: how soon the server notices depends on the OS, not on us.
        for (let waited = 0; server.abortedByClient.length === 0 && waited < 1000; waited += 5) yield* sleep(5);
        return { timedOut, abortedByClient: [...server.abortedByClient], openSockets: client.openSocketCount };
      } finally {
        yield* client.close();
        yield* server.close();
      }
    }
    const outcome = await run(main());
    expect(outcome.timedOut).toBe(true);
    expect(outcome.abortedByClient).toEqual([HANG_PATH]);
    // Its socket was destroyed with the request (no keep-alive reuse of a half-read connection).
    expect(outcome.openSockets).toBe(0);
  });
});
