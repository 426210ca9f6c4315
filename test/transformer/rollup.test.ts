/**
 * The rollup/vite plugin, called directly with a fake plugin context: which files it takes, what it
 * returns (JavaScript that a later TypeScript/esbuild stage accepts, with a source map back to the
 * `.ts` lines), and how diagnostics reach `this.warn` / `this.error` with file:line:col.
 */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as runtime from '../../runtime/index.js';
import tsyncio, { type PluginLog, type TransformContext, type TsyncioPluginOptions } from '../../transformer/rollup.js';

const FILE = `${process.cwd()}/src/app.ts`;

const MARKED = `import { sleep } from 'tsyncio';

interface Point { x: number; y: number }

/** @coroutine */
export function* walk(points: Point[]) {
  let total = 0;
  for (const p of points) {
    yield* sleep(1);
    total += p.x as number;
  }
  throw new Error('total ' + total);
}
`;

interface Run {
  result: { code: string; map: string | null } | null;
  warnings: PluginLog[];
  error: PluginLog | undefined;
}

function run(code: string, id: string, options: TsyncioPluginOptions = {}): Run {
  const plugin = tsyncio(options);
  const warnings: PluginLog[] = [];
  let error: PluginLog | undefined;
  const context: TransformContext = {
    warn: (log) => warnings.push(log),
    error: (log) => {
      error = log;
      throw new Error(log.message);
    },
  };
  let result: Run['result'] = null;
  try {
    result = plugin.transform.call(context, code, id);
  } catch (thrown) {
    if (error === undefined) throw thrown;
  }
  return { result, warnings, error };
}

