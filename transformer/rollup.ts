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
  /**
   * The directory the frame classes' debug tables name files relative to (`task.getStack()`,
   * `coroutineChainOf(error)`). Default: vite's project root, under rollup the working directory.
   */
  projectRoot?: string;
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
  /**
   * rollup, vite, rolldown: the map from the code this hook receives back to the file as written
   * (what earlier `load`/`transform` hooks did, e.g. @rollup/plugin-typescript's emit). Diagnostics are
   * positions in the received code; they are reported at the positions this map gives.
   */
  getCombinedSourcemap?(): { mappings: string };
}

export interface TsyncioPlugin {
  name: 'tsyncio';
  enforce: 'pre';
  /** vite: the project root, which debug tables name files relative to. */
  configResolved(config: { root: string }): void;
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
  let projectRoot = options.projectRoot;
  return {
    name: 'tsyncio',
    enforce: 'pre',
    configResolved(config) {
      projectRoot ??= config.root;
    },
    transform(code, id) {
      // Virtual modules (`\0…`) are not files; vite adds queries (`?v=…`, `?raw`) to ids.
      if (id.startsWith('\0')) return null;
      const file = id.replace(/[?#].*$/, '');
      if (!filter(file) || !mightHaveCoroutines(code, generators)) return null;
      // Positions in `code`, which an earlier hook may have made from the source (a TypeScript
      // plugin's emit): taken back through the combined map, read only when there is something to place.
      let original: ((p: Position) => Position) | undefined;
      const toOriginal = (p: Position): Position => (original ??= originalPositions(this.getCombinedSourcemap?.().mappings))(p);
      const place = <T extends Position>(item: T): T => ({ ...item, ...toOriginal(item) });
      const result = transformCode(code, {
        fileName: file,
        projectRoot: projectRoot ?? process.cwd(),
        originalPosition: toOriginal,
        generators,
        ...(options.runtimeModule !== undefined ? { runtimeModule: options.runtimeModule } : {}),
        target: 'ESNext',
        module: 'ESNext',
        sourceMap: true,
        compilerOptions: { jsx: 1 satisfies ts.JsxEmit.Preserve, ...options.compilerOptions },
      });
      // No host maps a log's loc for us: rollup and vite build take it as given, and vite's dev server
      // leaves a log with a pluginCode as it is.
      const errors: TransformDiagnostic[] = [];
      for (const reported of result.diagnostics) {
        // Declines come as warnings (transformCode would throw on them with 'error'): raised here.
        const d = place(reported.code === 'declined' && options.onUnsupported === 'error' ? { ...reported, category: 'error' as const } : reported);
        if (d.category === 'error') errors.push(d);
        else if (options.onDiagnostic !== undefined) options.onDiagnostic(d);
        else this.warn(toLog(d, id));
      }
      if (options.onCompiled !== undefined) for (const c of result.compiled) options.onCompiled(place(c));
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

/** A 1-based line and column. */
interface Position {
  line: number;
  column: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Where a position of the generated code comes from, by a source map's `mappings`: the nearest
 * mapped segment at or before it on its line, plus the columns between (exact for text the map
 * carries over unchanged). Positions on a line with no mapping, or without a map, stay as they are.
 */
function originalPositions(mappings: string | undefined): (p: Position) => Position {
  if (mappings === undefined || mappings === '') return (p) => p;
  // Per generated line (0-based): [generated column, original line, original column], all 0-based.
  const lines: [number, number, number][][] = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const text of mappings.split(';')) {
    const segments: [number, number, number][] = [];
    let column = 0;
    for (const segment of text.split(',')) {
      if (segment === '') continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of segment) {
        const digit = BASE64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0]!;
      if (fields.length >= 4) {
        sourceLine += fields[2]!;
        sourceColumn += fields[3]!;
        segments.push([column, sourceLine, sourceColumn]);
      }
    }
    lines.push(segments);
  }
  return (p) => {
    const segments = lines[p.line - 1] ?? [];
    const column = p.column - 1;
    const at = segments.filter(([c]) => c <= column).pop() ?? segments[0];
    if (at === undefined) return p;
    return { line: at[1] + 1, column: at[2] + Math.max(0, column - at[0]) + 1 };
  };
}

/** The bundler carries the map itself; TypeScript's pointer to a `.js.map` file would be wrong. */
function stripSourceMapComment(code: string): string {
  return code.replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '\n');
}
