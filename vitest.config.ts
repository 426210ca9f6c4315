import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import tsyncio from './transformer/rollup.js';
import { isCompiledRuntimeFile, nativeRuntimeFiles, supportModule } from './scripts/runtime-compile.mjs';

/** The runtime's suites that also run compiled: every generator function in them becomes a frame. */
const COMPILED_SUITES = ['test/core', 'test/combinators', 'test/sync', 'test/frames', 'test/debug', 'test/streams', 'test/executor', 'test/subprocess'];
declare module 'vitest' {
  interface ProvidedContext {
    /** True in the project whose test coroutines are compiled to frames. */
    compiledCoroutines: boolean;
  }
}

const runtimeEntry = fileURLToPath(new URL('./runtime/index.ts', import.meta.url));
const nativeRuntime = nativeRuntimeFiles();

/**
 * Emitted code imports the runtime as 'tsyncio': the same module instance the tests import, except
 * in the runtime's own compiled files, which import the frame helpers from runtime/compiled-support.ts
 * as in the build (scripts/runtime-compile.mjs). An alias cannot tell importers apart, so a resolver.
 */
const resolveRuntime: Plugin = {
  name: 'tsyncio-runtime',
  enforce: 'pre',
  resolveId(source, importer) {
    if (source !== 'tsyncio') return null;
    return importer !== undefined && isCompiledRuntimeFile(importer.split('?')[0] ?? importer, nativeRuntime) ? supportModule : runtimeEntry;
  },
};

export default defineConfig({
  test: {
    // The allocation tests read the GC counters of their own process; keep files isolated.
    pool: 'forks',
    // The allocation tests count GC events of code V8 optimizes. Optimizing on another thread, the
    // code lands at a moment that depends on the machine's load, and so does what V8 has inlined by
    // then: under CI's load a frame was sometimes left un-inlined and allocated. Compiling on the
    // test's own thread makes it the same every run.
    execArgv: ['--no-concurrent-recompilation'],
    testTimeout: 60_000,
    // Under CI a JSON report as well, from which .ci/run prints the plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'native', include: ['test/**/*.test.ts'], exclude: ['test/compiled/**'], provide: { compiledCoroutines: false } },
      },
      {
        // The same suites with the tsyncio vite plugin compiling every generator function of the
        // test code and of the runtime (as the build compiles it: scripts/runtime-compile.mjs):
        // compiled coroutines must pass every test the native ones pass. Declined functions stay
        // native generators, as in any build; the declines are not printed here (they are
        // expected), test/compiled checks that compiling really happened.
        extends: true,
        plugins: [
          resolveRuntime,
          tsyncio({
            generators: 'all',
            include: [...COMPILED_SUITES.map((dir) => `${dir}/**/*.ts`), 'runtime/**/*.ts', 'test/smoke.test.ts', 'test/compiled/**/*.ts'],
            exclude: ['**/node_modules/**', ...nativeRuntime],
            onDiagnostic: () => {},
          }),
        ],
        test: {
          name: 'compiled',
          provide: { compiledCoroutines: true },
          include: [...COMPILED_SUITES.map((dir) => `${dir}/**/*.test.ts`), 'test/smoke.test.ts', 'test/compiled/**/*.test.ts'],
          // It has no generator function to compile (its coroutines are bench/frames.ts, hand-written
          // frames and their native controls), and its GC counts are better read without a second
          // copy of every suite running beside it.
          exclude: ['test/frames/allocation.test.ts'],
        },
      },
    ],
  },
});
