/**
 * The echo load test's harness (bench/echo-load.ts and its children), run as `npm run bench` runs it
 * but with `--smoke`: a tiny load (4 connections × 25 round trips, one round), so it checks that the
 * three servers echo correctly through the harness, not how fast. No timing is asserted here.
 *
 * It runs the built files in dist/ (dist/bench, dist/examples, and dist/examples-compiled as
 * `npm start` builds it), rebuilt first when missing or older than their sources, under the lock
 * test/integration holds while its `npm pack` rewrites dist/ (as test/cli/bin.test.ts does).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ServerResult } from '../../bench/echo-load.js';
import { REPO, holdingPackLock, isStale } from '../built-dist.js';

const BENCH = join(REPO, 'dist', 'bench', 'echo-load.js');
const BUILT = [
  BENCH,
  join(REPO, 'dist', 'bench', 'echo-load', 'server.js'),
  join(REPO, 'dist', 'bench', 'echo-load', 'client.js'),
  join(REPO, 'dist', 'examples', 'echo-server.js'),
  join(REPO, 'dist', 'examples-compiled', 'examples', 'echo-server.js'),
];
const SOURCES = ['bench', 'runtime', 'transformer', 'examples'];

function run(command: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface SmokeReport {
  connections: number;
  roundTrips: number;
  lineBytes: number;
  results: ServerResult[];
}

let ok: ReturnType<typeof run>;
let broken: ReturnType<typeof run>;

beforeAll(async () => {
  [ok, broken] = await holdingPackLock(() => {
    if (isStale(BUILT, SOURCES)) {
      for (const [command, args] of [
        ['npm', ['run', 'build']],
        [process.execPath, ['scripts/build-examples.mjs']],
      ] as const) {
        const build = run(command, args);
        if (build.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${build.stdout}\n${build.stderr}`);
      }
    }
    return [run(process.execPath, [BENCH, '--smoke', '--json']), run(process.execPath, [BENCH, '--smoke', '--json', '--servers', 'node,broken'])];
  });
}, 120_000);

describe('bench/echo-load.ts --smoke', () => {
  it('the uncompiled and compiled echo examples and the plain Node server echo every line, and close', () => {
    expect(ok.status, ok.stderr).toBe(0);
    const report = JSON.parse(ok.stdout) as SmokeReport;
    expect(report.results.map((result) => result.kind)).toEqual(['uncompiled', 'compiled', 'node']);
    for (const { runs, peakRss } of report.results) {
      expect(runs).toHaveLength(1);
      const [only] = runs;
      expect(only?.stats.requests).toBe(report.connections * report.roundTrips);
      expect(only?.stats.bytes).toBe(report.connections * report.roundTrips * report.lineBytes);
      expect(only?.memory.heapUsed).toBeGreaterThan(0);
      expect(peakRss).toBeGreaterThan(0);
    }
  });

  it('a server that corrupts an echo fails the run: exit 1, the reason on stderr', () => {
    expect(broken.status).toBe(1);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toMatch(/server broken: connection \d+, round trip \d+: the echo from byte 0 is not what was sent/);
  });
});
