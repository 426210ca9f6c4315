/**
 * `npm start`: crawls a small site that it serves itself on 127.0.0.1 — slow pages, one that never
 * answers, one that fails with a 500 — with a pool of tsyncio coroutines. Ctrl-C stops the crawl
 * early and still prints what was done. The pieces are in examples/crawler/.
 */
import { CancelledError, Frame, run } from '../runtime/index.js';
import { crawl, type CrawlOptions } from './crawler/crawl.js';
import { summarize } from './crawler/summary.js';

const options: CrawlOptions = {
  workers: 4,
  requestTimeoutMs: 500,
  pageCount: 24,
  slowDelayMs: 200,
  log: (line) => console.log(line),
  onReport: (report) => {
    for (const line of summarize(report, options)) console.log(line);
  },
};

const main = crawl(options);
// Until the build plugin compiles the examples, crawl() is a native generator. When it is a compiled
// frame, a comparison of the two runs belongs here, measured, not before.
const execution = main instanceof Frame ? 'compiled coroutines' : 'uncompiled coroutines (native generators)';
console.log(`tsyncio crawler: ${options.workers} workers, ${execution}; Ctrl-C stops it early`);

try {
  await run(main);
} catch (error) {
  if (!(error instanceof CancelledError)) throw error;
  process.exitCode = 130; // the shell's convention for "ended by SIGINT"
}
