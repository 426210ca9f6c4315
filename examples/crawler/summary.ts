/** The crawl report as the lines `npm start` prints. */
import type { CrawlOptions, CrawlReport } from './crawl.js';

export function summarize(report: CrawlReport, options: CrawlOptions): string[] {
  const lines: string[] = [];
  const seconds = (report.elapsedMs / 1000).toFixed(2);
  const verdict = report.outcome === 'finished' ? 'crawled' : report.outcome === 'cancelled' ? 'interrupted after crawling' : 'failed after crawling';
  lines.push('');
  lines.push(
    `${verdict} ${count(report.pages.length, 'page')}, ${count(report.failures.length, 'failure')} in ${seconds} s ` +
      `(${options.workers} workers, at most ${report.peakConcurrency} requests at once, ${options.requestTimeoutMs} ms per request)`,
  );
  if (report.failures.length > 0) {
    lines.push('failures:');
    const width = Math.max(...report.failures.map((failure) => failure.path.length));
    for (const failure of report.failures) lines.push(`  ${failure.path.padEnd(width)}  ${failure.reason}`);
  }
  if (report.abandoned.length > 0) lines.push(`requests aborted by the interruption: ${report.abandoned.join(', ')}`);
  const leftOpen = report.openSockets.client + report.openSockets.server;
  const server = report.serverListening ? 'server STILL LISTENING' : 'server closed';
  lines.push(`${server}, ${leftOpen === 0 ? 'no socket left open' : `${leftOpen} sockets LEFT OPEN`}`);
  return lines;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
