// `npm run build`'s compile of tsconfig.build.json (runtime/, bench/, examples/ into dist/), as
// `tsc -p tsconfig.build.json` would, except that the runtime's own generator functions go through the
// tsyncio transformer (scripts/runtime-compile.mjs says which, and why the frame core stays native).
// bench/ and examples/ stay plain: they are the uncompiled side of `npm start` and the benchmarks.
// Needs dist/transformer (tsconfig.transformer.json) built first. Exits 1 on any type error, and on
// any runtime coroutine the transformer declines (the runtime must compile whole).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCompiledRuntimeFile, nativeRuntimeFiles, supportSpecifierFor } from './runtime-compile.mjs';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// dist/transformer is CommonJS inside a "type": "module" package: its package.json says so (and the
// package ships it), before anything loads the plugin.
writeFileSync(join(repo, 'dist', 'transformer', 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
const { createTransformer, formatDiagnostic } = require(join(repo, 'dist', 'transformer', 'index.js'));

const formatHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => repo, getNewLine: () => '\n' };
const report = (diagnostics) => {
  if (diagnostics.length === 0) return;
  process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost));
};

const configFile = join(repo, 'tsconfig.build.json');
const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => report([d]) });
if (parsed === undefined) process.exit(1);
const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, configFileParsingDiagnostics: parsed.errors });
const preEmit = ts.getPreEmitDiagnostics(program);
report(preEmit);
if (preEmit.some((d) => d.category === ts.DiagnosticCategory.Error)) process.exit(1);

const native = nativeRuntimeFiles(ts);
const declines = [];
let compiledFrames = 0;
// One transformer per file: each imports the helpers by its own relative path.
const runtimeTransform = (context) => (sourceFile) => {
  if (!isCompiledRuntimeFile(sourceFile.fileName, native)) return sourceFile;
  const transform = createTransformer(ts, {
    generators: 'all',
    runtimeModule: supportSpecifierFor(sourceFile.fileName),
    projectRoot: repo,
    onDiagnostic: (d) => declines.push(d),
    onCompiled: () => compiledFrames++,
  })(context);
  return transform(sourceFile);
};
const emitted = program.emit(undefined, undefined, undefined, false, { before: [runtimeTransform] });
report(emitted.diagnostics);
if (emitted.emitSkipped || emitted.diagnostics.some((d) => d.category === ts.DiagnosticCategory.Error)) process.exit(1);
if (declines.length > 0) {
  for (const d of declines) process.stderr.write(`${formatDiagnostic({ ...d, fileName: relative(repo, d.fileName) })}\n`);
  process.stderr.write(`build-runtime: the runtime must compile whole; ${declines.length} coroutine(s) declined\n`);
  process.exit(1);
}
if (compiledFrames === 0) {
  process.stderr.write('build-runtime: no runtime coroutine was compiled\n');
  process.exit(1);
}