/** Source map `mappings` decoded: per generated line, [generatedColumn, sourceLine] segments (0-based). */
function decodeMappings(mappings: string): [number, number][][] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lines: [number, number][][] = [];
  let sourceLine = 0;
  for (const lineText of mappings.split(';')) {
    const segments: [number, number][] = [];
    let column = 0;
    for (const segment of lineText.split(',').filter((s) => s !== '')) {
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of segment) {
        const digit = alphabet.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0]!;
      if (fields.length >= 4) {
        sourceLine += fields[2]!;
        segments.push([column, sourceLine]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** Evaluates plugin output as the next stage would see it (here: TypeScript to CommonJS), `tsyncio` bound to the runtime. */
function evaluate(code: string): Record<string, unknown> {
  const cjs = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  const require = (specifier: string): unknown => {
    if (specifier === 'tsyncio' || specifier === '@app/runtime') return runtime;
    throw new Error(`unexpected import ${specifier}`);
  };
  new Function('require', 'module', 'exports', cjs)(require, module, module.exports);
  return module.exports;
}

describe('tsyncio rollup/vite plugin', () => {
  it('is a pre plugin named tsyncio', () => {
    const plugin = tsyncio();
    expect(plugin.name).toBe('tsyncio');
    expect(plugin.enforce).toBe('pre');
  });

  it('compiles a marked coroutine into JavaScript that still parses as TypeScript and runs', () => {
    const { result, warnings } = run(MARKED, FILE);
    expect(warnings).toEqual([]);
    expect(result).not.toBeNull();
    const code = result!.code;
    expect(code).toMatch(/class walk\$Frame/);
    expect(code).toMatch(/from "tsyncio"/);
    // Types are gone (this stage erased them); no pointer to a map file the bundler never writes.
    expect(code).not.toMatch(/interface Point|: Point\[\]|as number/);
    expect(code).not.toMatch(/sourceMappingURL/);
    const reparsed = ts.transpileModule(code, { fileName: 'next-stage.ts', reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext } });
    expect(reparsed.diagnostics ?? []).toEqual([]);

    const walk = evaluate(code)['walk'] as (points: { x: number }[]) => Generator;
    const frame = walk([{ x: 2 }, { x: 3 }]);
    expect(runtime.isFrame(frame)).toBe(true);
    const loop = new runtime.EventLoop({ clock: 'virtual' });
    expect(() => loop.runUntilComplete(frame)).toThrow('total 5');
    expect(loop.time()).toBe(2);
  });

  it('returns a source map that takes frame code back to the .ts lines', () => {
    const { result } = run(MARKED, FILE);
    const map = JSON.parse(result!.map!) as { sources: string[]; mappings: string };
    expect(map.sources).toEqual(['app.ts']);
    const generated = result!.code.split('\n');
    const mapped = decodeMappings(map.mappings);
    const sourceLineOf = (needle: string): number => {
      const line = generated.findIndex((text) => text.includes(needle));
      expect(line, needle).toBeGreaterThanOrEqual(0);
      const column = generated[line]!.indexOf(needle);
      const segment = [...mapped[line]!].reverse().find(([c]) => c <= column) ?? mapped[line]![0];
      expect(segment, `a mapping on the line of ${needle}`).toBeDefined();
      return segment![1] + 1;
    };
    expect(sourceLineOf("throw new Error('total '")).toBe(12);
    expect(sourceLineOf('this.total = 0')).toBe(7);
  });

  it('leaves files without coroutines, excluded files and virtual modules untouched', () => {
    expect(run('export const x: number = 1;\nexport function* g() { yield 1; }\n', FILE).result).toBeNull();
    expect(run(MARKED, `${process.cwd()}/node_modules/dep/index.ts`).result).toBeNull();
    expect(run(MARKED, `${process.cwd()}/src/styles.css`).result).toBeNull();
    expect(run(MARKED, '\0virtual:app.ts').result).toBeNull();
    expect(run(MARKED, FILE, { exclude: ['**/src/**'] }).result).toBeNull();
    expect(run(MARKED, FILE, { include: ['**/lib/**'] }).result).toBeNull();
  });

  it('takes ids with a query by their file name', () => {
    const { result } = run(MARKED, `${FILE}?v=123`);
    expect(result?.code).toMatch(/class walk\$Frame/);
  });

  it("compiles every generator with generators: 'all', importing the runtime from runtimeModule", () => {
    const source = 'export function* twice(x: number) { const a = yield x; return [a, yield x * 2]; }\n';
    const { result } = run(source, FILE, { generators: 'all', runtimeModule: '@app/runtime' });
    expect(result?.code).toMatch(/from "@app\/runtime"/);
    const twice = evaluate(result!.code)['twice'] as (x: number) => Generator;
    const frame = twice(5);
    expect(runtime.isFrame(frame)).toBe(true);
    expect([frame.next(), frame.next('a'), frame.next('b')]).toEqual([
      { value: 5, done: false },
      { value: 10, done: false },
      { value: ['a', 'b'], done: true },
    ]);
  });

  it('reports a declined coroutine through this.warn with file:line:col, and keeps it native', () => {
    const source = "export const log: string[] = [];\n/** @coroutine */\nexport function* g() {\n  eval('0'); log.push(yield 'k');\n}\n";
    const { result, warnings, error } = run(source, FILE);
    expect(error).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ id: FILE, pluginCode: 'declined', loc: { file: FILE, line: 4, column: 2 } });
    expect(warnings[0]!.message).toMatch(new RegExp(`^${FILE}:4:3: warning: cannot compile coroutine 'g'`));
    expect(result?.code).toMatch(/function\* g\(\)/);
  });

  it("fails the build on a declined coroutine with onUnsupported: 'error'", () => {
    const source = "/** @coroutine */\nexport function* g() {\n  eval('0'); yield 'k';\n}\n";
    const { error, warnings } = run(source, FILE, { onUnsupported: 'error' });
    expect(warnings).toEqual([]);
    expect(error).toMatchObject({ id: FILE, pluginCode: 'declined', loc: { line: 3, column: 2 } });
    expect(error!.message).toMatch(/app\.ts:3:3: error: cannot compile coroutine 'g'/);
  });

  it('fails the build on a misuse that is an error whatever onUnsupported says', () => {
    const { error } = run('/** @coroutine */\nexport function g() { return 1; }\n', FILE);
    expect(error).toMatchObject({ pluginCode: 'not-a-generator', loc: { line: 2, column: 0 } });
  });

  it('sends warnings to onDiagnostic instead of this.warn, and tells onCompiled what it compiled', () => {
    const diagnostics: string[] = [];
    const compiled: string[] = [];
    const source = 'export function* a() { yield 1; }\nexport function* b() { eval("0"); yield 1; }\n';
    const { warnings } = run(source, FILE, { generators: 'all', onDiagnostic: (d) => diagnostics.push(`${d.line}:${d.code}`), onCompiled: (c) => compiled.push(`${c.line}:${c.className}`) });
    expect(warnings).toEqual([]);
    expect(diagnostics).toEqual(['2:declined']);
    expect(compiled).toEqual(['1:a$Frame']);
  });

  it('keeps JSX for the next stage in .tsx files', () => {
    const source = "declare const h: unknown;\n/** @coroutine */\nexport function* view() { const v = yield 1; return <div>{v as string}</div>; }\n";
    const { result } = run(source, `${process.cwd()}/src/view.tsx`);
    expect(result?.code).toMatch(/<div>\{this\.v\}<\/div>|<div>\{v\}<\/div>/);
  });

  it('applies compilerOptions that change the meaning of the rest of the file', () => {
    const source = 'class Box { size = 1; constructor(public label: string) {} }\n/** @coroutine */\nexport function* g() { yield new Box("x"); }\n';
    const defined = run(source, FILE).result!.code;
    expect(defined).toMatch(/^\s*size = 1;/m);
    const assigned = run(source, FILE, { compilerOptions: { useDefineForClassFields: false } }).result!.code;
    expect(assigned).toMatch(/this\.size = 1;/);
  });

  describe('after an earlier hook (e.g. @rollup/plugin-typescript, which emits JavaScript in load)', () => {
    // The declined statement is on line 9, column 3 of the source; tsc's emit (types gone) moves it up.
    const SOURCE = [
      'interface Counts {',
      '  [key: string]: number;',
      '}',
      'const counts: Counts = {};',
      'type Key = string;',
      '',
      '/** @coroutine */',
      'export function* tally(): Generator<unknown, void, Key> {',
      '  eval((yield) as Key);',
      '}',
      '/** @coroutine */',
      'export function* two(): Generator<number> { yield 1; yield 2; }',
      '',
    ].join('\n');
    const emitted = ts.transpileModule(SOURCE, { fileName: 'app.ts', compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: true } });
    const js = emitted.outputText.replace(/\/\/# sourceMappingURL=.*$/, '');
    const map = JSON.parse(emitted.sourceMapText!) as { mappings: string };

    function runAfter(options: TsyncioPluginOptions = {}): { warnings: PluginLog[]; error: PluginLog | undefined; code: string | undefined } {
      const warnings: PluginLog[] = [];
      let error: PluginLog | undefined;
      let code: string | undefined;
      const context: TransformContext = {
        warn: (log) => warnings.push(log),
        error: (log) => {
          error = log;
          throw new Error(log.message);
        },
        getCombinedSourcemap: () => map,
      };
      try {
        code = tsyncio(options).transform.call(context, js, FILE)?.code;
      } catch (thrown) {
        if (error === undefined) throw thrown;
      }
      return { warnings, error, code };
    }

    it('the received code really has the statement elsewhere', () => {
      const line = js.split('\n').findIndex((text) => text.includes('counts[(yield)]++'));
      expect(line + 1).toBeLessThan(9);
    });

    it('reports diagnostics and compiled coroutines at their source positions, through this.getCombinedSourcemap()', () => {
      const { warnings } = runAfter();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ loc: { file: FILE, line: 9, column: 2 } });
      expect(warnings[0]!.message).toMatch(new RegExp(`^${FILE}:9:3: warning: cannot compile coroutine 'tally'`));

      const { error } = runAfter({ onUnsupported: 'error' });
      expect(error).toMatchObject({ loc: { line: 9, column: 2 } });
      expect(error!.message).toMatch(/app\.ts:9:3: error: cannot compile coroutine 'tally'/);

      const places: string[] = [];
      runAfter({ onDiagnostic: (d) => places.push(`${d.code} ${d.line}:${d.column}`), onCompiled: (c) => places.push(`${c.className} ${c.line}:${c.column}`) });
      expect(places).toEqual(['declined 9:3', 'two$Frame 12:1']);
    });

    it('writes the debug table at the source positions too, naming the file relative to the project root', () => {
      const line = SOURCE.split('\n')[11]!;
      const at = (needle: string, from = 0): string => `[12, ${line.indexOf(needle, from) + 1}]`;
      const { code } = runAfter({ projectRoot: `${process.cwd()}/src` });
      expect(code).toContain(`static debug = { name: "two", file: "app.ts", positions: { 0: ${at('function')}, 1: ${at('yield 1')}, 2: ${at('yield 2')} } };`);
    });
  });
});
