import ts from 'typescript';
import { sizeOf, type CodeSize } from './text-metrics.js';

/** What tsc does with generators without tsyncio: the ES5 `__generator` state machine. */
export interface TscDownlevel {
  /** The file at ES5 without helpers (they are counted apart: a project shares them, or imports tslib). */
  code: string;
  map: string;
  /** The helpers this file needs (`__generator`, `__values`, …) and their size. */
  helpers: { names: string[]; size: CodeSize };
}

export const TSC_DOWNLEVEL_OPTIONS = 'tsc --target ES5 --downlevelIteration';

/**
 * The whole file through TypeScript's own emit at ES5 with downlevelIteration (so `yield*` and
 * `for-of` keep iterator semantics, as a coroutine needs), the project's TypeScript, no tsyncio.
 */
export function downlevelToES5(text: string, fileName: string): TscDownlevel {
  const emit = (withHelpers: boolean): ts.TranspileOutput =>
    ts.transpileModule(text, {
      fileName,
      reportDiagnostics: false,
      compilerOptions: {
        target: ts.ScriptTarget.ES5,
        module: ts.ModuleKind.ESNext,
        downlevelIteration: true,
        noEmitHelpers: !withHelpers,
        importHelpers: false,
        sourceMap: true,
        isolatedModules: true,
        verbatimModuleSyntax: false,
      },
    });
  const bare = emit(false);
  const withHelpers = emit(true);
  const names = [...withHelpers.outputText.matchAll(/^var (__\w+) = /gm)].map((match) => match[1]!);
  const helperBytes = sizeOf(withHelpers.outputText).bytes - sizeOf(bare.outputText).bytes;
  const helperLines = sizeOf(withHelpers.outputText).lines - sizeOf(bare.outputText).lines;
  return { code: bare.outputText, map: bare.sourceMapText ?? '{}', helpers: { names, size: { bytes: helperBytes, lines: helperLines } } };
}
