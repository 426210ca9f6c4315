import type ts from 'typescript';
import { findCoroutines, type Candidate } from './analyze.js';
import { formatDiagnostic, makeDiagnostic, positionOf, Unsupported, type TransformDiagnostic } from './diagnostics.js';
import { emitFrameClass, factoryBody, type FrameDebugInfo } from './emit.js';
import { hostApi, type TsApi } from './host.js';
import { Lowerer, type EmitNames, type LowerResult, type NestedFactory } from './lower.js';
import { NameTable, sanitize } from './names.js';
import { analyzeScopes } from './scope.js';

export { formatDiagnostic, type TransformDiagnostic } from './diagnostics.js';

export interface TransformerOptions {
  /** 'marked' (default): functions marked `@coroutine`; 'all': every non-async generator function. */
  generators?: 'marked' | 'all';
  /** The module emitted code imports the runtime from, and `coroutine` is recognised from. Default 'tsyncio'. */
  runtimeModule?: string;
  /** What a declined function is: 'warn' (default) a warning, 'error' an error diagnostic. */
  onUnsupported?: 'warn' | 'error';
  /** Receives every diagnostic (declines, misuses). Without it, hosts report them their own way. */
  onDiagnostic?: (diagnostic: TransformDiagnostic) => void;
  /** Told of every coroutine compiled to a frame class (for hosts that count or list them). */
  onCompiled?: (coroutine: CompiledCoroutine) => void;
  /**
   * The directory the frame classes' debug tables name their file relative to (`file: 'src/app.ts'`,
   * as a stack trace prints it). Without it the file is named as the host named it. The tsconfig
   * plugin uses the program's current directory, the rollup/vite plugin the project root.
   */
  projectRoot?: string;
  /**
   * Where a 1-based position of the code being transformed comes from in the file as written, for
   * the debug tables (a host whose earlier stage already changed the code: the rollup plugin after
   * a TypeScript plugin's emit). Default: positions are the file's own.
   */
  originalPosition?: (position: { line: number; column: number }) => { line: number; column: number };
}

/** A coroutine the transform compiled: where it is and the frame class it became. */
export interface CompiledCoroutine {
  fileName: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  className: string;
}

/**
 * The transformer (a `before` transform): every coroutine of a file becomes a frame class and a
 * factory; what it cannot compile faithfully stays a native generator, with a diagnostic.
 * `tsApi` is the host's TypeScript module (4.9 to 6.x).
 */
export function createTransformer(tsApi: typeof ts, options: TransformerOptions = {}): ts.TransformerFactory<ts.SourceFile> {
  const api = hostApi(tsApi);
  return (context) => (sourceFile) => transformSourceFile(api, context, sourceFile, options);
}

/** What ts-patch (3.x) and ttypescript (1.5) pass a `program`-type plugin as its third argument. */
export interface PluginExtras {
  /** The host's TypeScript module: the transformer builds nodes with it, never with another copy. */
  ts?: typeof ts;
  addDiagnostic?: (diagnostic: ts.Diagnostic) => void;
  /** ts-patch only: the list `addDiagnostic` fills, which ts-patch adds to the emit result. */
  diagnostics?: readonly ts.Diagnostic[];
}

/** The code of every diagnostic the plugin reports (`error TS990001: tsyncio: ...`). */
export const DIAGNOSTIC_CODE = 990001;

/**
 * ts-patch / ttypescript plugin shape: `{ "transform": "tsyncio/transformer" }` in tsconfig plugins.
 * Errors become the compiler's own under ts-patch, through `addDiagnostic` (tsc prints them with
 * file:line:col and fails the build). Warnings are printed to stderr in tsc's format instead, since tsc
 * fails on any diagnostic it is given; so is everything under ttypescript 1.5, which accepts
 * `addDiagnostic` but never reports what it gets: there an error makes the process exit with status 1.
 */
