/**
 * Makes the suite's tsyncio variants of bench/suite/workload.ts, beside the plain build of it that
 * `npm run build` wrote (dist/bench/suite/workload.js, native generators):
 *   - workload.compiled.js     the real transformer: `transformCode` of the built plugin (dist/transformer);
 *   - workload.es5.js          TypeScript's own downlevel to ES5 (`__generator`), the emit `tsc --target ES5` makes;
 *   - workload.regenerator.js  Babel's regenerator transform of the plain build (after its for-of transform).
 * Each is checked to be what it claims (every coroutine compiled, no generator function left), so a
 * build that silently did nothing cannot be measured as one that worked.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from '@babel/core';
import ts from 'typescript';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root (this file runs as dist/bench/suite/variants.js). */
export const REPO = join(HERE, '..', '..', '..');
const SOURCE = join(REPO, 'bench', 'suite', 'workload.ts');
const require = createRequire(import.meta.url);

/** The slice of transformer/transform-code.ts used here (typed locally: the build of bench/ must not pull the CommonJS transformer into its ES module emit). */
interface TransformCode {
  transformCode(
    code: string,
    options: { fileName: string; projectRoot: string; runtimeModule: string; onUnsupported: 'error'; target: 'ES2022'; module: 'ESNext' },
  ): { code: string; compiled: { className: string }[] };
}

export type Variant = 'compiled' | 'es5' | 'regenerator';

export const VARIANT_FILES: Record<Variant | 'uncompiled', string> = {
  uncompiled: join(HERE, 'workload.js'),
  compiled: join(HERE, 'workload.compiled.js'),
  es5: join(HERE, 'workload.es5.js'),
  regenerator: join(HERE, 'workload.regenerator.js'),
};

function countGeneratorFunctions(code: string): number {
  return (code.match(/function\s*\*/g) ?? []).length;
}

/** Writes the three variants; returns what each is, for the report. */
export function buildVariants(): Record<Variant | 'runtime', string> {
  const source = readFileSync(SOURCE, 'utf8');
  const generators = countGeneratorFunctions(source);

  const { transformCode } = require(join(REPO, 'dist', 'transformer', 'transform-code.js')) as TransformCode;
  // The emitted code imports the runtime from the same module the source does (one runtime instance).
  const compiled = transformCode(source, {
    fileName: SOURCE,
    projectRoot: REPO,
    runtimeModule: '../../runtime/index.js',
    onUnsupported: 'error',
    target: 'ES2022',
    module: 'ESNext',
  });
  if (compiled.compiled.length !== generators || countGeneratorFunctions(compiled.code) !== 0) {
    throw new Error(`variants: ${generators} coroutines in workload.ts, ${compiled.compiled.length} compiled, ${countGeneratorFunctions(compiled.code)} generator functions left`);
  }
  writeFileSync(VARIANT_FILES.compiled, compiled.code);

  const es5 = ts.transpileModule(source, {
    fileName: SOURCE,
    compilerOptions: { target: ts.ScriptTarget.ES5, module: ts.ModuleKind.ESNext, importHelpers: false, isolatedModules: true, sourceMap: false },
  }).outputText;
  if (countGeneratorFunctions(es5) !== 0 || !es5.includes('__generator')) throw new Error('variants: the ES5 emit still has generator functions, or no __generator');
  writeFileSync(VARIANT_FILES.es5, es5);

  const plain = readFileSync(VARIANT_FILES.uncompiled, 'utf8');
  if (countGeneratorFunctions(plain) !== generators) throw new Error(`variants: ${VARIANT_FILES.uncompiled} is not the plain build of workload.ts (run npm run build)`);
  const regenerator = transformSync(plain, {
    babelrc: false,
    configFile: false,
    sourceType: 'module',
    cwd: REPO,
    // regenerator takes no for-of inside a generator: the for-of transform runs first, as in preset-env.
    plugins: [require.resolve('@babel/plugin-transform-for-of'), require.resolve('@babel/plugin-transform-regenerator')],
  })?.code;
  if (regenerator === undefined || regenerator === null || countGeneratorFunctions(regenerator) !== 0 || !regenerator.includes('_regenerator')) {
    throw new Error('variants: the regenerator transform left generator functions, or has no regenerator runtime');
  }
  writeFileSync(VARIANT_FILES.regenerator, regenerator);

  // npm run build compiles the runtime's own coroutines (scripts/build-runtime.mjs); a plain tsc build does not.
  const runtimeCompiled = existsSync(join(REPO, 'dist', 'runtime', 'compiled-support.js')) && readFileSync(join(REPO, 'dist', 'runtime', 'queue.js'), 'utf8').includes('$Frame');
  return {
    runtime: runtimeCompiled
      ? 'dist/runtime as npm run build makes it: its own coroutines (Queue.get/put, gather, ...) compiled to frames, for every tsyncio line'
      : 'dist/runtime built plain (its own coroutines are native generators)',
    compiled: `transformCode (dist/transformer), ${compiled.compiled.length}/${generators} coroutines compiled to frame classes, target ES2022`,
    es5: `ts.transpileModule target ES5 (TypeScript ${ts.version}), __generator state machines`,
    regenerator: `@babel/core + @babel/plugin-transform-regenerator over the plain build; the regenerator runtime inlined as Babel's _regenerator helper`,
  };
}
