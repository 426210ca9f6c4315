// Which of the runtime's own files the build compiles with the tsyncio transformer, and where their
// emitted code imports the frame helpers from. Shared by scripts/build-runtime.mjs (dist/runtime) and
// vitest.config.ts (the `compiled` test project), so the tests run the runtime the package ships.
//
// The runtime's coroutines (Queue.get, Lock.acquire, waitFor, taskGroup, the stream methods...) are
// generator functions like any user's; compiled, a compiled caller's `yield* queue.get()` is the fast
// frame call instead of a native generator behind an adapter. Two things stay native:
//   - the frame core itself: runtime/compiled-support.ts and every module it imports for its values.
//     Emitted code calls linkFrameClass while its module is evaluated, so a compiled module inside
//     that import closure would run before the helpers it needs exist (an import cycle). Future's and
//     SleepRequest's `[Symbol.iterator]` and frame.ts's generator prototype probe live there; compiled
//     callers wait on futures and sleeps without those iterators anyway;
//   - nothing else: every other generator function of runtime/ compiles (a test checks there are no
//     declines).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const runtimeDir = join(repo, 'runtime');
export const supportModule = join(runtimeDir, 'compiled-support.ts');

/** Relative module specifiers a file imports or re-exports for their values (type-only ones skipped). */
function valueImports(ts, fileName) {
  const source = ts.createSourceFile(fileName, readFileSync(fileName, 'utf8'), ts.ScriptTarget.Latest, false);
  const specifiers = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.isTypeOnly) continue;
      const bindings = clause?.namedBindings;
      const onlyTypes = clause !== undefined && clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
      if (onlyTypes) continue;
      specifiers.push(statement.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined && !statement.isTypeOnly) {
      specifiers.push(statement.moduleSpecifier.text);
    }
  }
  return specifiers.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(fileName), s.replace(/\.js$/, '.ts')));
}

/** Absolute paths of the runtime files that stay native generators (see above). */
export function nativeRuntimeFiles(ts = require('typescript')) {
  const closure = new Set();
  const visit = (file) => {
    if (closure.has(file)) return;
    closure.add(file);
    for (const imported of valueImports(ts, file)) visit(imported);
  };
  visit(supportModule);
  return closure;
}

/** True for a file of runtime/ that the build compiles. */
export function isCompiledRuntimeFile(fileName, native) {
  const file = resolve(fileName);
  return file.startsWith(runtimeDir + sep) && file.endsWith('.ts') && !file.endsWith('.d.ts') && !native.has(file);
}

/** The specifier a compiled runtime file imports the frame helpers by ('./compiled-support.js', '../compiled-support.js'). */
export function supportSpecifierFor(fileName) {
  const path = relative(dirname(resolve(fileName)), supportModule).split(sep).join('/').replace(/\.ts$/, '.js');
  return path.startsWith('.') ? path : `./${path}`;
}
