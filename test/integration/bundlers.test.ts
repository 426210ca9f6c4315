/**
 * `tsyncio/rollup` from the packed package in real bundlers: rollup 4 (with and without
 * @rollup/plugin-typescript, and tsyncio as that plugin's `transformers` entry), vite 7 and vite 8
 * (`vite build` for node and the dev server's `ssrLoadModule`), vitest 4 running tests against compiled
 * coroutines. One install serves every case; each builds MAIN_TS (a `yield*` chain, sleep,
 * try/catch/finally, a thrown error), checks the output was compiled, runs it with
 * `node --enable-source-maps` and checks what it printed, the thrown error's position included (the
 * program prints it from the stack: right only if the bundle's source map chain reaches the `.ts` line).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_TIMEOUT, DECLINED_TS, EXPECTED_NATIVE_OUTPUT, EXPECTED_OUTPUT, MAIN_TS, SETUP_TIMEOUT, exec, installToolchain, type Result, type Toolchain } from './helpers.js';

// Pinned exactly. vite 8 is installed beside vite 7 under an npm alias (configs here import neither).
const PACKAGES = [
  'typescript@5.9.3',
  'rollup@4.68.8',
  '@rollup/plugin-typescript@12.3.1',
  'tslib@2.9.1',
  'vite@7.3.8',
  'vite8@npm:vite@8.3.8',
  'vitest@4.1.12',
];

const VITES = [
  { label: 'vite 7', pkg: 'vite' },
  { label: 'vite 8', pkg: 'vite8' },
] as const;

const FRAME_CLASSES = ['countdown$Frame', 'failing$Frame', 'leaf$Frame', 'main$Frame', 'middle$Frame', 'relay$Frame'];

/** The outer vitest's variables would make the nested tools think they run inside it. */
const CLEAN_ENV: NodeJS.ProcessEnv = { NODE_ENV: undefined, TEST: undefined, VITEST: undefined, VITEST_MODE: undefined, VITEST_POOL_ID: undefined, VITEST_WORKER_ID: undefined };

