import type ts from 'typescript';
import type { TsApi } from './host.js';
import { makeDiagnostic, type TransformDiagnostic } from './diagnostics.js';

/** A generator function the transformer will try to compile. */
export interface Candidate {
  fn: ts.FunctionDeclaration | ts.FunctionExpression | ts.MethodDeclaration;
  how: 'jsdoc' | 'wrapper' | 'decorator' | 'all';
  /** The `@coroutine` decorator to remove when the method is compiled. */
  decorator: ts.Decorator | undefined;
  /** The statement list (SourceFile, Block, ModuleBlock, case clause) the frame class is placed in. */
  container: ts.Node;
  /** Names bound between the container and the function (they would not be visible to the frame). */
  interveningNames: Set<string>;
  /** A readable base name for the frame class. */
  baseName: string;
  /**
   * The coroutine as written, for the debug table (protocol.ts, "Debug metadata"): `fetchAll`, the
   * variable or property a function expression is assigned to, `Client.get` for a class method,
   * `<anonymous>` when it has none.
   */
  displayName: string;
  /** Inside strict code (module, class, 'use strict'). */
  strict: boolean;
}

export interface AnalyzeOptions {
  generators: 'marked' | 'all';
  /** Module specifiers whose `coroutine` export marks coroutines. */
  runtimeModules: readonly string[];
}

export interface AnalyzeResult {
  candidates: Candidate[];
  diagnostics: TransformDiagnostic[];
  /** Every identifier and private name spelled in the file (names.ts: emitted names avoid them all). */
  identifiers: Set<string>;
}

/**
 * Finds the coroutines of a file: generator functions marked with a `@coroutine` JSDoc tag, passed to
 * the `coroutine` wrapper, or decorated with `@coroutine` (the binding imported from the runtime,
 * through any alias or namespace import, and not shadowed), and with `generators: 'all'` every
 * non-async generator function. Misuses are reported, never thrown.
 */
