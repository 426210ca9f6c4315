/**
 * The debug table of emitted frame classes (runtime/protocol.ts, "Debug metadata"): the name as
 * written, the file as each host names it, the 1-based position of the function and of every
 * `yield` / `yield*` a resume label stands for; at every target, including those TypeScript
 * downlevels static fields for. And the frame class is named after the coroutine, which V8 prints.
 */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { FrameDebugTable } from '../../runtime/debug/frame-info.js';
import { EventLoop, sleep } from '../../runtime/index.js';
import plugin, { relativePath } from '../../transformer/index.js';
import { transformCode } from '../../transformer/transform-code.js';
import { evaluate } from './harness.js';

const SOURCE = `import { coroutine } from 'tsyncio';
/** @coroutine */
export function* fetchAll(n: number) {
  const a = yield n;
  const b = yield* fetchOne(a as number);
  return b;
}
/** @coroutine */
function* fetchOne(n: number) {
  if (n < 0) throw new Error('negative');
  return n;
}
class Client {
  /** @coroutine */
  static *get(n: number) {
    return yield n;
  }
}
const objects = {
  /** @coroutine */
  *load() {
    yield;
  },
};
const wrapped = coroutine(function* () {
  yield;
});
const list = [function* () { yield; }];
export const log: unknown[] = [];
export const cases = { fetchAll: () => fetchAll(1), get: () => Client.get(2), load: () => objects.load(), wrapped: () => wrapped(), anonymous: () => list[0]!() };
`;
const lines = SOURCE.split('\n');
/** 1-based [line, column] of `needle` on the first line containing `lineText`. */
function at(lineText: string, needle: string): [number, number] {
  const index = lines.findIndex((line) => line.includes(lineText));
  return [index + 1, lines[index]!.indexOf(needle) + 1];
}

const EXPECTED: Record<string, FrameDebugTable> = {
  fetchAll: { name: 'fetchAll', file: 'src/app.ts', positions: { 0: at('function* fetchAll', 'function'), 1: at('yield n;', 'yield'), 2: at('yield* fetchOne', 'yield*') } },
  get: { name: 'Client.get', file: 'src/app.ts', positions: { 0: at('*get', '*'), 1: at('return yield n', 'yield') } },
  load: { name: 'load', file: 'src/app.ts', positions: { 0: at('*load', '*'), 1: at('    yield;', 'yield') } },
  // Its `yield;` is on the line after `coroutine(function* () {`.
  wrapped: { name: 'wrapped', file: 'src/app.ts', positions: { 0: at('coroutine(function*', 'function'), 1: [at('coroutine(function*', 'function')[0] + 1, 3] } },
  anonymous: { name: '<anonymous>', file: 'src/app.ts', positions: { 0: at('const list', 'function'), 1: at('const list', 'yield') } },
};

function tablesAt(target: 'ES2022' | 'ES2020' | 'ES2015' | 'ES5'): Record<string, unknown> {
  const out = transformCode(SOURCE, { fileName: '/project/src/app.ts', projectRoot: '/project', module: 'CommonJS', target, generators: 'all' });
  expect(out.compiled.map((c) => c.className)).toEqual(['fetchAll$Frame', 'fetchOne$Frame', 'Client$get$Frame', 'load$Frame', 'wrapped$Frame', 'anonymous$Frame']);
  const module = evaluate(out.code);
  return Object.fromEntries(Object.entries(module.cases).map(([name, make]) => [name, (make().constructor as { debug?: unknown }).debug]));
}