function describeResult(what: string, result: Result): string {
  return `${what} exited with ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/** The TypeScript options of every project: ES modules for a bundler, source maps, no Node typings needed. */
const TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, sourceMap: true, types: [], skipLibCheck: true },
};

describe('tsyncio/rollup in rollup 4, vite 7 and 8, vitest 4', () => {
  let toolchain: Toolchain;
  beforeAll(async () => {
    toolchain = await installToolchain('bundlers', PACKAGES);
  }, SETUP_TIMEOUT);
  afterAll(() => toolchain?.remove());

  function project(name: string, files: Record<string, string>): string {
    const dir = join(toolchain.dir, name);
    mkdirSync(dir, { recursive: true });
    const all: Record<string, string> = {
      'package.json': `${JSON.stringify({ private: true, type: 'module' })}\n`,
      'tsconfig.json': `${JSON.stringify({ ...TSCONFIG, include: ['*.ts'] }, null, 2)}\n`,
      ...files,
    };
    for (const [file, text] of Object.entries(all)) writeFileSync(join(dir, file), text);
    return dir;
  }

  /** A package's bin in the toolchain, run by this node without the outer vitest's environment. */
  function bin(pkg: string, name: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
    const manifest = JSON.parse(readFileSync(join(toolchain.dir, 'node_modules', pkg, 'package.json'), 'utf8')) as { bin: string | Record<string, string> };
    const script = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[name]!;
    return exec(process.execPath, [join(toolchain.dir, 'node_modules', pkg, script), ...args], cwd, { ...CLEAN_ENV, ...env });
  }

  async function build(pkg: string, name: string, args: readonly string[], cwd: string): Promise<void> {
    const result = await bin(pkg, name, args, cwd);
    expect(result.code, describeResult(`${name} ${args.join(' ')}`, result)).toBe(0);
  }

  /** (a) The bundle has no generator function left and a frame class per coroutine; the runtime stays an import. */
  function expectBundleTransformed(dir: string, file = join('out', 'main.js')): void {
    const js = readFileSync(join(dir, file), 'utf8');
    expect(js, 'a generator function survived: the plugin did not run').not.toMatch(/function\s*\*/);
    // rollup and vite 7 keep `class X$Frame`; rolldown (vite 8) writes `var X$Frame = class`.
    const classes = [...js.matchAll(/\bclass (\w+\$Frame)\b|\b(\w+\$Frame) = class\b/g)].map((m) => m[1] ?? m[2]).sort();
    expect(classes).toEqual(FRAME_CLASSES);
    expect(js).toMatch(/from ['"]tsyncio['"]/);
    const map = JSON.parse(readFileSync(join(dir, `${file}.map`), 'utf8')) as { sources: string[] };
    expect(map.sources.map((source) => source.replace(/^.*\//, ''))).toEqual(['main.ts']);
  }

  /**
   * (b) and (c): the program's output, the throw's stack position mapped to main.ts included, the
   * frame's name and the coroutine chain.
   */
  async function expectRuns(dir: string, file = join('out', 'main.js'), expected = EXPECTED_OUTPUT): Promise<void> {
    const result = await exec(process.execPath, ['--enable-source-maps', file], dir, CLEAN_ENV);
    expect(result.code, describeResult(`node ${file}`, result)).toBe(0);
    expect(result.stdout.trim()).toBe(expected);
  }

  describe('rollup 4', () => {
    /** A rollup config: `plugins` is its source text, after the imports every config gets. */
    const rollupConfig = (plugins: string): string => `import ts from 'typescript';
import typescript from '@rollup/plugin-typescript';
import tsyncio from 'tsyncio/rollup';
import { createTransformer } from 'tsyncio/transformer';

export default {
  input: 'main.ts',
  external: ['tsyncio'],
  output: { dir: 'out', format: 'es', sourcemap: true },
  plugins: ${plugins},
};
`;
    const OPTIONS = "{ generators: 'all', onUnsupported: 'error' }";

    // @rollup/plugin-typescript emits in its `load` hook, from its own program over the files on disk;
    // tsyncio works in `transform`, after every load. So either order gives tsyncio the JavaScript of
    // tsc's emit (types erased, JSDoc marks kept) and rollup chains the two source maps.
    it.each([
      ['tsyncio() before typescript()', `[tsyncio(${OPTIONS}), typescript()]`],
      ['typescript() before tsyncio()', `[typescript(), tsyncio(${OPTIONS})]`],
    ])('with @rollup/plugin-typescript, %s: compiled, runs, the throw maps to main.ts', async (name, plugins) => {
      const dir = project(`rollup-${name.startsWith('tsyncio') ? 'first' : 'second'}`, { 'main.ts': MAIN_TS, 'rollup.config.mjs': rollupConfig(plugins) });
      await build('rollup', 'rollup', ['-c'], dir);
      expectBundleTransformed(dir);
      await expectRuns(dir);
    }, CASE_TIMEOUT);

    // Enough for a program whose every .ts file has a coroutine; a file without one passes through
    // untouched, types and all, so a real project pairs tsyncio with a TypeScript plugin.
    it('tsyncio alone (it emits JavaScript for every file with a coroutine): compiled, runs, the throw maps to main.ts', async () => {
      const dir = project('rollup-alone', { 'main.ts': MAIN_TS, 'rollup.config.mjs': rollupConfig(`[tsyncio(${OPTIONS})]`) });
      await build('rollup', 'rollup', ['-c'], dir);
      expectBundleTransformed(dir);
      await expectRuns(dir);
    }, CASE_TIMEOUT);

    it("as @rollup/plugin-typescript's transformers.before entry (createTransformer from tsyncio/transformer)", async () => {
      const plugins = `[typescript({ transformers: { before: [createTransformer(ts, { generators: 'all', onDiagnostic: (d) => { throw new Error(d.message); } })] } })]`;
      const dir = project('rollup-transformers', { 'main.ts': MAIN_TS, 'rollup.config.mjs': rollupConfig(plugins) });
      await build('rollup', 'rollup', ['-c'], dir);
      expectBundleTransformed(dir);
      // A bare createTransformer has no program and no projectRoot option here: its debug tables name
      // the file as the host gave it, an absolute path.
      await expectRuns(dir, join('out', 'main.js'), EXPECTED_OUTPUT.replaceAll('(main.ts', `(${join(dir, 'main.ts')}`));
    }, CASE_TIMEOUT);

    it("control: with removeComments, tsc's emit has lost the /** @coroutine */ marks before tsyncio sees it", async () => {
      const dir = project('rollup-remove-comments', { 'main.ts': MAIN_TS, 'rollup.config.mjs': rollupConfig('[tsyncio(), typescript({ removeComments: true })]') });
      await build('rollup', 'rollup', ['-c'], dir);
      expect(() => expectBundleTransformed(dir)).toThrow();
      // Uncompiled, it prints what native generators show.
      await expectRuns(dir, join('out', 'main.js'), EXPECTED_NATIVE_OUTPUT);
    }, CASE_TIMEOUT);

    it('a declined coroutine: this.warn at declined.ts (7:2) and the build passes; with onUnsupported error, this.error fails it', async () => {
      const config = (options: string): string => rollupConfig(`[tsyncio(${options}), typescript()]`).replace("'main.ts'", "'declined.ts'");
      const lenient = project('rollup-declined-warn', { 'declined.ts': DECLINED_TS, 'rollup.config.mjs': config('') });
      const passed = await bin('rollup', 'rollup', ['-c'], lenient);
      expect(passed.code, passed.output).toBe(0);
      expect(passed.output).toContain("(!) [plugin tsyncio] declined.ts (7:2):");
      expect(passed.output).toContain("declined.ts:7:3: warning: cannot compile coroutine 'tally'");
      expect(readFileSync(join(lenient, 'out', 'declined.js'), 'utf8')).toMatch(/function\s*\*\s*tally/);

      const strict = project('rollup-declined-error', { 'declined.ts': DECLINED_TS, 'rollup.config.mjs': config("{ onUnsupported: 'error' }") });
      const failed = await bin('rollup', 'rollup', ['-c'], strict);
      expect(failed.code, failed.output).not.toBe(0);
      expect(failed.output).toContain('[plugin tsyncio] declined.ts (7:2):');
      expect(failed.output).toContain("declined.ts:7:3: error: cannot compile coroutine 'tally'");
      expect(existsSync(join(strict, 'out', 'declined.js'))).toBe(false);
    }, CASE_TIMEOUT);
  });

  // The configs import no `vite` (so vite 8 under its alias loads the same file) and tsyncio/rollup's ES module face.
  const VITE_CONFIG = `import tsyncio from 'tsyncio/rollup';

export default {
  plugins: [tsyncio({ generators: 'all', onUnsupported: process.env.LENIENT ? 'warn' : 'error' })],
  logLevel: 'warn',
  build: { ssr: process.env.ENTRY ?? 'main.ts', outDir: 'out', sourcemap: true, minify: false, target: 'node20' },
};
`;

  /** Through the dev server: transformRequest shows what the plugin made of main.ts, ssrLoadModule runs it. */
  const devScript = (pkg: string): string => `import { writeFileSync } from 'node:fs';
import { createServer } from '${pkg}';

const server = await createServer({ configFile: 'vite.config.mjs', logLevel: 'warn', appType: 'custom', server: { middlewareMode: true, hmr: false, ws: false } });
try {
  const { code } = await server.transformRequest('/main.ts', { ssr: true });
  writeFileSync('transformed.js', code);
  await server.ssrLoadModule('/main.ts');
} finally {
  await server.close();
}
`;

  describe.each(VITES)('$label', ({ pkg }) => {
    it('vite build (SSR, for node) with plugins: [tsyncio()]: compiled, runs, the throw maps to main.ts', async () => {
      const dir = project(`${pkg}-build`, { 'main.ts': MAIN_TS, 'vite.config.mjs': VITE_CONFIG });
      await build(pkg, 'vite', ['build'], dir);
      expectBundleTransformed(dir);
      await expectRuns(dir);
    }, CASE_TIMEOUT);

    it('the dev server (ssrLoadModule) runs main.ts through the plugin; the throw maps to main.ts', async () => {
      const dir = project(`${pkg}-dev`, { 'main.ts': MAIN_TS, 'vite.config.mjs': VITE_CONFIG, 'dev.mjs': devScript(pkg) });
      const result = await exec(process.execPath, ['--enable-source-maps', 'dev.mjs'], dir, CLEAN_ENV);
      expect(result.code, describeResult('node dev.mjs', result)).toBe(0);
      expect(result.stdout.trim()).toBe(EXPECTED_OUTPUT);
      const transformed = readFileSync(join(dir, 'transformed.js'), 'utf8');
      expect(transformed).not.toMatch(/function\s*\*/);
      for (const name of FRAME_CLASSES) expect(transformed).toContain(name);
    }, CASE_TIMEOUT);

    it('a declined coroutine is a build warning at declined.ts:7, or with onUnsupported error a failed build', async () => {
      const dir = project(`${pkg}-declined`, { 'declined.ts': DECLINED_TS, 'vite.config.mjs': VITE_CONFIG });
      const passed = await bin(pkg, 'vite', ['build'], dir, { ENTRY: 'declined.ts', LENIENT: '1' });
      expect(passed.code, passed.output).toBe(0);
      expect(passed.output).toMatch(/\[plugin tsyncio\] .*declined\.ts:7:3: warning: cannot compile coroutine 'tally'/);
      expect(readFileSync(join(dir, 'out', 'declined.js'), 'utf8')).toMatch(/function\s*\*\s*tally/);
      const failed = await bin(pkg, 'vite', ['build'], dir, { ENTRY: 'declined.ts' });
      expect(failed.code, failed.output).not.toBe(0);
      expect(failed.output).toContain('[plugin tsyncio]');
      expect(failed.output).toContain("declined.ts:7:3: error: cannot compile coroutine 'tally'");
      // loc, 0-based column: vite 7 prints `declined.ts (7:2)` and `file: …declined.ts:7:2`, vite 8 `…declined.ts:7:2`.
      expect(failed.output).toMatch(/declined\.ts:7:2\b/);
    }, CASE_TIMEOUT);
  });

  describe('vitest 4', () => {
    const LIB_TS = MAIN_TS.slice(0, MAIN_TS.indexOf('/** @coroutine */\nfunction* main')).replace(/^function\*/gm, 'export function*');
    const throwAt = (): string => {
      const lines = LIB_TS.split('\n');
      const line = lines.findIndex((text) => text.includes('throw new Error(message)'));
      return `lib.ts:${line + 1}:${lines[line]!.indexOf('new Error') + 1}`;
    };
    const TEST_TS = `import { isFrame, run, type Coroutine } from 'tsyncio';
import { expect, it } from 'vitest';
import { countdown, failing, middle } from './lib.js';

it('coroutine objects are frames', () => {
  const m = middle(3);
  expect(isFrame(m)).toBe(true);
  expect(m.constructor.name).toBe('middle$Frame');
  // Not marked: a frame only because the config says generators: 'all'.
  expect(isFrame(countdown(3))).toBe(true);
  expect([...countdown(3)]).toEqual([3, 2, 1]);
});

it('runs a yield* chain with sleeps, try/catch/finally, and a throw at its .ts position', async () => {
  const log: string[] = [];
  /** @coroutine */
  function* main(): Coroutine<void> {
    log.push(\`middle(3) = \${yield* middle(3)}\`);
    try {
      yield* failing('boom');
    } catch (error) {
      log.push(\`caught \${(error as Error).message}\`);
      log.push(/lib\\.ts:\\d+:\\d+/.exec((error as Error).stack ?? '')?.[0] ?? 'no lib.ts position');
    } finally {
      log.push('finally ran');
    }
  }
  expect(isFrame(main())).toBe(true);
  await run(main());
  expect(log).toEqual(['middle(3) = 18', 'caught boom', '${throwAt()}', 'finally ran']);
});
`;
    const CONFIG = `import tsyncio from 'tsyncio/rollup';

export default { plugins: process.env.NO_TSYNCIO ? [] : [tsyncio({ generators: 'all', onUnsupported: 'error' })] };
`;

    it("plugins: [tsyncio({ generators: 'all' })]: the tests run against frames; without the plugin they fail", async () => {
      const dir = project('vitest', { 'lib.ts': LIB_TS, 'coroutines.test.ts': TEST_TS, 'vitest.config.mjs': CONFIG });
      const passed = await bin('vitest', 'vitest', ['run'], dir);
      expect(passed.code, passed.output).toBe(0);
      expect(passed.output).toMatch(/Tests\s+2 passed \(2\)/);
      const control = await bin('vitest', 'vitest', ['run'], dir, { NO_TSYNCIO: '1' });
      expect(control.code, control.output).not.toBe(0);
      expect(control.output).toMatch(/Tests\s+2 failed \(2\)/);
    }, CASE_TIMEOUT);
  });

  it("tsyncio/rollup's types fit vite 7 and 8, vitest/config, rollup and @rollup/plugin-typescript's transformers", async () => {
    const dir = project('types', {
      'vite.config.ts': "import { defineConfig } from 'vite';\nimport tsyncio from 'tsyncio/rollup';\n\nexport default defineConfig({ plugins: [tsyncio({ generators: 'all', include: ['src/**/*.ts'] })] });\n",
      'vite8.config.ts': "import { defineConfig } from 'vite8';\nimport tsyncio from 'tsyncio/rollup';\n\nexport default defineConfig({ plugins: [tsyncio()] });\n",
      'vitest.config.ts': "import { defineConfig } from 'vitest/config';\nimport tsyncio from 'tsyncio/rollup';\n\nexport default defineConfig({ plugins: [tsyncio({ generators: 'all' })], test: {} });\n",
      'rollup.config.ts': `import typescript from '@rollup/plugin-typescript';
import type { Plugin, RollupOptions } from 'rollup';
import tsyncio, { type TsyncioPluginOptions } from 'tsyncio/rollup';
import { createTransformer } from 'tsyncio/transformer';
import ts from 'typescript';

const options: TsyncioPluginOptions = { onUnsupported: 'error', onDiagnostic: (d) => console.warn(d.message) };
const plugin: Plugin = tsyncio(options);
export default {
  input: 'main.ts',
  plugins: [plugin, typescript({ transformers: { before: [createTransformer(ts, { generators: 'all' })] } })],
} satisfies RollupOptions;
`,
    });
    const result = await bin('typescript', 'tsc', ['-p', '.', '--noEmit'], dir);
    expect(result.code, describeResult('tsc --noEmit', result)).toBe(0);
  }, CASE_TIMEOUT);
});
