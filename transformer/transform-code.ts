import ts from 'typescript';
import { createTransformer, type CompiledCoroutine, type TransformerOptions } from './index.js';
import { formatDiagnostic, type TransformDiagnostic } from './diagnostics.js';

export interface TransformCodeOptions extends Omit<TransformerOptions, 'onDiagnostic' | 'onCompiled'> {
  fileName?: string;
  /** Default ES2022. */
  target?: ts.ScriptTarget | keyof typeof ts.ScriptTarget;
  /** Default ESNext. */
  module?: ts.ModuleKind | keyof typeof ts.ModuleKind;
  sourceMap?: boolean;
  /**
   * Further options for TypeScript's own emit (e.g. `jsx`, `useDefineForClassFields`,
   * `experimentalDecorators`), applied over the defaults above; `isolatedModules` always holds.
   */
  compilerOptions?: ts.CompilerOptions;
}

export interface TransformCodeResult {
  code: string;
  /** The source map (JSON text) when `sourceMap` is set. */
  map: string | undefined;
  diagnostics: TransformDiagnostic[];
  /** The coroutines compiled to frame classes (the rest stayed native generators). */
  compiled: CompiledCoroutine[];
}

/**
 * Transforms one file's source text: the tsyncio transform, then TypeScript's own downlevel
 * (`ts.transpileModule`). With `onUnsupported: 'error'`, a declined coroutine throws.
 */
export function transformCode(code: string, options: TransformCodeOptions = {}): TransformCodeResult {
  const diagnostics: TransformDiagnostic[] = [];
  const compiled: CompiledCoroutine[] = [];
  const target = typeof options.target === 'string' ? ts.ScriptTarget[options.target] : (options.target ?? ts.ScriptTarget.ES2022);
  const module = typeof options.module === 'string' ? ts.ModuleKind[options.module] : (options.module ?? ts.ModuleKind.ESNext);
  const output = ts.transpileModule(code, {
    fileName: options.fileName ?? 'input.ts',
    reportDiagnostics: false,
    compilerOptions: {
      target,
      module,
      sourceMap: options.sourceMap ?? false,
      experimentalDecorators: false,
      verbatimModuleSyntax: false,
      ...options.compilerOptions,
      isolatedModules: true,
    },
    transformers: { before: [createTransformer(ts, { ...options, onDiagnostic: (d) => diagnostics.push(d), onCompiled: (c) => compiled.push(c) })] },
  });
  const errors = diagnostics.filter((d) => d.category === 'error');
  if (options.onUnsupported === 'error' && errors.length > 0) {
    throw new Error(`tsyncio: ${errors.length} coroutine(s) cannot be compiled:\n${errors.map(formatDiagnostic).join('\n')}`);
  }
  return { code: output.outputText, map: output.sourceMapText, diagnostics, compiled };
}