describe('debug tables of emitted frame classes', () => {
  for (const target of ['ES2022', 'ES2020', 'ES2015'] as const) {
    it(`${target}: name as written, file relative to the project root, function and suspension positions`, () => {
      expect(tablesAt(target)).toEqual(EXPECTED);
    });
  }

  it('ES2022 writes a static field; below it TypeScript assigns the table after the class', () => {
    const modern = transformCode(SOURCE, { fileName: 'src/app.ts', target: 'ES2022' }).code;
    expect(modern).toContain(`static debug = { name: "fetchOne", file: "src/app.ts", positions: { 0: [${at('function* fetchOne', 'function').join(', ')}] } };`);
    const older = transformCode(SOURCE, { fileName: 'src/app.ts', target: 'ES2020' }).code;
    expect(older).toMatch(/\bfetchOne\$Frame\.debug = \{ name: "fetchOne"/);
  });

  it('without projectRoot the file is named as the host named it', () => {
    expect(transformCode(SOURCE, { fileName: '/abs/app.ts' }).code).toContain('file: "/abs/app.ts"');
  });

  it('Task.getStack reads it: the coroutine chain with .ts positions', () => {
    const module = evaluate(transformCode(SOURCE, { fileName: '/project/src/app.ts', projectRoot: '/project', module: 'CommonJS' }).code);
    const loop = new EventLoop({ clock: 'virtual' });
    const task = loop.createTask(module.cases['fetchAll']!() as Generator<unknown, unknown, unknown>, { name: 'fetcher' });
    const [line, column] = at('function* fetchAll', 'function');
    expect(task.getStack()).toEqual([{ name: 'fetchAll', file: 'src/app.ts', line, column, kind: 'frame' }]);
    loop.close();
  });

  it('a generator function nested in a compiled coroutine: its own frame class, name as written, on the stack below the outer', () => {
    const nested = `import { sleep } from 'tsyncio';
export function* outer(ms: number) {
  const pause = function* () {
    return yield* sleep(ms, 'slept');
  };
  const twice = [function* () { return yield* pause(); }];
  return yield* twice[0]!();
}
export const log: unknown[] = [];
export const cases = { outer: () => outer(10) };
`;
    const nestedLines = nested.split('\n');
    const pos = (lineText: string, needle: string): [number, number] => {
      const index = nestedLines.findIndex((line) => line.includes(lineText));
      return [index + 1, nestedLines[index]!.indexOf(needle) + 1];
    };
    const out = transformCode(nested, { fileName: '/project/src/nested.ts', projectRoot: '/project', module: 'CommonJS', generators: 'all' });
    expect(out.diagnostics).toEqual([]);
    expect(out.compiled.map((c) => c.className)).toEqual(['outer$Frame', 'pause$Frame', 'anonymous$Frame']);
    const module = evaluate(out.code);
    const loop = new EventLoop({ clock: 'virtual' });
    const task = loop.createTask(module.cases['outer']!() as Generator<unknown, unknown, unknown>, { name: 'nested' });
    loop.runUntilComplete(
      (function* () {
        yield* sleep(1);
      })(),
    );
    const frame = (lineText: string, needle: string, name: string) => ({ name, file: 'src/nested.ts', line: pos(lineText, needle)[0], column: pos(lineText, needle)[1], kind: 'frame' });
    expect(task.getStack()).toEqual([
      frame('return yield* twice', 'yield*', 'outer'),
      frame('const twice', 'yield*', '<anonymous>'),
      frame('return yield* sleep', 'yield*', 'pause'),
    ]);
    expect(loop.runUntilComplete(task)).toBe('slept');
    loop.close();
  });

  it('relativePath: below, above and outside the root; relative names as they are', () => {
    expect(relativePath('/project', '/project/src/app.ts')).toBe('src/app.ts');
    expect(relativePath('/project/', '/project/app.ts')).toBe('app.ts');
    expect(relativePath('/project/web', '/project/lib/x.ts')).toBe('../lib/x.ts');
    expect(relativePath('C:\\project', 'C:\\project\\src\\a.ts')).toBe('src/a.ts');
    expect(relativePath('C:/project', 'D:/other/a.ts')).toBe('D:/other/a.ts');
    expect(relativePath('/project', 'src/app.ts')).toBe('src/app.ts');
  });

  it('the tsconfig plugin names files relative to the program\'s current directory', () => {
    const fileName = '/project/src/app.ts';
    const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, noLib: true, types: [] };
    const host = ts.createCompilerHost(options);
    host.getCurrentDirectory = () => '/project';
    host.fileExists = (name) => name === fileName;
    host.readFile = (name) => (name === fileName ? SOURCE : undefined);
    host.getSourceFile = (name, languageVersion) => (name === fileName ? ts.createSourceFile(name, SOURCE, languageVersion) : undefined);
    let written = '';
    host.writeFile = (_name, text) => (written += text);
    const program = ts.createProgram([fileName], options, host);
    program.emit(undefined, undefined, undefined, false, { before: [plugin(program, { onDiagnostic: () => {} }, { ts })] });
    expect(written).toContain('static debug = { name: "fetchAll", file: "src/app.ts", positions:');
  });
});
