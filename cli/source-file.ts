import { readFileSync, statSync } from 'node:fs';
import ts from 'typescript';
import { CliError } from './cli-error.js';

/** One input file, read and parsed by the project's TypeScript (the copy the transform runs with). */
export interface LoadedSource {
  /** The path as the user wrote it: diagnostics name the file this way. */
  path: string;
  text: string;
  sourceFile: ts.SourceFile;
}

/**
 * The CLI reads, parses and walks files with the project's `typescript` only, the copy the transform
 * itself runs with, so syntax errors and positions are the transform's own. (ts-morph, which bundles
 * TypeScript 6.0, would be a second parser beside it, with nothing here that needs its API.)
 *
 * Reads and parses a file; a missing file, a directory or a syntax error is a CliError with one line
 * in the usual `file:line:col` shape. Syntax errors only: types are not checked (as `transpileModule`).
 */
export function loadSource(path: string): LoadedSource {
  const text = readText(path);
  const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKindOf(path));
  const problems = syntaxDiagnostics(sourceFile);
  if (problems.length > 0) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new CliError(`${where(sourceFile, first.start ?? 0)}: syntax error TS${first.code}: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}${more}`);
  }
  return { path, text, sourceFile };
}

function readText(path: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? String(error)})`);
  }
  if (!isFile) throw new CliError(`${path}: not a file`);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** The parser's diagnostics and the grammar checks TypeScript counts as syntactic, for this one file. */
function syntaxDiagnostics(sourceFile: ts.SourceFile): readonly ts.Diagnostic[] {
  const options: ts.CompilerOptions = { noResolve: true, noLib: true, allowJs: true, jsx: ts.JsxEmit.Preserve };
  const host = ts.createCompilerHost(options);
  host.getSourceFile = (fileName) => (fileName === sourceFile.fileName ? sourceFile : undefined);
  host.fileExists = (fileName) => fileName === sourceFile.fileName;
  host.readFile = (fileName) => (fileName === sourceFile.fileName ? sourceFile.text : undefined);
  const program = ts.createProgram({ rootNames: [sourceFile.fileName], options, host });
  return program.getSyntacticDiagnostics(sourceFile);
}

function where(sourceFile: ts.SourceFile, position: number): string {
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(position);
  return `${sourceFile.fileName}:${line + 1}:${character + 1}`;
}

function scriptKindOf(path: string): ts.ScriptKind {
  const extension = /\.[^./\\]+$/.exec(path)?.[0].toLowerCase();
  switch (extension) {
    case '.tsx':
      return ts.ScriptKind.TSX;
    case '.js':
    case '.mjs':
    case '.cjs':
      return ts.ScriptKind.JS;
    case '.jsx':
      return ts.ScriptKind.JSX;
    default:
      return ts.ScriptKind.TS;
  }
}
