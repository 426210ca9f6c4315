/**
 * The benchmark suite's harness (bench/suite/main.ts and its children), run as `npm run bench` runs
 * it but with `--smoke`: every scenario × implementation at tiny sizes, one run each, every result
 * checked by the harness as in a full run; then the transform benchmark on a tiny project. It checks
 * that every implementation does the same logical work, not how fast: no timing is asserted.
 *
 * It runs the built files in dist/ (the suite, the runtime and the transformer it compiles
 * workload.ts with), rebuilt first when missing or older than their sources, under the lock
 * test/integration holds while its `npm pack` rewrites dist/ (as test/bench/echo-load.test.ts does).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/suite/report.js';
import { SCENARIO_IDS } from '../../bench/suite/spec.js';
import { REPO, holdingPackLock, isStale } from '../built-dist.js';

const MAIN = join(REPO, 'dist', 'bench', 'suite', 'main.js');
const BUILT = [MAIN, join(REPO, 'dist', 'bench', 'suite', 'child.js'), join(REPO, 'dist', 'transformer', 'transform-code.js'), join(REPO, 'dist', 'runtime', 'index.js')];
const SOURCES = ['bench', 'runtime', 'transformer'];

function run(command: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let smoke: ReturnType<typeof run>;
let corrupted: ReturnType<typeof run>;

beforeAll(async () => {
  [smoke, corrupted] = await holdingPackLock(() => {
    if (isStale(BUILT, SOURCES)) {
      const build = run('npm', ['run', 'build']);
      if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
    }
    return [
      run(process.execPath, [MAIN, '--smoke', '--json']),
      run(process.execPath, [MAIN, '--smoke', '--json', '--scenarios', 'S1', '--only', 'compiled,plain', '--no-transform', '--corrupt', 'plain']),
    ];
  });
}, 180_000);

describe('bench/suite --smoke', () => {
  it('runs every scenario × implementation through the harness, each with the expected result', () => {
    expect(smoke.status, smoke.stderr).toBe(0);
    const results = JSON.parse(smoke.stdout) as BenchResults;
    expect(results.mode).toBe('smoke');
    expect(results.scenarios.map((scenario) => scenario.id)).toEqual(SCENARIO_IDS);
    for (const scenario of results.scenarios) {
      const implementations = scenario.cells.map((cell) => cell.implementation);
      expect(implementations).toEqual(
        expect.arrayContaining(['compiled', 'uncompiled', 'es5', 'regenerator', 'async', 'effection', 'co', 'plain']),
      );
      for (const cell of scenario.cells) {
        expect(cell.steps, `${scenario.id} / ${cell.implementation}`).toBeGreaterThan(0);
        expect(Number.isFinite(cell.nsPerStep), `${scenario.id} / ${cell.implementation}`).toBe(true);
        expect(Number.isFinite(cell.bytesPerStep), `${scenario.id} / ${cell.implementation}`).toBe(true);
      }
    }
    expect(results.scenarios.find((scenario) => scenario.id === 'S1')?.cells.map((cell) => cell.implementation)).toContain('compiled-debug');
    // Every compiled coroutine of workload.ts went through the real transformer.
    expect(results.variants['compiled']).toMatch(/(\d+)\/\1 coroutines compiled/);
    expect(results.targets.length).toBeGreaterThan(0);
  });

  it('the transform benchmark built the generated project with and without the plugin', () => {
    const results = JSON.parse(smoke.stdout) as BenchResults;
    expect(results.transform?.coroutines).toBeGreaterThan(0);
    expect(results.transform?.transformCodeLinesPerSecond).toBeGreaterThan(0);
  });

  it('an implementation returning a wrong result fails the run: exit 1, the reason on stderr', () => {
    expect(corrupted.status).toBe(1);
    expect(corrupted.stdout).toBe('');
    expect(corrupted.stderr).toMatch(/S1 \/ plain: run 1 returned \d+, expected \d+/);
  });
});
