/**
 * What `npm start` prints after the crawl: the compiled build of the examples against the plain one.
 * The numbers come from scripts/build-examples.mjs's build-report.json (what the transformer compiled
 * or declined, and why; the byte sizes) and from timing both builds' in-process workloads here, in
 * the same process: the two builds are just two module trees, each with its own copy of the runtime.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as LinkAudit from './link-audit.js';
import type * as MemoryCrawl from './memory-crawl.js';
import type * as Site from './site.js';

/** build-report.json, as scripts/build-examples.mjs writes it. */
export interface BuildReport {
  project: string;
  transformer: string;
  buildSeconds: number;
  compiledCount: number;
  declinedCount: number;
  files: { file: string; compiled: { className: string; line: number }[]; declined: { line: number; column: number; category: string; message: string }[] }[];
  sizes: { sourceBytes: number; compiledBytes: number; plainBytes: number; plainComplete: boolean };
  /** outDirs of the two builds (absolute). */
  builds: { compiled: string; plain: string };
}

/** The report of the build this module belongs to, when it is the compiled build (null otherwise). */
export function readBuildReport(reportUrl: URL): BuildReport | null {
  if (!existsSync(reportUrl)) return null;
  return JSON.parse(readFileSync(reportUrl, 'utf8')) as BuildReport;
}

/** One build's workload modules. */
interface BuildModules {
  memoryCrawl: typeof MemoryCrawl;
  linkAudit: typeof LinkAudit;
  site: typeof Site;
}

async function loadBuild(outDir: string): Promise<BuildModules> {
  const load = (path: string): Promise<unknown> => import(pathToFileURL(join(outDir, 'examples', 'crawler', path)).href);
  return {
    memoryCrawl: (await load('memory-crawl.js')) as typeof MemoryCrawl,
    linkAudit: (await load('link-audit.js')) as typeof LinkAudit,
    site: (await load('site.js')) as typeof Site,
  };
}

interface Workload {
  label: string;
  /** Runs the workload once in one build; returns what it computed (compared across builds). */
  run: (build: BuildModules) => unknown;
}

const ROUNDS = 5;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * Times each workload in both builds: one warm-up round, then ROUNDS rounds, the order of the two
 * builds alternating from round to round; the medians. Fails if the builds compute different results.
 */
function timeBoth(workload: Workload, plain: BuildModules, compiled: BuildModules): { plainMs: number; compiledMs: number } {
  const times = { plain: [] as number[], compiled: [] as number[] };
  const plainResult = JSON.stringify(workload.run(plain));
  const compiledResult = JSON.stringify(workload.run(compiled));
  if (plainResult !== compiledResult) throw new Error(`${workload.label}: the compiled build computes something else than the plain one`);
  for (let round = 0; round < ROUNDS; round++) {
    const order: ('plain' | 'compiled')[] = round % 2 === 0 ? ['plain', 'compiled'] : ['compiled', 'plain'];
    for (const which of order) {
      const started = performance.now();
      workload.run(which === 'plain' ? plain : compiled);
      times[which].push(performance.now() - started);
    }
  }
  return { plainMs: median(times.plain), compiledMs: median(times.compiled) };
}

const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;

/** The comparison's lines. `crawlElapsedMs`: the network crawl just printed, which is not timed again. */
export async function compareBuilds(report: BuildReport, crawlElapsedMs: number): Promise<string[]> {
  const [plain, compiled] = await Promise.all([loadBuild(report.builds.plain), loadBuild(report.builds.compiled)]);
  if (plain.memoryCrawl.coroutinesCompiled() || !compiled.memoryCrawl.coroutinesCompiled()) {
    throw new Error(`expected native generators in ${report.builds.plain} and frames in ${report.builds.compiled}`);
  }
  const lines: string[] = [];
  const compiledFiles = report.files.filter((file) => file.compiled.length > 0).length;
  lines.push('', `compiled vs uncompiled: the same examples/ sources, two builds (${report.project}, ${report.buildSeconds.toFixed(1)} s)`);
  lines.push(`  compiled  ${report.compiledCount} coroutines to frame classes in ${compiledFiles} files; ${report.declinedCount} declined (left native)`);
  const declines = report.files.flatMap((file) => file.declined.map((d) => `${file.file}:${d.line}:${d.column} ${d.message}`));
  for (const decline of declines.slice(0, 4)) lines.push(`            ${decline}`);
  if (declines.length > 4) lines.push(`            ... and ${declines.length - 4} more (see ${report.builds.compiled}/build-report.json)`);
  const { sourceBytes, plainBytes, compiledBytes, plainComplete } = report.sizes;
  const plainSize = plainComplete ? `${kB(plainBytes)} plain tsc` : 'plain build incomplete';
  lines.push(`  size      examples/**/*.ts ${kB(sourceBytes)} -> JS ${plainSize}, ${kB(compiledBytes)} compiled (${(compiledBytes / plainBytes).toFixed(1)}x)`);

  const crawlOptions = { pageCount: 2000, workers: 16, slowDelayMs: 200, requestTimeoutMs: 500 };
  // Generated once, by the plain build: plain data, shared by both runs.
  const auditSite = plain.site.generateSite({ pageCount: 20_000, slowDelayMs: 0 });
  const audit = plain.linkAudit.auditLinks(auditSite, 8);
  const workloads: Workload[] = [
    { label: `in-memory crawl, ${crawlOptions.pageCount} pages, ${crawlOptions.workers} workers`, run: (build) => build.memoryCrawl.crawlInMemory(crawlOptions) },
    { label: `link audit, ${audit.pages} pages, ${audit.links} links, 8 tasks`, run: (build) => build.linkAudit.auditLinks(auditSite, 8) },
  ];
  lines.push(`  speed     in this process, virtual clock (no sockets, no real timers), median of ${ROUNDS} interleaved runs:`);
  const width = Math.max(...workloads.map((workload) => workload.label.length));
  for (const workload of workloads) {
    const { plainMs, compiledMs } = timeBoth(workload, plain, compiled);
    lines.push(`            ${workload.label.padEnd(width)}  native ${plainMs.toFixed(1).padStart(6)} ms  compiled ${compiledMs.toFixed(1).padStart(6)} ms  ${(plainMs / compiledMs).toFixed(2)}x`);
  }
  lines.push(`            same results in both builds. The crawl is mostly GC, URL parsing, regexes, page rendering`);
  lines.push(`            and the runtime's own coroutines (waitFor, timeout, Queue: compiled in both); the audit is calls`);
  lines.push(`            and turns of the example's own coroutines`);
  lines.push(`  the network crawl above (${(crawlElapsedMs / 1000).toFixed(2)} s) waits on sockets and timers: I/O-bound, not compared`);
  return lines;
}
