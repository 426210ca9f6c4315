import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { MISMARKED_SOURCE, MIXED_SOURCE, tempProject, tsyncio } from './helpers.js';

describe('tsyncio emit', () => {
  let cleanup = (): void => {};
  afterEach(() => cleanup());
  const project = (files: Record<string, string>): ReturnType<typeof tempProject> => {
    const made = tempProject(files);
    cleanup = made.cleanup;
    return made;
  };

  it('prints the transformed file on stdout and the declines on stderr as file:line:col', () => {
    const { path } = project({ 'mixed.ts': MIXED_SOURCE });
    const run = tsyncio(['emit', path('mixed.ts')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('class countdown$Frame {');
    expect(run.stdout).toContain('return new countdown$Frame(from);');
    expect(run.stdout).toMatch(/from "tsyncio"/);
    // Types are gone, the declined coroutine stays a generator.
    expect(run.stdout).not.toContain('Record<string, number>');
    expect(run.stdout).toContain('function* keysOf(record)');
    expect(run.stderr).toBe(`${path('mixed.ts')}:13:3: warning: cannot compile coroutine 'keysOf': \`eval\` inside a coroutine is not supported; left as a native generator\n`);
  });

  it('exits 1 when a diagnostic is an error', () => {
    const { path } = project({ 'mismarked.ts': MISMARKED_SOURCE });
    const run = tsyncio(['emit', path('mismarked.ts')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/mismarked\.ts:2:1: error: @coroutine marks a function that is not a generator/);
    expect(run.stdout).toContain('function notAGenerator()');
  });

  it('reports the diagnostics of a file in file order', () => {
    const { path } = project({ 'mixed.ts': `${MIXED_SOURCE}\n${MISMARKED_SOURCE}` });
    const run = tsyncio(['emit', path('mixed.ts')]);
    expect(run.status).toBe(1);
    expect(run.stderr.split('\n').map((line) => /:(\d+):\d+: (error|warning)/.exec(line)?.slice(1, 3).join(' ')).filter(Boolean)).toEqual(['13 warning', '21 error']);
  });

  it('--generators all compiles unmarked generators too', () => {
    const { path } = project({ 'mixed.ts': MIXED_SOURCE });
    expect(tsyncio(['emit', path('mixed.ts')]).stdout).not.toContain('plainGenerator$Frame');
    expect(tsyncio(['emit', '--generators', 'all', path('mixed.ts')]).stdout).toContain('class plainGenerator$Frame');
  });

  it('--target and --module reach TypeScript', () => {
    const { path } = project({ 'mixed.ts': MIXED_SOURCE });
    const run = tsyncio(['emit', '--target=es5', '--module', 'commonjs', path('mixed.ts')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('require("tsyncio")');
    expect(run.stdout).toContain('var countdown$Frame = /** @class */');
  });

  it('names each file before its output when there are several', () => {
    const { path } = project({ 'a.ts': MIXED_SOURCE, 'b.ts': 'export const b = 1;\n' });
    const run = tsyncio(['emit', path('a.ts'), path('b.ts')]);
    expect(run.status).toBe(0);
    expect(run.stdout.indexOf(`// ${path('a.ts')}\n`)).toBe(0);
    expect(run.stdout).toContain(`// ${path('b.ts')}\nexport const b = 1;\n`);
  });

  it('--out-dir writes <name>.js with its source map, which leads back to the .ts lines', () => {
    const { dir, path } = project({ 'mixed.ts': MIXED_SOURCE, 'other.mts': 'export const other = 2;\n' });
    const outDir = `${dir}/out/nested`;
    const run = tsyncio(['emit', '--out-dir', outDir, path('mixed.ts'), path('other.mts')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    const code = readFileSync(`${outDir}/mixed.js`, 'utf8');
    expect(code).toContain('class countdown$Frame');
    expect(code.trimEnd().endsWith('//# sourceMappingURL=mixed.js.map')).toBe(true);
    const map = JSON.parse(readFileSync(`${outDir}/mixed.js.map`, 'utf8')) as { file: string; sources: string[]; mappings: string };
    expect(map.file).toBe('mixed.js');
    expect(map.sources).toEqual(['../../mixed.ts']);
    // The factory that replaced `countdown` maps back to the function's line in the source.
    const lines = code.split('\n');
    const factoryLine = lines.findIndex((line) => line.startsWith('export function countdown('));
    const entry = new SourceMap(map as ConstructorParameters<typeof SourceMap>[0]).findEntry(factoryLine, 0);
    expect(entry).toMatchObject({ originalLine: 3 });
    expect(existsSync(`${outDir}/other.mjs`)).toBe(true);
    expect(existsSync(`${outDir}/other.mjs.map`)).toBe(true);
  });

  it('--out-dir refuses two inputs that would write the same file', () => {
    const first = project({ 'same.ts': MIXED_SOURCE });
    const second = tempProject({ 'same.ts': MIXED_SOURCE });
    try {
      const run = tsyncio(['emit', '--out-dir', `${first.dir}/out`, first.path('same.ts'), second.path('same.ts')]);
      expect(run.status).toBe(1);
      expect(run.stderr).toBe(`tsyncio: ${first.path('same.ts')} and ${second.path('same.ts')} would both be written to same.js\n`);
      expect(existsSync(`${first.dir}/out`)).toBe(false);
    } finally {
      second.cleanup();
    }
  });
});
