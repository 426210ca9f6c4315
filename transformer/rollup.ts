import { createFilter, type FilterPattern } from '@rollup/pluginutils';
import type ts from 'typescript';
import { formatDiagnostic, type TransformDiagnostic } from './diagnostics.js';
import type { CompiledCoroutine } from './index.js';
import { transformCode } from './transform-code.js';

export interface TsyncioPluginOptions {
  /** 'marked' (default): functions marked `@coroutine`; 'all': every non-async generator function. */
  generators?: 'marked' | 'all';
  /** A declined coroutine is a warning (default) or fails the build. */
  onUnsupported?: 'warn' | 'error';
  /** Files to transform (picomatch globs, resolved against the working directory). Default: TypeScript and JavaScript sources. */
  include?: FilterPattern;
  /** Files left alone. Default: anything under node_modules. */
  exclude?: FilterPattern;
  /** The module emitted code imports the runtime from. Default 'tsyncio'. */
  runtimeModule?: string;
  /**
   * Options for the TypeScript emit that turns a file with coroutines into JavaScript (see
   * "Output" below): set what your tsconfig sets when it changes the meaning of code, e.g.
   * `useDefineForClassFields: false` or `experimentalDecorators: true`.
   */
  compilerOptions?: ts.CompilerOptions;
  /**
   * Receives every warning instead of the bundler's `this.warn` (errors still fail the build).
   * For hosts that count declines rather than print them.
   */
  onDiagnostic?: (diagnostic: TransformDiagnostic) => void;
  /** Told of every coroutine compiled to a frame class. */
  onCompiled?: (coroutine: CompiledCoroutine) => void;
}

/** What rollup and vite pass as a warning or an error (the fields this plugin fills). */
export interface PluginLog {
  message: string;
  id: string;
  pluginCode: TransformDiagnostic['code'];
  /** `column` is 0-based, as rollup's. */
  loc: { file: string; line: number; column: number };
}

/** The part of rollup's/vite's plugin context the transform hook uses. */
export interface TransformContext {
  warn(log: PluginLog): void;
  error(log: PluginLog): never;
}

export interface TsyncioPlugin {
  name: 'tsyncio';
  enforce: 'pre';
  transform(this: TransformContext, code: string, id: string): { code: string; map: string | null } | null;
}

const DEFAULT_INCLUDE = '**/*.{ts,tsx,mts,cts,js,mjs}';
const DEFAULT_EXCLUDE = '**/node_modules/**';

/**
 * The rollup/vite plugin (`tsyncio/rollup`): compiles the coroutines of every included file.
 *
 * Output: a file with at least one coroutine (compiled or declined) comes out as JavaScript —
 * TypeScript's own emit with `target: ESNext`, so nothing is downlevelled, `jsx: preserve`, imports
 * kept as ES modules — with a source map back to the `.ts` lines; any later stage (vite's
 * esbuild/oxc, a TypeScript plugin) reads it as the plain JavaScript it is. Type-only constructs
 * are erased here rather than by that later stage, so `compilerOptions` must say whatever of the
 * project's tsconfig changes run-time meaning. A file without coroutines is returned untouched
 * (`null`), so the plugin costs one regular-expression test on it.
 * `enforce: 'pre'` puts it before vite's own TypeScript transform, which would otherwise strip the
 * types first and hand this plugin JavaScript it could still compile, but without the `.ts` names.
 */
export default function tsyncio(options: TsyncioPluginOptions = {}): TsyncioPlugin {
  const filter = createFilter(options.include ?? DEFAULT_INCLUDE, options.exclude ?? DEFAULT_EXCLUDE);
  const generators = options.generators ?? 'marked';
  return {
    name: 'tsyncio',
    enforce: 'pre',
    transform(code, id) {
      // Virtual modules (`\0…`) are not files; vite adds queries (`?v=…`, `?raw`) to ids.
      if (id.startsWith('\0')) return null;
      const file = id.replace(/[?#].*$/, '');
      if (!filter(file) || !mightHaveCoroutines(code, generators)) return null;
      const result = transformCode(code, {
        fileName: file,
        generators,
        ...(options.runtimeModule !== undefined ? { runtimeModule: options.runtimeModule } : {}),
        target: 'ESNext',
        module: 'ESNext',
        sourceMap: true,
        compilerOptions: { jsx: 1 satisfies ts.JsxEmit.Preserve, ...options.compilerOptions },
      });
      const errors: TransformDiagnostic[] = [];
      for (const reported of result.diagnostics) {
        // Declines come as warnings (transformCode would throw on them with 'error'): raised here.
        const d = reported.code === 'declined' && options.onUnsupported === 'error' ? { ...reported, category: 'error' as const } : reported;
        if (d.category === 'error') errors.push(d);
        else if (options.onDiagnostic !== undefined) options.onDiagnostic(d);
        else this.warn(toLog(d, id));
      }
      for (const c of result.compiled) options.onCompiled?.(c);
      if (errors.length > 0) {
        const first = toLog(errors[0]!, id);
        this.error({ ...first, message: errors.map(formatDiagnostic).join('\n') });
      }
      if (result.compiled.length === 0 && result.diagnostics.length === 0) return null;
      return { code: stripSourceMapComment(result.code), map: result.map ?? null };
    },
  };
}

/**
 * A cheap test before parsing: a marked coroutine always spells `coroutine` (the JSDoc tag, the
 * wrapper or the decorator); any generator function has a `*` after `function` or before a method name.
 */
function mightHaveCoroutines(code: string, generators: 'marked' | 'all'): boolean {
  if (code.includes('coroutine')) return true;
  return generators === 'all' && /\bfunction\s*\*|\*\s*(?:\[|#|[A-Za-z_$])/.test(code);
}

function toLog(d: TransformDiagnostic, id: string): PluginLog {
  return { message: formatDiagnostic(d), id, pluginCode: d.code, loc: { file: d.fileName, line: d.line, column: d.column - 1 } };
}

/** The bundler carries the map itself; TypeScript's pointer to a `.js.map` file would be wrong. */
function stripSourceMapComment(code: string): string {
  return code.replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '\n');
}
