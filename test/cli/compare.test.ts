import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MISMARKED_SOURCE, MIXED_SOURCE, tempProject, tsyncio, type CliRun } from './helpers.js';

describe('tsyncio compare', () => {
  const project = tempProject({ 'mixed.ts': MIXED_SOURCE, 'mismarked.ts': MISMARKED_SOURCE, 'empty.ts': 'export const nothing = 0;\n' });
  const file = project.path('mixed.ts');
  let stacked: CliRun;
  beforeAll(() => {
    stacked = tsyncio(['compare', file]);
  });
  afterAll(() => project.cleanup());

  it('shows each coroutine in three versions: the source, tsyncio, tsc ES5', () => {
    expect(stacked.status).toBe(0);
    expect(stacked.stderr).toBe('');
    const countdown = section(stacked.stdout, 'countdown');
    expect(countdown).toContain(`━━ countdown · ${file}:4:1 · compiled to countdown$Frame`);
    expect(countdown).toContain('export function* countdown(from: number) {\n  for (let n = from; n > 0; n--) {');
    expect(countdown).toContain('class countdown$Frame {');
    expect(countdown).toContain('linkFrameClass(countdown$Frame);');
    expect(countdown).toContain('export function countdown(from) {\n    return new countdown$Frame(from);\n}');
    expect(countdown).toContain('return __generator(this, function (_a) {');
    expect(countdown).toContain('return [5 /*yield**/, __values(sleep(10))];');
  });

  it('gives each version its size, in lines and bytes, measured on the text it shows', () => {
    const countdown = section(stacked.stdout, 'countdown');
    const panes = [...countdown.matchAll(/^── (source|tsyncio|tsc ES5) · (\d+) lines?, (\d+) B ─+\n([\s\S]*?)(?=^── |\n?$(?![\s\S]))/gm)];
    expect(panes.map((pane) => pane[1])).toEqual(['source', 'tsyncio', 'tsc ES5']);
    for (const [, , lines, bytes, text] of panes) {
      const shown = text!.replace(/\n$/, '');
      expect(shown.split('\n').length).toBe(Number(lines));
      expect(Buffer.byteLength(shown)).toBe(Number(bytes));
    }
  });

  it('names a declined coroutine with the transformer’s reason, and shows it kept as a generator', () => {
    const keysOf = section(stacked.stdout, 'keysOf');
    expect(keysOf).toContain(`━━ keysOf · ${file}:12:1 · declined: \`eval\` inside a coroutine is not supported`);
    expect(keysOf).toMatch(/── tsyncio \(declined: as is\) · \d+ lines, \d+ B/);
    expect(keysOf).toContain('export function* keysOf(record) {');
    expect(stacked.stdout).toMatch(/^ {2}declined +keysOf +\S+mixed\.ts:12:1 +`eval` inside a coroutine is not supported$/m);
  });

  it('lists every generator function with its verdict, and ends with a summary line', () => {
    expect(stacked.stdout).toMatch(/^ {2}compiled +countdown +\S+mixed\.ts:4:1 +→ countdown\$Frame$/m);
    expect(stacked.stdout).toMatch(/^ {2}not a coroutine +plainGenerator +\S+mixed\.ts:16:1 +not marked @coroutine \(--generators all would compile it\)$/m);
    const summary = stacked.stdout.trimEnd().split('\n').at(-1)!;
    expect(summary).toMatch(
      new RegExp(`^summary: ${escape(file)}: 2 coroutines, 1 compiled, 1 declined, 1 other generator; the compiled: source \\d+ B, tsyncio \\d+ B, tsc ES5 \\d+ B \\+ \\d+ B of helpers per file \\(__generator, __values\\)$`),
    );
    // plainGenerator is not a coroutine: no versions shown for it.
    expect(stacked.stdout).not.toContain('━━ plainGenerator');
  });

  it('--generators all compiles the unmarked generator too', () => {
    const run = tsyncio(['compare', '--generators', 'all', file]);
    expect(run.stdout).toContain(`━━ plainGenerator · ${file}:16:1 · compiled to plainGenerator$Frame`);
    expect(run.stdout).toContain('3 coroutines, 2 compiled, 1 declined');
  });

  it('puts the versions side by side when the terminal is wide, each pane within its third', () => {
    const run = tsyncio(['compare', file], { columns: 150 });
    const lines = run.stdout.split('\n');
    const titleRow = lines.find((line) => line.startsWith('source · '))!;
    expect(titleRow).toMatch(/^source · \d+ lines, \d+ B +│ tsyncio · \d+ lines, \d+ B +│ tsc ES5 · \d+ lines, \d+ B$/);
    const row = lines.find((line) => line.startsWith('export function* countdown(from: number) {'))!;
    expect(row.split(' │ ')).toHaveLength(3);
    // The panes and the headings fit the terminal (the closing list and summary are left to it).
    const laidOut = lines.filter((line) => line.includes(' │ ') || line.startsWith('━━') || line.startsWith('↪'));
    expect(laidOut.length).toBeGreaterThan(20);
    for (const line of laidOut) expect([...line].length).toBeLessThanOrEqual(150);
    // Long lines wrap inside their pane.
    expect(run.stdout).toContain('↪ ');
  });

  it('stacks the versions when the terminal is narrow, or unknown (a pipe), or as --width / $COLUMNS say', () => {
    expect(stacked.stdout).not.toContain(' │ ');
    expect(tsyncio(['compare', file], { columns: 80 }).stdout).not.toContain(' │ ');
    expect(tsyncio(['compare', '--width', '200', file], { columns: 80 }).stdout).toContain(' │ ');
    expect(tsyncio(['compare', file], { environment: { COLUMNS: '160' } }).stdout).toContain(' │ ');
  });

  it('exits 1 on an error diagnostic and lists it', () => {
    const run = tsyncio(['compare', project.path('mismarked.ts')]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^ {2}error +notAGenerator +\S+mismarked\.ts:2:1 +@coroutine marks a function that is not a generator/m);
  });

  it('says so when the file has no generator at all', () => {
    const run = tsyncio(['compare', project.path('empty.ts')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('(no generator functions)');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`summary: ${project.path('empty.ts')}: 0 coroutines, 0 compiled, 0 declined`);
  });
});

/** The block of the report about one coroutine: from its ━━ header to the next header or the function list. */
function section(report: string, label: string): string {
  const start = report.indexOf(`━━ ${label} · `);
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = report.slice(start + 1);
  const end = rest.search(/^(━━ |functions in )/m);
  return report.slice(start, end === -1 ? undefined : start + 1 + end);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
