import { SourceMap, type SourceMapping } from 'node:module';
import ts from 'typescript';
import { innermostAt, type SourceFunction } from './source-functions.js';
import { cutOut } from './text-metrics.js';

/**
 * An emitted JavaScript file and its source map, read back to find what each source function became.
 * An output function belongs to the source function that its first token maps to exactly (the
 * innermost one holding that position; the first such output function, so the outer one of a
 * downlevel pair). The frame classes (named by `transformCode`'s `compiled`) are left out of that
 * search: their members map to the coroutine too.
 */
export class EmittedFile {
  private readonly file: ts.SourceFile;
  private readonly classes = new Map<string, ts.ClassDeclaration>();
  private readonly outputOf = new Map<ts.Node, ts.FunctionLikeDeclaration>();

  constructor(
    readonly code: string,
    mapText: string,
    source: ts.SourceFile,
    sourceFunctions: readonly SourceFunction[],
    frameClassNames: ReadonlySet<string> = new Set(),
  ) {
    this.file = ts.createSourceFile('output.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
    const map = new SourceMap(JSON.parse(mapText) as ConstructorParameters<typeof SourceMap>[0]);
    const visit = (node: ts.Node): void => {
      if (ts.isClassDeclaration(node) && node.name !== undefined) {
        this.classes.set(node.name.text, node);
        if (frameClassNames.has(node.name.text)) return;
      }
      if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) && node.body !== undefined) {
        const original = this.originalPosition(map, node, source);
        const owner = original === undefined ? undefined : innermostAt(sourceFunctions, original);
        if (owner !== undefined && !this.outputOf.has(owner.node)) this.outputOf.set(owner.node, node);
      }
      ts.forEachChild(node, visit);
    };
    visit(this.file);
  }

  /**
   * The code `fn` became here, undefined when no output function maps back to it. With `frameClass`
   * (a compiled coroutine), the class and the statements right after it that name it (its link to
   * the runtime's Frame) come first, then the factory that replaced the function.
   */
  textFor(fn: SourceFunction, frameClass?: string): string | undefined {
    const output = this.outputOf.get(fn.node);
    if (output === undefined) return undefined;
    const shown = this.textOf(displayNodeOf(output));
    const declaration = frameClass === undefined ? undefined : this.classes.get(frameClass);
    if (declaration === undefined) return shown;
    return [...[declaration, ...followingStatementsNaming(declaration, frameClass!)].map((node) => this.textOf(node)), shown].join('\n');
  }

  /** The source offset the node's first token maps to, when the map has an entry exactly there. */
  private originalPosition(map: SourceMap, node: ts.Node, source: ts.SourceFile): number | undefined {
    const { line, character } = this.file.getLineAndCharacterOfPosition(node.getStart(this.file));
    const entry = map.findEntry(line, character);
    if (!isMapping(entry) || entry.generatedLine !== line || entry.generatedColumn !== character) return undefined;
    const lineStarts = source.getLineStarts();
    if (entry.originalLine < 0 || entry.originalLine >= lineStarts.length) return undefined;
    return lineStarts[entry.originalLine]! + entry.originalColumn;
  }

  private textOf(node: ts.Node): string {
    return cutOut(this.code, node.getStart(this.file), node.end);
  }
}

function isMapping(entry: SourceMapping | object): entry is SourceMapping {
  return 'generatedLine' in entry;
}

/** The expression statements right after a class that mention it: `linkFrameClass(X$Frame);`. */
function followingStatementsNaming(declaration: ts.ClassDeclaration, name: string): ts.Statement[] {
  const parent = declaration.parent;
  if (!('statements' in parent)) return [];
  const statements = (parent as ts.Node & { statements: ts.NodeArray<ts.Statement> }).statements;
  const following: ts.Statement[] = [];
  for (let index = statements.indexOf(declaration) + 1; index < statements.length; index++) {
    const statement = statements[index]!;
    if (!ts.isExpressionStatement(statement) || !mentions(statement, name)) break;
    following.push(statement);
  }
  return following;
}

function mentions(node: ts.Node, name: string): boolean {
  if (ts.isIdentifier(node) && node.text === name) return true;
  return ts.forEachChild(node, (child) => (mentions(child, name) ? true : undefined)) ?? false;
}

/** An ES5 method is `C.prototype.m = function () {…};`: show the whole statement. */
function displayNodeOf(fn: ts.FunctionLikeDeclaration): ts.Node {
  const parent = fn.parent;
  if (ts.isBinaryExpression(parent) && parent.right === fn && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isExpressionStatement(parent.parent)) return parent.parent;
  return fn;
}
