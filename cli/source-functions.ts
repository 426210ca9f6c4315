import ts from 'typescript';

/** A function of the input file, as `compare` reports it. */
export interface SourceFunction {
  node: ts.FunctionLikeDeclaration;
  /** The name the transformer's messages use: `name`, the variable or property holding it, `Class.method`, or 'anonymous'. */
  label: string;
  isGenerator: boolean;
  isAsync: boolean;
  /** Of its first token (decorators included), 0-based offset; 1-based line and column. */
  start: number;
  line: number;
  column: number;
}

/**
 * Every function of the file with a body (arrows, constructors and accessors too: they bound where
 * a position belongs), in source order, outer before inner.
 */
export function listFunctions(sourceFile: ts.SourceFile): SourceFunction[] {
  const functions: SourceFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const fn = node as ts.FunctionLikeDeclaration;
      const start = fn.getStart(sourceFile);
      const { line, character } = sourceFile.getLineAndCharacterOfPosition(start);
      functions.push({
        node: fn,
        label: labelOf(fn),
        isGenerator: fn.asteriskToken !== undefined,
        isAsync: ts.getCombinedModifierFlags(fn as ts.Declaration) & ts.ModifierFlags.Async ? true : false,
        start,
        line: line + 1,
        column: character + 1,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return functions;
}

/** The innermost of `functions` whose text holds `position` (0-based offset), if any. */
export function innermostAt(functions: readonly SourceFunction[], position: number): SourceFunction | undefined {
  let found: SourceFunction | undefined;
  for (const fn of functions) {
    if (fn.start <= position && position < fn.node.end && (found === undefined || fn.start >= found.start)) found = fn;
  }
  return found;
}

function labelOf(fn: ts.FunctionLikeDeclaration): string {
  const own = nameText(fn.name) ?? holderNameOf(fn) ?? 'anonymous';
  if (ts.isMethodDeclaration(fn) && ts.isClassLike(fn.parent) && fn.parent.name !== undefined) return `${fn.parent.name.text}.${own}`;
  return own;
}

/** `const f = function* () {}`, `const f = coroutine(function* () {})`, `{ f: function* () {} }`. */
function holderNameOf(fn: ts.FunctionLikeDeclaration): string | undefined {
  if (!ts.isFunctionExpression(fn)) return undefined;
  const holder = ts.isCallExpression(fn.parent) ? fn.parent.parent : fn.parent;
  if (ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder)) return nameText(holder.name);
  return undefined;
}

function nameText(name: ts.Node | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}
