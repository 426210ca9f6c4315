// `npm start`'s compiled build of the examples, after `npm run build` (which also wrote the plain,
// uncompiled build to dist/examples/ and the plugin to dist/transformer/):
//   1. tspc (ts-patch 3.3) -p tsconfig.examples-compiled.json: examples/ and the runtime they import,
//      through the tsyncio plugin, into dist/examples-compiled/;
//   2. checks that the output really was transformed, file by file: the frame classes the transformer
//      reports (its onCompiled hook, through transformCode on the same sources) are in the emitted
//      JavaScript, and every other generator function of the source is still one, nothing more; a
//      build with no compiled coroutine at all (an unpatched tsc ignores `plugins`) fails;
//   3. makes the emitted `import ... from 'tsyncio'` resolve to the runtime the examples import (one
//      runtime instance, see below) and checks that it does;
//   4. writes build-report.json (what was compiled or declined and why, sizes) for the app to print.
// Options: --project <tsconfig> (default tsconfig.examples-compiled.json), --plain-out <dir> (the
// plain build's outDir, for its sizes and modules; default dist). Exits 1 with the reason on any failure.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const ts = require('typescript');

const { values: args } = parseArgs({
  options: {
    project: { type: 'string', default: join(repo, 'tsconfig.examples-compiled.json') },
    'plain-out': { type: 'string', default: join(repo, 'dist') },
  },
});
const project = resolve(args.project);
const plainOut = resolve(args['plain-out']);

function fail(message) {
  console.error(`build-examples: ${message}`);
  process.exit(1);
}

// The project as tspc will see it.
const parsed = ts.getParsedCommandLineOfConfigFile(project, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')) });
if (parsed === undefined) fail(`cannot read ${project}`);
const { outDir, rootDir } = parsed.options;
if (outDir === undefined || rootDir === undefined) fail(`${project} must set outDir and rootDir`);
const pluginEntry = (parsed.options.plugins ?? []).find((entry) => typeof entry.transform === 'string');
if (pluginEntry === undefined) fail(`${project} has no compilerOptions.plugins entry with a "transform"`);
const transformerFile = pluginEntry.transform.startsWith('.') ? resolve(dirname(project), pluginEntry.transform) : require.resolve(pluginEntry.transform);
if (!existsSync(transformerFile)) fail(`the plugin ${transformerFile} is not built: run npm run build first`);

// 1. The build.
rmSync(outDir, { recursive: true, force: true });
const started = performance.now();
const tspc = spawnSync(process.execPath, [require.resolve('ts-patch/bin/tspc.js'), '-p', project], { cwd: repo, encoding: 'utf8' });
const buildSeconds = (performance.now() - started) / 1000;
const tspcOutput = `${tspc.stdout}${tspc.stderr}`;
if (tspc.status !== 0) fail(`tspc -p ${relative(repo, project)} exited with ${tspc.status}:\n${tspcOutput}`);
const pluginWarnings = (tspcOutput.match(/TS990001/g) ?? []).length;

// 2. What the transformer did with each example, and whether the emitted files show it.
const { transformCode } = require(join(dirname(transformerFile), 'transform-code.js'));
const transformOptions = { generators: pluginEntry.generators ?? 'marked', ...(pluginEntry.runtimeModule ? { runtimeModule: pluginEntry.runtimeModule } : {}) };

/** Generator functions of a file (declarations, expressions, methods) and the classes named *$Frame. */
function census(fileName, text) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  let generators = 0;
  const frameClasses = [];
  const visit = (node) => {
    if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) && node.asteriskToken !== undefined) generators++;
    if (ts.isClassDeclaration(node) && node.name !== undefined && node.name.text.endsWith('$Frame')) frameClasses.push(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { generators, frameClasses };
}