export default function plugin(
  program: ts.Program | undefined,
  config: TransformerOptions & Record<string, unknown> = {},
  extras?: PluginExtras,
): ts.TransformerFactory<ts.SourceFile> {
  const tsApi = extras?.ts;
  if (tsApi === undefined) throw new Error('tsyncio/transformer: the host did not pass its TypeScript module (extras.ts); use createTransformer(ts, options)');
  const toTsDiagnostic = (d: TransformDiagnostic): ts.Diagnostic => {
    const file = program?.getSourceFile(d.fileName);
    const start = file === undefined ? undefined : tsApi.getPositionOfLineAndCharacter(file, d.line - 1, d.column - 1);
    return {
      category: d.category === 'error' ? tsApi.DiagnosticCategory.Error : tsApi.DiagnosticCategory.Warning,
      code: DIAGNOSTIC_CODE,
      file,
      start,
      length: file === undefined ? undefined : 0,
      messageText: file === undefined ? formatDiagnostic(d) : `tsyncio: ${d.message}`,
    };
  };
  // ts-patch's list: what goes in reaches the emit result (ttypescript passes no list).
  const addDiagnostic = Array.isArray(extras?.diagnostics) ? extras?.addDiagnostic : undefined;
  const onDiagnostic =
    config.onDiagnostic ??
    ((d: TransformDiagnostic): void => {
      // Only errors: tsc exits with status 2 when the list holds any diagnostic, warnings included.
      if (addDiagnostic !== undefined && d.category === 'error') {
        addDiagnostic(toTsDiagnostic(d));
        return;
      }
      if (program === undefined) {
        process.stderr.write(`${formatDiagnostic(d)}\n`);
      } else {
        const host: ts.FormatDiagnosticsHost = {
          getCanonicalFileName: (fileName) => fileName,
          getCurrentDirectory: () => program.getCurrentDirectory(),
          getNewLine: () => '\n',
        };
        const pretty = program.getCompilerOptions().pretty ?? Boolean(process.stdout.isTTY);
        const diagnostic = toTsDiagnostic(d);
        process.stderr.write(pretty ? tsApi.formatDiagnosticsWithColorAndContext([diagnostic], host) : tsApi.formatDiagnostic(diagnostic, host));
      }
      if (d.category === 'error') failProcessOnExit();
    });
  const projectRoot = config.projectRoot ?? program?.getCurrentDirectory();
  return createTransformer(tsApi, { ...config, onDiagnostic, ...(projectRoot !== undefined ? { projectRoot } : {}) });
}

let failing = false;
/** For hosts that drop reported errors: the compiler process still ends with status 1. */
function failProcessOnExit(): void {
  if (failing) return;
  failing = true;
  process.once('exit', (code) => {
    if (code === 0) process.exitCode = 1;
  });
}

interface Compiled {
  candidate: Candidate;
  /** The statement list its frame class goes in (a nested coroutine's: the outermost one's). */
  container: ts.Node;
  className: string;
  lowered: LowerResult;
}

