/**
 * `npm start`: crawls a small site that it serves itself on 127.0.0.1 — slow pages, one that never
 * answers, one that fails with a 500 — with a pool of tsyncio coroutines, then audits the site's links.
 * Ctrl-C stops the crawl early and still prints what was done. The pieces are in examples/crawler/.
 * Run from the compiled build (`npm start`), it ends with the comparison of the compiled and the plain
 * build (examples/crawler/compare-builds.ts). `--verbose` prints every page, not just the failures.
 */
import { CancelledError, Frame, run } from '../runtime/index.js';
import { compareBuilds, readBuildReport } from './crawler/compare-builds.js';
import { crawl, type CrawlOptions, type CrawlReport } from './crawler/crawl.js';
import { auditLinks } from './crawler/link-audit.js';
import { generateSite } from './crawler/site.js';
import { summarize } from './crawler/summary.js';

const verbose = process.argv.includes('--verbose');
let finished: CrawlReport | null = null;
const options: CrawlOptions = {
  workers: 4,
  requestTimeoutMs: 500,
  pageCount: 24,
  slowDelayMs: 200,
  log: (line) => {
    if (verbose || line.includes(' FAIL ')) console.log(line);
  },
  onReport: (report) => {
    finished = report;
    for (const line of summarize(report, options)) console.log(line);
  },
};

const main = crawl(options);
const execution = main instanceof Frame ? 'compiled coroutines' : 'uncompiled coroutines (native generators)';
console.log(`tsyncio crawler: ${options.workers} workers, ${execution}; Ctrl-C stops it early${verbose ? '' : ' (pages listed: failures only; --verbose for all)'}`);

try {
  await run(main);
} catch (error) {
  if (!(error instanceof CancelledError)) throw error;
  process.exitCode = 130; // the shell's convention for "ended by SIGINT"
}

const crawled = finished as CrawlReport | null;
if (crawled !== null && crawled.outcome === 'finished') {
  const audit = auditLinks(generateSite({ pageCount: options.pageCount, slowDelayMs: options.slowDelayMs }), options.workers);
  console.log(
    `link audit: ${audit.links} links on ${audit.pages} pages to ${audit.targets} targets: ${audit.broken} broken, ${audit.external} external; ` +
      `most linked ${audit.mostLinked.path} (${audit.mostLinked.inbound})`,
  );
  // Only the compiled build has a build report next to it (scripts/build-examples.mjs).
  const buildReport = readBuildReport(new URL('../build-report.json', import.meta.url));
  if (buildReport !== null) for (const line of await compareBuilds(buildReport, crawled.elapsedMs)) console.log(line);
}