const examplesDir = join(rootDir, 'examples');
const files = [];
const sizes = { sourceBytes: 0, compiledBytes: 0, plainBytes: 0, plainComplete: true };
for (const sourceFile of parsed.fileNames.filter((name) => resolve(name).startsWith(examplesDir)).sort()) {
  const relativePath = relative(rootDir, sourceFile);
  const emittedFile = join(outDir, relativePath.replace(/\.ts$/, '.js'));
  if (!existsSync(emittedFile)) fail(`tspc wrote no ${relative(repo, emittedFile)}`);
  const sourceText = readFileSync(sourceFile, 'utf8');
  const emittedText = readFileSync(emittedFile, 'utf8');
  const result = transformCode(sourceText, { ...transformOptions, fileName: sourceFile });
  const before = census(sourceFile, sourceText);
  const after = census(emittedFile, emittedText);
  const expectedClasses = result.compiled.map((coroutine) => coroutine.className).sort();
  if (JSON.stringify(after.frameClasses.sort()) !== JSON.stringify(expectedClasses)) {
    fail(`${relativePath}: the transformer compiles [${expectedClasses.join(', ')}], the tspc output has frame classes [${after.frameClasses.join(', ')}]: ${relative(repo, emittedFile)} was not transformed as expected`);
  }
  if (after.generators !== before.generators - result.compiled.length) {
    fail(`${relativePath}: ${before.generators} generator functions in the source, ${result.compiled.length} compiled, but ${after.generators} left in ${relative(repo, emittedFile)}`);
  }
  const plainFile = join(plainOut, relativePath.replace(/\.ts$/, '.js'));
  if (existsSync(plainFile)) sizes.plainBytes += statSync(plainFile).size;
  else sizes.plainComplete = false;
  sizes.sourceBytes += Buffer.byteLength(sourceText);
  sizes.compiledBytes += Buffer.byteLength(emittedText);
  files.push({
    file: relativePath,
    compiled: result.compiled.map(({ className, line }) => ({ className, line })),
    declined: result.diagnostics.map(({ line, column, category, message }) => ({ line, column, category, message })),
  });
}
const compiledCount = files.reduce((sum, file) => sum + file.compiled.length, 0);
const declinedCount = files.reduce((sum, file) => sum + file.declined.length, 0);
if (compiledCount === 0) fail('no coroutine was compiled: the plugin did not run (an unpatched tsc ignores "plugins")');
if (pluginWarnings !== declinedCount) fail(`tspc printed ${pluginWarnings} tsyncio diagnostics, the transformer reports ${declinedCount}:\n${tspcOutput}`);

// 3. One runtime. The examples import the runtime by relative path, so this build has its own copy
// of it (outDir/runtime, plain: nothing in the runtime is marked @coroutine); the emitted code imports
// 'tsyncio'. Resolved from the repository's package.json, that would be dist/runtime, a second
// runtime: frames linked to one Frame class, tasks and loops of the other (it still runs, through
// the Generator face, which is the slow path and not what this build is for). A package.json naming
// this build `tsyncio` makes the self-reference land on its own copy.
// That copy is the runtime as written, its own coroutines native generators (the plugin compiles only
// what is marked); the package ships it compiled (scripts/build-runtime.mjs), so when that build is
// there, its JavaScript replaces the copy: the compiled app runs on the runtime a user installs.
const runtimeEntry = join(outDir, 'runtime', 'index.js');
if (!existsSync(runtimeEntry)) fail(`tspc wrote no ${relative(repo, runtimeEntry)}`);
const shippedRuntime = join(repo, 'dist', 'runtime');
if (existsSync(join(shippedRuntime, 'compiled-support.js'))) {
  cpSync(shippedRuntime, join(outDir, 'runtime'), { recursive: true, filter: (path) => !path.endsWith('.d.ts') });
}
writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ name: 'tsyncio', private: true, type: 'module', exports: { '.': './runtime/index.js' } }, null, 2)}\n`);
const resolved = createRequire(join(outDir, 'examples', 'crawler.js')).resolve('tsyncio');
if (resolved !== runtimeEntry) fail(`'tsyncio' resolves to ${resolved} from the compiled examples, not to their runtime ${runtimeEntry}`);

// 4. The report.
const report = {
  project: relative(repo, project),
  transformer: relative(repo, transformerFile),
  buildSeconds: Number(buildSeconds.toFixed(2)),
  compiledCount,
  declinedCount,
  files,
  sizes,
  builds: { compiled: outDir, plain: plainOut },
};
writeFileSync(join(outDir, 'build-report.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `build-examples: tspc + ${report.transformer} -> ${relative(repo, outDir) || outDir}/ in ${buildSeconds.toFixed(1)} s: ` +
    `${compiledCount} coroutines compiled, ${declinedCount} declined; output checked`,
);