function transformSourceFile(tsApi: TsApi, context: ts.TransformationContext, sourceFile: ts.SourceFile, options: TransformerOptions): ts.SourceFile {
  const report = (d: TransformDiagnostic): void => options.onDiagnostic?.(d);
  const runtimeModule = options.runtimeModule ?? 'tsyncio';
  let analysis;
  try {
    analysis = findCoroutines(tsApi, sourceFile, { generators: options.generators ?? 'marked', runtimeModules: [runtimeModule] });
  } catch (error) {
    report(makeDiagnostic(tsApi, sourceFile, sourceFile, 'warning', 'internal', `tsyncio: file left untransformed after an internal error: ${String(error)}`));
    return sourceFile;
  }
  for (const d of analysis.diagnostics) report(d);
  if (analysis.candidates.length === 0) return sourceFile;

  const f = context.factory;
  const nameTable = new NameTable(analysis.identifiers);
  const names: EmitNames = {
    fiber: nameTable.fresh('fiber'),
    mode: nameTable.fresh('mode'),
    value: nameTable.fresh('value'),
    budget: nameTable.fresh('budget'),
    state: nameTable.fresh('state'),
    error: nameTable.fresh('error'),
    result: nameTable.fresh('result'),
    child: nameTable.fresh('child'),
    dispatch: nameTable.fresh('dispatch'),
    rt: {
      linkFrameClass: nameTable.fresh('linkFrameClass'),
      SUSPEND: nameTable.fresh('SUSPEND'),
      delegate: nameTable.fresh('delegate'),
      closeIterator: nameTable.fresh('closeIterator'),
      iteratorOf: nameTable.fresh('iteratorOf'),
      superReference: nameTable.fresh('superReference'),
    },
  };
  const decline = (c: Candidate, node: ts.Node, reason: string): void => {
    const label = c.baseName.replace(/\$/g, '.');
    const category = options.onUnsupported === 'error' ? 'error' : 'warning';
    report(makeDiagnostic(tsApi, sourceFile, node, category, 'declined', `cannot compile coroutine '${label}': ${reason}; left as a native generator`));
  };

  const compiled = new Map<ts.Node, Compiled>();
  const usedRuntime = new Set<keyof EmitNames['rt']>(['linkFrameClass']);
  const compiledRanges: ts.Node[] = [];
  const candidateOf = new Map<ts.Node, Candidate>(analysis.candidates.map((c) => [c.fn, c]));
  /** Why a generator function nested in a compiled coroutine stayed native. */
  const nestedDeclines = new Map<ts.Node, { node: ts.Node; reason: string }>();

  /**
   * Lowers one coroutine and, through the lowering's NestedFactory, the generator functions nested
   * in it (compiled first when the enclosing rewrite reaches them; their frames read and write the
   * enclosing frame's fields through `$outer`). Throws Unsupported for `c` itself; what it returns
   * is kept only if the outermost coroutine compiles.
   */
  interface Lowered {
    entries: Compiled[];
    declines: Map<ts.Node, { node: ts.Node; reason: string }>;
  }
  const lowerCandidate = (c: Candidate, enclosing: Lowerer | undefined): Lowered => {
    const scopes = analyzeScopes(tsApi, c.fn);
    if (enclosing === undefined) {
      for (const name of scopes.freeNames) {
        if (c.interveningNames.has(name)) throw new Unsupported(c.fn, `it uses '${name}', which is not visible where its frame class is placed`);
      }
    }
    if (scopes.usesPrivateNames && (enclosing !== undefined || enclosingClass(tsApi, c.fn) === undefined)) {
      throw new Unsupported(c.fn, 'private names (#x) of a class around it need its frame class inside that class, which only a method of the class itself gets');
    }
    const result: Lowered = { entries: [], declines: new Map() };
    const made = new Map<ts.Node, Compiled | undefined>();
    let lowerer: Lowerer;
    const nested: NestedFactory = (fn) => {
      const inner = candidateOf.get(fn);
      if (inner === undefined) return undefined;
      if (!made.has(fn)) {
        let entry: Compiled | undefined;
        try {
          const sub = lowerCandidate(inner, lowerer);
          entry = sub.entries[0];
          result.entries.push(...sub.entries);
          for (const [k, v] of sub.declines) result.declines.set(k, v);
        } catch (error) {
          if (error instanceof Unsupported) result.declines.set(fn, { node: error.node, reason: error.message });
          else result.declines.set(fn, { node: fn, reason: `internal error (${error instanceof Error ? error.message : String(error)})` });
        }
        made.set(fn, entry);
      }
      const entry = made.get(fn);
      return entry === undefined ? undefined : (outer, env) => factoryBody(f, entry.className, entry.lowered, outer, env);
    };
    lowerer = new Lowerer(tsApi, context, c.fn, scopes, names, c.strict, nameTable, enclosing, nested);
    // Named after the coroutine as written: V8 prints a throw inside it as `at fetchAll$Frame.step`.
    const className = nameTable.fresh(`${sanitize(c.baseName)}$Frame`);
    const lowered = lowerer.lower();
    result.entries.unshift({ candidate: c, container: c.container, className, lowered });
    return result;
  };

  for (const c of analysis.candidates) {
    if (compiledRanges.some((outer) => outer.pos <= c.fn.pos && c.fn.end <= outer.end)) {
      if (compiled.has(c.fn)) continue;
      const why = nestedDeclines.get(c.fn);
      decline(c, why?.node ?? c.fn, why?.reason ?? 'it is nested inside a compiled coroutine');
      continue;
    }
    try {
      const { entries, declines } = lowerCandidate(c, undefined);
      for (const entry of entries) {
        entry.container = c.container;
        for (const r of entry.lowered.usedRuntime) usedRuntime.add(r);
        compiled.set(entry.candidate.fn, entry);
      }
      for (const [k, v] of declines) nestedDeclines.set(k, v);
      compiledRanges.push(c.fn);
    } catch (error) {
      if (error instanceof Unsupported) decline(c, error.node, error.message);
      else decline(c, c.fn, `internal error (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (compiled.size === 0) return sourceFile;
  if (options.onCompiled !== undefined) {
    for (const entry of compiled.values()) {
      const { line, column } = positionOf(sourceFile, entry.candidate.fn);
      options.onCompiled({ fileName: sourceFile.fileName, line, column, className: entry.className });
    }
  }

  const debugFile = options.projectRoot !== undefined ? relativePath(options.projectRoot, sourceFile.fileName) : sourceFile.fileName;
  const classesByContainer = new Map<ts.Node, ts.Statement[]>();
  /** Frame classes that name a class's private members: made in a static block of that class. */
  const blocksByHost = new Map<ts.Node, ts.Statement[]>();
  for (const [, entry] of compiled) {
    const debug = debugInfo(tsApi, sourceFile, entry, debugFile, options.originalPosition);
    const statements = emitFrameClass(tsApi, f, entry.className, entry.lowered, names, entry.candidate.fn, debug);
    const host = entry.lowered.usesPrivateNames ? enclosingClass(tsApi, entry.candidate.fn) : undefined;
    const list = classesByContainer.get(entry.container) ?? [];
    if (host === undefined) list.push(...statements);
    else {
      // `let X$Frame;` where frame classes go, `static { X$Frame = class X$Frame {...}; link(X$Frame); }`
      // first in the class: #names are visible only inside the class body, and the class's
      // definition runs the block before anything can call the method.
      list.push(f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(entry.className)], tsApi.NodeFlags.Let)));
      const [declaration, link] = statements as [ts.ClassDeclaration, ts.Statement];
      const expression = tsApi.setSourceMapRange(f.createClassExpression(undefined, declaration.name, undefined, undefined, declaration.members), declaration);
      const block = blocksByHost.get(host) ?? [];
      block.push(f.createExpressionStatement(f.createAssignment(f.createIdentifier(entry.className), expression)), link);
      blocksByHost.set(host, block);
    }
    classesByContainer.set(entry.container, list);
  }

  const withClasses = (container: ts.Node, statements: readonly ts.Statement[]): ts.Statement[] => {
    const classes = classesByContainer.get(container);
    if (classes === undefined) return [...statements];
    // After directives and imports: frame classes exist before any code of the list runs.
    let at = 0;
    while (at < statements.length) {
      const s = statements[at]!;
      if ((tsApi.isExpressionStatement(s) && tsApi.isStringLiteral(s.expression)) || tsApi.isImportDeclaration(s) || tsApi.isImportEqualsDeclaration(s)) at++;
      else break;
    }
    return [...statements.slice(0, at), ...classes, ...statements.slice(at)];
  };

  // The visitor below changes only compiled functions and the containers and classes around them:
  // any other subtree comes back as it was. So it goes down only the ways from the file to a
  // compiled function (their parents), when every one of those reaches the file.
  const onPath = new Set<ts.Node>();
  let pathsKnown = true;
  for (const fn of compiled.keys()) {
    let n = fn.parent as ts.Node | undefined;
    while (n !== undefined && n !== sourceFile && !onPath.has(n)) {
      onPath.add(n);
      n = n.parent;
    }
    if (n === undefined) pathsKnown = false;
  }
  const visit = (node: ts.Node): ts.VisitResult<ts.Node> => {
    const entry = compiled.get(node);
    if (entry !== undefined) return replaceFunction(tsApi, f, entry, node as Candidate['fn']);
    if (pathsKnown && !onPath.has(node)) return node;
    let visited = tsApi.visitEachChild(node, visit, context);
    const block = blocksByHost.get(node);
    if (block !== undefined && (tsApi.isClassDeclaration(visited) || tsApi.isClassExpression(visited))) {
      const members = [f.createClassStaticBlockDeclaration(f.createBlock(block, true)), ...visited.members];
      visited = tsApi.isClassDeclaration(visited)
        ? f.updateClassDeclaration(visited, visited.modifiers, visited.name, visited.typeParameters, visited.heritageClauses, members)
        : f.updateClassExpression(visited, visited.modifiers, visited.name, visited.typeParameters, visited.heritageClauses, members);
    }
    if (classesByContainer.has(node)) {
      if (tsApi.isBlock(visited)) return f.updateBlock(visited, withClasses(node, visited.statements));
      if (tsApi.isModuleBlock(visited)) return f.updateModuleBlock(visited, withClasses(node, visited.statements));
      if (tsApi.isCaseClause(visited)) return f.updateCaseClause(visited, visited.expression, withClasses(node, visited.statements));
      if (tsApi.isDefaultClause(visited)) return f.updateDefaultClause(visited, withClasses(node, visited.statements));
    }
    return visited;
  };
  const visitedFile = tsApi.visitEachChild(sourceFile, visit, context);
  const statements = withClasses(sourceFile, visitedFile.statements);
  const used = [...usedRuntime].sort();
  let runtimeImport: ts.Statement[];
  if (isEsmOutput(tsApi, context.getCompilerOptions(), sourceFile)) {
    // Imported under other names, then copied into module-local consts: V8 reads an imported binding
    // through its module cell with a hole check at every use and does not fold it, a const it does
    // (measured: `value === SUSPEND` after each call, about 1.6 ns a use). The CommonJS form below
    // destructures into consts already.
    const imported = new Map(used.map((name) => [name, nameTable.fresh(`${names.rt[name]}_`)]));
    const specifiers = used.map((name) => f.createImportSpecifier(false, f.createIdentifier(name), f.createIdentifier(imported.get(name)!)));
    const copies = f.createVariableStatement(
      undefined,
      f.createVariableDeclarationList(
        used.map((name) => f.createVariableDeclaration(names.rt[name], undefined, undefined, f.createIdentifier(imported.get(name)!))),
        tsApi.NodeFlags.Const,
      ),
    );
    runtimeImport = [f.createImportDeclaration(undefined, f.createImportClause(false, undefined, f.createNamedImports(specifiers)), f.createStringLiteral(runtimeModule)), copies];
  } else {
    // TypeScript's CommonJS/AMD/UMD/System transforms rewrite only references they bound to an
    // import, which synthesized identifiers are not: import the namespace, then destructure it.
    const namespace = nameTable.fresh('tsyncio_runtime');
    runtimeImport = [
      f.createImportDeclaration(undefined, f.createImportClause(false, undefined, f.createNamespaceImport(f.createIdentifier(namespace))), f.createStringLiteral(runtimeModule)),
      f.createVariableStatement(
        undefined,
        f.createVariableDeclarationList(
          [
            f.createVariableDeclaration(
              f.createObjectBindingPattern(used.map((name) => f.createBindingElement(undefined, names.rt[name] === name ? undefined : name, names.rt[name]))),
              undefined,
              undefined,
              f.createIdentifier(namespace),
            ),
          ],
          tsApi.NodeFlags.Const,
        ),
      ),
    ];
  }
  let at = 0;
  while (at < statements.length && tsApi.isExpressionStatement(statements[at]!) && tsApi.isStringLiteral((statements[at] as ts.ExpressionStatement).expression)) at++;
  statements.splice(at, 0, ...runtimeImport);
  return f.updateSourceFile(visitedFile, statements);
}

/** The class whose body `fn` is in (its private names are visible there). */
function enclosingClass(tsApi: TsApi, fn: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let n = fn.parent; n !== undefined; n = n.parent) if (tsApi.isClassLike(n)) return n;
  return undefined;
}

function replaceFunction(tsApi: TsApi, f: ts.NodeFactory, entry: Compiled, fn: Candidate['fn']): ts.Node {
  const body = factoryBody(f, entry.className, entry.lowered);
  let out: ts.Node;
  if (tsApi.isFunctionDeclaration(fn)) {
    out = f.updateFunctionDeclaration(fn, fn.modifiers, undefined, fn.name, fn.typeParameters, fn.parameters, fn.type, body);
  } else if (tsApi.isFunctionExpression(fn)) {
    out = f.updateFunctionExpression(fn, fn.modifiers, undefined, fn.name, fn.typeParameters, fn.parameters, fn.type, body);
  } else {
    // The `@coroutine` decorator is dropped: it returns the method unchanged at run time.
    const modifiers = fn.modifiers?.filter((m) => m !== entry.candidate.decorator);
    out = f.updateMethodDeclaration(fn, modifiers, undefined, fn.name, fn.questionToken, fn.typeParameters, fn.parameters, fn.type, body);
  }
  return tsApi.setSourceMapRange(tsApi.setTextRange(out, fn), fn);
}

/**
 * The debug table of a compiled coroutine (protocol.ts, "Debug metadata"): its name as written, the
 * file, and the 1-based position of the function (label 0) and of the `yield` / `yield*` behind
 * every resume label.
 */
function debugInfo(
  tsApi: TsApi,
  sourceFile: ts.SourceFile,
  entry: Compiled,
  file: string,
  originalPosition: TransformerOptions['originalPosition'],
): FrameDebugInfo {
  const fn = entry.candidate.fn;
  const at = (pos: number): { line: number; column: number } => {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(pos);
    const position = { line: line + 1, column: character + 1 };
    return originalPosition !== undefined ? originalPosition(position) : position;
  };
  // The function: its `function` keyword, or a method's `*` (after decorators and modifiers).
  const start = at(tsApi.isMethodDeclaration(fn) ? (fn.asteriskToken ?? fn).getStart(sourceFile) : functionKeywordStart(tsApi, sourceFile, fn));
  const positions: FrameDebugInfo['positions'] = [[0, start.line, start.column]];
  // Is a `yield` of the function in this file: it is if the function is (the parents of every
  // site lead to the function first, unless the site is not from it).
  const fnInFile = fn.getSourceFile() === sourceFile;
  const inFile = (node: ts.Node): boolean => {
    for (let n: ts.Node | undefined = node; n !== undefined; n = n.parent) {
      if (n === fn) return fnInFile;
      if (n.kind === tsApi.SyntaxKind.SourceFile) return n === sourceFile;
    }
    return false; // no file above it: getSourceFile() is undefined
  };
  for (const [label, site] of [...entry.lowered.resumeSites].sort(([a], [b]) => a - b)) {
    const original = tsApi.getOriginalNode(site);
    if (original.pos < 0 || !inFile(original)) continue;
    const { line, column } = at(original.getStart(sourceFile));
    positions.push([label, line, column]);
  }
  return { name: entry.candidate.displayName, file, positions };
}

/**
 * Where a function declaration or expression's `function` keyword starts. A generator's keyword is
 * the token before its `*`, which starts where the keyword ends (a token's `pos` is the end of the
 * one before it): read off the text, rather than from getChildren, which scans the function's
 * tokens into nodes. Anything else there (an escaped keyword, a parse TypeScript recovered from)
 * is left to getChildren as before.
 */
function functionKeywordStart(tsApi: TsApi, sourceFile: ts.SourceFile, fn: ts.FunctionDeclaration | ts.FunctionExpression): number {
  const end = fn.asteriskToken?.pos;
  if (end !== undefined && end >= 8 && sourceFile.text.slice(end - 8, end) === 'function') return end - 8;
  const keyword = fn.getChildren(sourceFile).find((child) => child.kind === tsApi.SyntaxKind.FunctionKeyword);
  return (keyword ?? fn).getStart(sourceFile);
}

/**
 * `fileName` relative to `root`, with `/` (`src/app.ts`, `../lib/x.ts`); a name that is not absolute,
 * or on another drive, is returned as it is.
 */
export function relativePath(root: string, fileName: string): string {
  const normal = (path: string): string => path.replace(/\\/g, '/');
  const isAbsolute = (path: string): boolean => path.startsWith('/') || /^[A-Za-z]:\//.test(path);
  const to = normal(fileName);
  const from = normal(root);
  if (!isAbsolute(to) || !isAbsolute(from)) return to;
  const toParts = to.split('/').filter((part) => part !== '' && part !== '.');
  const fromParts = from.split('/').filter((part) => part !== '' && part !== '.');
  if (/^[A-Za-z]:$/.test(toParts[0] ?? '') && toParts[0]!.toLowerCase() !== fromParts[0]?.toLowerCase()) return to;
  let common = 0;
  while (common < toParts.length - 1 && common < fromParts.length && toParts[common] === fromParts[common]) common++;
  return [...fromParts.slice(common).map(() => '..'), ...toParts.slice(common)].join('/');
}

/** Does the file come out as an ES module (so a synthesized named import is kept as written)? */
function isEsmOutput(tsApi: TsApi, options: ts.CompilerOptions, sourceFile: ts.SourceFile): boolean {
  const MK = tsApi.ModuleKind as unknown as Record<string, number>;
  const target = options.target ?? tsApi.ScriptTarget.ES5;
  const kind = options.module ?? (target >= tsApi.ScriptTarget.ES2015 ? MK['ES2015']! : MK['CommonJS']!);
  if (kind >= MK['ES2015']! && kind <= MK['ESNext']!) return true;
  if (MK['Preserve'] !== undefined && kind === MK['Preserve']) return true;
  if (kind >= (MK['Node16'] ?? 100) && kind <= (MK['NodeNext'] ?? 199)) {
    return (sourceFile as { impliedNodeFormat?: number }).impliedNodeFormat === MK['ESNext'];
  }
  return false;
}
