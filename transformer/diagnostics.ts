import type ts from 'typescript';
import type { TsApi } from './host.js';

/** What the transformer tells its host about one function: a decline, or a misuse of `@coroutine`. */
export interface TransformDiagnostic {
  fileName: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  category: 'error' | 'warning';
  /** Stable identifiers, for tests and filtering: 'declined', 'not-a-generator', 'async-generator'. */
  code: 'declined' | 'not-a-generator' | 'async-generator' | 'internal';
  message: string;
}

/** `file:line:col: category: message`, the usual compiler shape. */
export function formatDiagnostic(d: TransformDiagnostic): string {
  return `${d.fileName}:${d.line}:${d.column}: ${d.category}: ${d.message}`;
}

export function makeDiagnostic(
  tsApi: TsApi,
  sourceFile: ts.SourceFile,
  node: ts.Node,
  category: TransformDiagnostic['category'],
  code: TransformDiagnostic['code'],
  message: string,
): TransformDiagnostic {
  void tsApi;
  const { line, column } = positionOf(sourceFile, node);
  return { fileName: sourceFile.fileName, line, column, category, code, message };
}

/** Where `node` starts (its first token, after leading trivia), 1-based. */
export function positionOf(sourceFile: ts.SourceFile, node: ts.Node): { line: number; column: number } {
  let start = 0;
  try {
    start = node.pos >= 0 ? node.getStart(sourceFile) : 0;
  } catch {
    start = Math.max(0, node.pos);
  }
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(Math.min(start, sourceFile.text.length));
  return { line: line + 1, column: character + 1 };
}

/** Thrown inside the lowering when a construct cannot be compiled faithfully: the function is declined. */
export class Unsupported extends Error {
  constructor(
    readonly node: ts.Node,
    reason: string,
  ) {
    super(reason);
    this.name = 'Unsupported';
  }
}