export function findCoroutines(tsApi: TsApi, sourceFile: ts.SourceFile, options: AnalyzeOptions): AnalyzeResult {
  const candidates: Candidate[] = [];
  const diagnostics: TransformDiagnostic[] = [];
  const text = sourceFile.text;

  // The `coroutine` binding: named imports (with aliases) and namespace imports of the runtime.
  const directNames = new Set<string>();
  const namespaceNames = new Set<string>();
  for (const statement of sourceFile.statements) {
    if (!tsApi.isImportDeclaration(statement) || !tsApi.isStringLiteral(statement.moduleSpecifier)) continue;
    if (!options.runtimeModules.includes(statement.moduleSpecifier.text)) continue;
    const clause = statement.importClause;
    if (clause === undefined || clause.isTypeOnly || clause.namedBindings === undefined) continue;
    if (tsApi.isNamespaceImport(clause.namedBindings)) namespaceNames.add(clause.namedBindings.name.text);
    else
      for (const element of clause.namedBindings.elements) {
        if (element.isTypeOnly) continue;
        if ((element.propertyName ?? element.name).text === 'coroutine') directNames.add(element.name.text);
      }
  }

  const ancestors: ts.Node[] = [];

  const isCoroutineRef = (expr: ts.Expression): boolean => {
    while (tsApi.isParenthesizedExpression(expr)) expr = expr.expression;
    if (tsApi.isIdentifier(expr)) return directNames.has(expr.text) && !isShadowed(expr.text);
    if (tsApi.isPropertyAccessExpression(expr) && tsApi.isIdentifier(expr.expression) && expr.name.text === 'coroutine') {
      return namespaceNames.has(expr.expression.text) && !isShadowed(expr.expression.text);
    }
    return false;
  };

  // Does an enclosing scope (below the module) declare `name`?
  const isShadowed = (name: string): boolean => {
    for (const a of ancestors) {
      if (a === sourceFile) continue;
      if (declaresName(a, name)) return true;
    }
    return false;
  };

  const declaresName = (node: ts.Node, name: string): boolean => {
    const hasBinding = (n: ts.BindingName): boolean =>
      tsApi.isIdentifier(n) ? n.text === name : n.elements.some((e) => tsApi.isBindingElement(e) && hasBinding(e.name));
    if (tsApi.isFunctionLike(node)) {
      if (node.parameters.some((p) => hasBinding(p.name))) return true;
      if ((tsApi.isFunctionExpression(node) || tsApi.isClassExpression(node)) && node.name?.text === name) return true;
      const body = (node as ts.FunctionLikeDeclaration).body;
      if (body !== undefined && declaresVar(body, name, hasBinding)) return true;
      return false;
    }
    if (tsApi.isBlock(node) || tsApi.isModuleBlock(node) || tsApi.isCaseClause(node) || tsApi.isDefaultClause(node)) {
      return node.statements.some(
        (s) =>
          (tsApi.isVariableStatement(s) && s.declarationList.declarations.some((d) => hasBinding(d.name))) ||
          ((tsApi.isFunctionDeclaration(s) || tsApi.isClassDeclaration(s)) && s.name?.text === name),
      );
    }
    if ((tsApi.isForStatement(node) || tsApi.isForOfStatement(node) || tsApi.isForInStatement(node)) && node.initializer !== undefined && tsApi.isVariableDeclarationList(node.initializer)) {
      return node.initializer.declarations.some((d) => hasBinding(d.name));
    }
    if (tsApi.isCatchClause(node) && node.variableDeclaration !== undefined) return hasBinding(node.variableDeclaration.name);
    if (tsApi.isClassExpression(node)) return node.name?.text === name;
    return false;
  };

  const declaresVar = (body: ts.Node, name: string, hasBinding: (n: ts.BindingName) => boolean): boolean => {
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found || tsApi.isFunctionLike(n) || tsApi.isClassLike(n)) return;
      if (tsApi.isVariableDeclarationList(n) && !(n.flags & (tsApi.NodeFlags.Let | tsApi.NodeFlags.Const)) && n.declarations.some((d) => hasBinding(d.name))) found = true;
      tsApi.forEachChild(n, visit);
    };
    tsApi.forEachChild(body, visit);
    return found;
  };

  const hasJSDocTag = (node: ts.Node): boolean => {
    const ranges = tsApi.getLeadingCommentRanges(text, node.pos) ?? [];
    return ranges.some((r) => {
      const comment = text.slice(r.pos, r.end);
      return comment.startsWith('/**') && /@coroutine\b/.test(comment);
    });
  };

  const report = (node: ts.Node, category: TransformDiagnostic['category'], code: TransformDiagnostic['code'], message: string): void => {
    diagnostics.push(makeDiagnostic(tsApi, sourceFile, node, category, code, message));
  };

  const isStatementList = (node: ts.Node): boolean =>
    tsApi.isSourceFile(node) || tsApi.isBlock(node) || tsApi.isModuleBlock(node) || tsApi.isCaseClause(node) || tsApi.isDefaultClause(node);

  const strictAt = (): boolean => {
    if (tsApi.isExternalModule(sourceFile) || hasUseStrict(sourceFile.statements)) return true;
    for (const a of ancestors) {
      if (tsApi.isClassLike(a)) return true;
      if (tsApi.isFunctionLike(a)) {
        const body = (a as ts.FunctionLikeDeclaration).body;
        if (body !== undefined && tsApi.isBlock(body) && hasUseStrict(body.statements)) return true;
      }
    }
    return false;
  };

  const hasUseStrict = (statements: ts.NodeArray<ts.Statement>): boolean => {
    for (const s of statements) {
      if (!tsApi.isExpressionStatement(s) || !tsApi.isStringLiteral(s.expression)) return false;
      if (s.expression.text === 'use strict') return true;
    }
    return false;
  };

  const nameOf = (node: ts.Node | undefined): string | undefined => {
    if (node === undefined) return undefined;
    if (tsApi.isIdentifier(node) || tsApi.isPrivateIdentifier(node) || tsApi.isStringLiteral(node) || tsApi.isNumericLiteral(node)) return node.text;
    return undefined;
  };

  const addCandidate = (fn: Candidate['fn'], how: Candidate['how'], decorator: ts.Decorator | undefined, holderName: string | undefined): void => {
    // Ancestors end with fn's parent. The frame class goes at the top of the nearest statement list.
    let containerIndex = ancestors.length - 1;
    if (tsApi.isFunctionDeclaration(fn) && containerIndex >= 0 && isStatementList(ancestors[containerIndex]!)) {
      // declared directly in a statement list
    } else {
      while (containerIndex >= 0 && !isStatementList(ancestors[containerIndex]!)) containerIndex--;
    }
    const container = ancestors[containerIndex] ?? sourceFile;
    const interveningNames = new Set<string>();
    const addBinding = (n: ts.BindingName): void => {
      if (tsApi.isIdentifier(n)) interveningNames.add(n.text);
      else for (const e of n.elements) if (tsApi.isBindingElement(e)) addBinding(e.name);
    };
    for (let i = containerIndex + 1; i < ancestors.length; i++) {
      const a = ancestors[i]!;
      if (tsApi.isFunctionLike(a)) {
        for (const p of a.parameters) addBinding(p.name);
        if (tsApi.isFunctionExpression(a) && a.name !== undefined) interveningNames.add(a.name.text);
        interveningNames.add('arguments');
      } else if ((tsApi.isForStatement(a) || tsApi.isForOfStatement(a) || tsApi.isForInStatement(a)) && a.initializer !== undefined && tsApi.isVariableDeclarationList(a.initializer)) {
        for (const d of a.initializer.declarations) addBinding(d.name);
      } else if (tsApi.isClassExpression(a) && a.name !== undefined) {
        interveningNames.add(a.name.text);
      }
    }
    if (tsApi.isFunctionExpression(fn) && fn.name !== undefined) interveningNames.add(fn.name.text);
    let className: string | undefined;
    for (let i = ancestors.length - 1; i >= 0; i--) {
      const a = ancestors[i]!;
      if (tsApi.isClassLike(a)) {
        className = a.name?.text;
        break;
      }
    }
    const own = nameOf(fn.name) ?? holderName ?? 'anonymous';
    const baseName = tsApi.isMethodDeclaration(fn) && className !== undefined ? `${className}$${own}` : own;
    // A class's own method is `Class.method` (`#m` as written); an object literal's method is its key.
    const parent = ancestors[ancestors.length - 1];
    const ownClass = tsApi.isMethodDeclaration(fn) && parent !== undefined && tsApi.isClassLike(parent) ? parent.name?.text : undefined;
    const written = nameOf(fn.name) ?? holderName;
    const displayName = written === undefined ? '<anonymous>' : ownClass !== undefined ? `${ownClass}.${written}` : written;
    candidates.push({ fn, how, decorator, container, interveningNames, baseName, displayName, strict: strictAt() });
  };

  const consider = (fn: Candidate['fn'], marked: Candidate['how'] | undefined, decorator: ts.Decorator | undefined, holderName: string | undefined): void => {
    const isGenerator = fn.asteriskToken !== undefined;
    const isAsync = fn.modifiers?.some((m) => m.kind === tsApi.SyntaxKind.AsyncKeyword) ?? false;
    if (fn.body === undefined) return; // overload or declaration
    if (marked !== undefined) {
      if (!isGenerator) {
        report(fn, 'error', 'not-a-generator', `@coroutine marks a function that is not a generator (write \`function*\`)`);
        return;
      }
      if (isAsync) {
        report(fn, 'warning', 'async-generator', `cannot compile coroutine '${nameOf(fn.name) ?? holderName ?? 'anonymous'}': async generators are not coroutines; left as a native async generator`);
        return;
      }
      addCandidate(fn, marked, decorator, holderName);
      return;
    }
    if (options.generators === 'all' && isGenerator && !isAsync) addCandidate(fn, 'all', undefined, holderName);
  };

  // The walk below meets every node of the file: its kind tests are against the numbers.
  const SK = tsApi.SyntaxKind;
  const IDENTIFIER = SK.Identifier;
  const PRIVATE_IDENTIFIER = SK.PrivateIdentifier;
  const FUNCTION_DECLARATION = SK.FunctionDeclaration;
  const METHOD_DECLARATION = SK.MethodDeclaration;
  const FUNCTION_EXPRESSION = SK.FunctionExpression;
  const ARROW_FUNCTION = SK.ArrowFunction;
  const identifiers = new Set<string>();
  const visit = (node: ts.Node): void => {
    const kind = node.kind;
    if (kind === IDENTIFIER || kind === PRIVATE_IDENTIFIER) {
      // No children, and no function: only its name.
      identifiers.add((node as ts.Identifier | ts.PrivateIdentifier).text);
      return;
    }
    if (kind === FUNCTION_DECLARATION || kind === METHOD_DECLARATION || kind === FUNCTION_EXPRESSION || kind === ARROW_FUNCTION) considerFunction(node);
    ancestors.push(node);
    tsApi.forEachChild(node, visit);
    ancestors.pop();
  };

  /** A function of the file: a candidate, a misuse to report, or nothing. */
  const considerFunction = (node: ts.Node): void => {
    try {
      if (tsApi.isFunctionDeclaration(node)) {
        consider(node, hasJSDocTag(node) ? 'jsdoc' : undefined, undefined, undefined);
      } else if (tsApi.isMethodDeclaration(node)) {
        const decorator = (tsApi.canHaveDecorators(node) ? tsApi.getDecorators(node) : undefined)?.find((d) => isCoroutineRef(d.expression));
        const marked = decorator !== undefined ? 'decorator' : hasJSDocTag(node) ? 'jsdoc' : undefined;
        consider(node, marked, decorator, undefined);
      } else if (tsApi.isFunctionExpression(node)) {
        const parent = ancestors[ancestors.length - 1];
        let marked: Candidate['how'] | undefined;
        let holderName: string | undefined;
        if (parent !== undefined && tsApi.isCallExpression(parent) && parent.arguments[0] === node && isCoroutineRef(parent.expression)) marked = 'wrapper';
        // `/** @coroutine */ const f = function* () {}` and `/** @coroutine */ key: function* () {}`.
        const holder = parent !== undefined && tsApi.isCallExpression(parent) ? ancestors[ancestors.length - 2] : parent;
        if (holder !== undefined && tsApi.isVariableDeclaration(holder)) {
          holderName = nameOf(holder.name);
          const statement = ancestors[ancestors.length - (holder === parent ? 3 : 4)];
          if (marked === undefined && holder === parent && statement !== undefined && tsApi.isVariableStatement(statement) && hasJSDocTag(statement)) marked = 'jsdoc';
        } else if (holder !== undefined && tsApi.isPropertyAssignment(holder)) {
          holderName = nameOf(holder.name);
          if (marked === undefined && holder === parent && hasJSDocTag(holder)) marked = 'jsdoc';
        }
        consider(node, marked, undefined, holderName);
      } else if (tsApi.isArrowFunction(node)) {
        const parent = ancestors[ancestors.length - 1];
        if (parent !== undefined && tsApi.isCallExpression(parent) && parent.arguments[0] === node && isCoroutineRef(parent.expression)) {
          report(node, 'error', 'not-a-generator', 'coroutine() wraps an arrow function, which cannot be a generator (write `function*`)');
        }
      }
    } catch (error) {
      report(node, 'warning', 'internal', `tsyncio: skipped a function after an internal error: ${String(error)}`);
    }
  };
  visit(sourceFile);
  return { candidates, diagnostics, identifiers };
}
