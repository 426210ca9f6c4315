/**
 * The real `bin/tsyncio.js` as a child process, on the built CLI in dist/ (rebuilt with `npm run build`
 * when it is missing or older than cli/ or transformer/). The other files test the same commands in
 * this process; this one checks the executable itself: shebang, exit status, the streams.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, holdingPackLock, isStale } from '../built-dist.js';
import { MIXED_SOURCE, tempProject } from './helpers.js';

const BIN = join(REPO, 'bin', 'tsyncio.js');
const BUILT_ENTRY = join(REPO, 'dist', 'cli', 'cli', 'main.js');

interface BinRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runBin(args: readonly string[], cwd: string): BinRun {
  // Executed through its shebang, as a user's shell does.
  const result = spawnSync(BIN, args, { cwd, encoding: 'utf8', env: { ...process.env, COLUMNS: undefined } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/tsyncio.js', () => {
  const project = tempProject({ 'mixed.ts': MIXED_SOURCE });
  let runs: Record<'version' | 'emit' | 'outDir' | 'compare' | 'missing' | 'unknown', BinRun>;

  beforeAll(async () => {
    runs = await holdingPackLock(() => {
      if (isStale([BUILT_ENTRY], ['cli', 'transformer'])) {
        const build = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
        if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
      }
      return {
        version: runBin(['--version'], project.dir),
        emit: runBin(['emit', 'mixed.ts'], project.dir),
        outDir: runBin(['emit', '--out-dir', 'out', 'mixed.ts'], project.dir),
        compare: runBin(['compare', 'mixed.ts'], project.dir),
        missing: runBin(['emit', 'nope.ts'], project.dir),
        unknown: runBin(['frobnicate'], project.dir),
      };
    });
  }, 120_000);
  afterAll(() => project.cleanup());

  it('is an executable ES module script', () => {
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(BIN).mode & 0o111).not.toBe(0);
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin?: Record<string, string>; type?: string };
    expect(manifest.bin).toEqual({ tsyncio: 'bin/tsyncio.js' });
    expect(manifest.type).toBe('module');
  });

  it('--version', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(runs.version).toEqual({ status: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });

  it('emit: JavaScript on stdout, the decline on stderr with the path as given', () => {
    expect(runs.emit.status).toBe(0);
    expect(runs.emit.stdout).toContain('class countdown$Frame {');
    expect(runs.emit.stderr).toMatch(/^mixed\.ts:13:3: warning: cannot compile coroutine 'keysOf'/);
  });

  it('emit --out-dir: the file and its map', () => {
    expect(runs.outDir).toEqual({ status: 0, stdout: '', stderr: expect.stringMatching(/^mixed\.ts:13:3: warning/) as unknown });
    expect(readFileSync(join(project.dir, 'out', 'mixed.js'), 'utf8')).toContain('//# sourceMappingURL=mixed.js.map');
    expect(JSON.parse(readFileSync(join(project.dir, 'out', 'mixed.js.map'), 'utf8'))).toMatchObject({ file: 'mixed.js', sources: ['../mixed.ts'] });
  });

  it('compare: stacked when stdout is a pipe, the three versions and the summary', () => {
    expect(runs.compare.status).toBe(0);
    expect(runs.compare.stdout).not.toContain(' │ ');
    expect(runs.compare.stdout).toMatch(/── source · \d+ lines, \d+ B/);
    expect(runs.compare.stdout).toMatch(/── tsyncio · \d+ lines, \d+ B/);
    expect(runs.compare.stdout).toMatch(/── tsc ES5 · \d+ lines, \d+ B/);
    expect(runs.compare.stdout).toMatch(/^summary: mixed\.ts: 2 coroutines, 1 compiled, 1 declined/m);
  });

  it('a missing file and an unknown command: one line, non-zero', () => {
    expect(runs.missing).toEqual({ status: 1, stdout: '', stderr: 'tsyncio: nope.ts: no such file\n' });
    expect(runs.unknown).toEqual({ status: 2, stdout: '', stderr: "tsyncio: unknown command 'frobnicate' (commands: emit, compare) (see 'tsyncio --help')\n" });
  });
});
