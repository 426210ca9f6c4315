import type { TransformDiagnostic } from '../transformer/diagnostics.js';
import { transformCode } from '../transformer/transform-code.js';
import { EmittedFile } from './emitted-file.js';
import type { GeneratorsMode } from './option-values.js';
import type { LoadedSource } from './source-file.js';
import { innermostAt, listFunctions, type SourceFunction } from './source-functions.js';
import { downlevelToES5, type TscDownlevel } from './tsc-downlevel.js';
import { cutOut } from './text-metrics.js';

/**
 * What became of one function: compiled to a frame class; declined (left a native generator, with the
 * transformer's reason); an error (`@coroutine` on something that cannot be one); or a generator the
 * transformer was not asked to compile.
 */
export type Verdict = 'compiled' | 'declined' | 'error' | 'not a coroutine';

export interface FunctionReport {
  fn: SourceFunction;
  verdict: Verdict;
  /** Why it was declined, the error, or why it is not a coroutine; undefined when compiled. */
  reason: string | undefined;
  frameClass: string | undefined;
  /** The three versions, for coroutines (compiled or declined). */
  versions: { source: string; tsyncio: string; tsc: string } | undefined;
  /** Further diagnostics the transformer reported inside it. */
  notes: TransformDiagnostic[];
}

export interface Comparison {
  fileName: string;
  generators: GeneratorsMode;
  functions: FunctionReport[];
  /** Diagnostics no function of the file holds. */
  fileDiagnostics: TransformDiagnostic[];
  tscHelpers: TscDownlevel['helpers'];
}

const NOT_FOUND = '(nothing in the output maps back to this function)';

/**
 * Runs the file through tsyncio (`transformCode`, ES2022) and through tsc's ES5 downlevel, both with
 * the project's TypeScript and with source maps, and reads back, per generator function (and per
 * function a diagnostic names), what each emitted. Which were compiled, the transform says itself
 * (`compiled`, by position); the rest is read from the diagnostics.
 */
export function compareFile(source: LoadedSource, generators: GeneratorsMode): Comparison {
  const functions = listFunctions(source.sourceFile);
  const transformed = transformCode(source.text, { fileName: source.path, projectRoot: process.cwd(), generators, sourceMap: true });
  const frameClassAt = new Map(transformed.compiled.map((c) => [`${c.line}:${c.column}`, c.className]));
  const tsyncioFile = new EmittedFile(transformed.code, transformed.map ?? '{}', source.sourceFile, functions, new Set(frameClassAt.values()));
  const tsc = downlevelToES5(source.text, source.path);
  const tscFile = new EmittedFile(tsc.code, tsc.map, source.sourceFile, functions);

  const diagnosticsOf = new Map<SourceFunction, TransformDiagnostic[]>();
  const fileDiagnostics: TransformDiagnostic[] = [];
  for (const diagnostic of transformed.diagnostics) {
    const owner = ownerOf(diagnostic, functions, source);
    if (owner === undefined) fileDiagnostics.push(diagnostic);
    else diagnosticsOf.set(owner, [...(diagnosticsOf.get(owner) ?? []), diagnostic]);
  }

  const reports: FunctionReport[] = [];
  for (const fn of functions) {
    const diagnostics = diagnosticsOf.get(fn) ?? [];
    if (!fn.isGenerator && diagnostics.length === 0) continue;
    const frameClass = frameClassAt.get(`${fn.line}:${fn.column}`);
    const refusal = diagnostics.find((d) => d.code === 'declined' || d.code === 'async-generator' || d.code === 'not-a-generator');
    const notes = diagnostics.filter((d) => d !== refusal);
    let verdict: Verdict;
    let reason: string | undefined;
    if (frameClass !== undefined) {
      verdict = 'compiled';
    } else if (refusal !== undefined) {
      verdict = refusal.code === 'not-a-generator' ? 'error' : 'declined';
      reason = reasonOf(refusal);
    } else {
      verdict = 'not a coroutine';
      reason = fn.isAsync
        ? 'an async generator'
        : generators === 'marked'
          ? 'not marked @coroutine (--generators all would compile it)'
          : 'left a native generator without a diagnostic';
    }
    const isCoroutine = verdict === 'compiled' || verdict === 'declined';
    reports.push({
      fn,
      verdict,
      reason,
      frameClass,
      versions: isCoroutine
        ? {
            source: cutOut(source.text, fn.start, fn.node.end),
            tsyncio: tsyncioFile.textFor(fn, frameClass) ?? NOT_FOUND,
            tsc: tscFile.textFor(fn) ?? NOT_FOUND,
          }
        : undefined,
      notes,
    });
  }
  return { fileName: source.path, generators, functions: reports, fileDiagnostics, tscHelpers: tsc.helpers };
}

/**
 * The function a diagnostic is about: it points into it (maybe at an inner node). Among the functions
 * holding that position, the one starting there, else the innermost one with the name the message quotes, else the innermost
 * generator, else the innermost function.
 */
function ownerOf(diagnostic: TransformDiagnostic, functions: readonly SourceFunction[], source: LoadedSource): SourceFunction | undefined {
  const lineStarts = source.sourceFile.getLineStarts();
  const lineStart = lineStarts[diagnostic.line - 1];
  if (lineStart === undefined) return undefined;
  const position = lineStart + diagnostic.column - 1;
  const holding = functions.filter((fn) => fn.start <= position && position < fn.node.end);
  const startingThere = holding.find((fn) => fn.start === position);
  if (startingThere !== undefined) return startingThere;
  const quoted = /coroutine '([^']*)'/.exec(diagnostic.message)?.[1];
  const named = holding.filter((fn) => fn.label === quoted);
  const generators = holding.filter((fn) => fn.isGenerator);
  return innermostAt(named.length > 0 ? named : generators.length > 0 ? generators : holding, position);
}

/** "cannot compile coroutine 'f': <reason>; left as a native generator" → "<reason>". */
function reasonOf(diagnostic: TransformDiagnostic): string {
  const match = /^cannot compile coroutine '[^']*': (.*?);? left as a native (?:async )?generator$/.exec(diagnostic.message);
  return match?.[1] ?? diagnostic.message;
}
