/**
 * Generated programs (fast-check): random coroutines over the constructs the transformer compiles —
 * yields in statement and expression positions, if/while/for/for-of, labelled break/continue,
 * try/catch/finally, early return and throw, closures over per-iteration bindings, hoisted
 * function declarations, for-in over keys deleted and added meanwhile, yield in ++ targets, logical
 * assignments, optional calls and destructuring, loops that suspend only in `yield*` (run as native
 * loops) — run compiled and native under random next/throw/return schedules; the traces must be
 * equal. The seed is printed on failure (replay with fast-check's `seed`/`path` in the options below).
 *
 * `npm test` runs 3,000 programs (about 20 s on one core). The long mode runs as many as you ask:
 *
 *     FC_RUNS=100000 npx vitest run --project native test/transformer/generated.test.ts
 *
 * (about 10 minutes; the test's timeout grows with FC_RUNS).
 *
 * The programs are JavaScript (no type syntax), so neither side needs TypeScript's emit: the native
 * side runs the source as written, the compiled side is the transformer's output printed as is —
 * the same transform as `transformCode`, without building a Program per case, which cost ~10× more.
 */
import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as runtime from '../../runtime/index.js';
import { createTransformer } from '../../transformer/index.js';
import { driveByHand, type FixtureModule, type Op } from './harness.js';

const RUNS = Number(process.env['FC_RUNS'] ?? 3000);
const printer = ts.createPrinter();
let declined = 0;

/** Evaluates a generated module: `export` dropped, `tsyncio` bound to the runtime, strict as a module is. */
function evaluateProgram(code: string): FixtureModule {
  const body = code.replace(/^export /gm, '').replace(/^import \* as (\w+) from "tsyncio";$/m, 'const $1 = require("tsyncio");');
  const require = (specifier: string): unknown => {
    if (specifier === 'tsyncio') return runtime;
    throw new Error(`generated program imports ${specifier}`);
  };
  return new Function('require', `"use strict";\n${body}\nreturn { log, cases };`)(require) as FixtureModule;
}

function nativeProgram(source: string): FixtureModule {
  return evaluateProgram(source);
}

function compiledProgram(source: string): { module: FixtureModule; code: string } {
  const sourceFile = ts.createSourceFile('gen.ts', source, ts.ScriptTarget.ES2022, true);
  const diagnostics: string[] = [];
  const result = ts.transform(sourceFile, [createTransformer(ts, { onDiagnostic: (d) => diagnostics.push(d.message) })], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
  });
  const code = printer.printFile(result.transformed[0]!);
  result.dispose();
  // A declined program stays native (and the comparison is trivially equal): counted, see below.
  if (diagnostics.length > 0) declined++;
  return { module: evaluateProgram(code), code };
}

let counter = 0;

/**
 * Statements of a loop whose body suspends only in `yield*` (lower.ts, runLoopNatively): calls of a
 * compiled coroutine that returns at once, suspends or throws, and of a native generator, also in
 * branches (if/else, ?:, &&, a switch); jumps
 * (also through a finally without yield), return and throw; a closure over the loop's variable `v`
 * (its loop then keeps the dispatch).
 */
const callLeaf = (v: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('acc += yield* sub(n++);', 'log.push(yield* sub(acc + n++));', `log.push('v' + ${v} + (yield* nsub(n++)));`, `{\nconst r = yield* sub(${v} + n);\nlog.push('r' + r);\n}`) },
    // Branches around the calls (forward jumps in the native loop).
    { weight: 2, arbitrary: fc.constantFrom("if (n % 2) acc += yield* sub(n++);\nelse log.push('e' + n++);", "log.push(n % 3 ? yield* sub(n++) : 'z');", 'log.push(acc > 4 && (yield* nsub(n++)));', "switch (n % 3) {\ncase 0:\nacc += yield* sub(n++);\nbreak;\ncase 1:\nlog.push('one');\ndefault:\nlog.push(yield* nsub(n++));\n}") },
    { weight: 3, arbitrary: fc.constantFrom('if (acc > 9) break;', 'if (n % 3 === 0) continue;', 'if (acc > 14) return acc;', "if (n % 5 === 4) throw new Error('t' + n);", `acc += ${v};`, "log.push('s' + n++);") },
    { weight: 1, arbitrary: fc.constantFrom(`fns.push(() => ${v} + ':' + acc);`, `try {\nif (${v} === 1) throw new Error('in' + n);\n} catch (e) {\nlog.push(e.message);\n}`, "try {\nif (n % 4 === 2) continue;\nif (n % 6 === 5) break;\n} finally {\nlog.push('nf' + n);\n}") },
  );

const nativeLoop = (depth: number): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom('for', 'while', 'do', 'labelled', 'of', 'in'), fc.array(fc.constant(0), { minLength: 1, maxLength: 4 })).chain(([kind, slots]) => {
    const v = `c${counter++}`;
    const one = depth > 0 ? fc.oneof({ weight: 4, arbitrary: callLeaf(v) }, { weight: 1, arbitrary: nativeLoop(depth - 1) }) : callLeaf(v);
    return fc.tuple(...slots.map(() => one)).map((xs) => {
      const b = xs.join('\n');
      if (kind === 'for') return `for (let ${v} = 0; ${v} < 3; ${v}++) {\n${b}\n}`;
      if (kind === 'while') return `let ${v} = 0;\nwhile (${v}++ < 3) {\n${b}\n}`;
      if (kind === 'do') return `let ${v} = 0;\ndo {\n${b}\n} while (++${v} < 3);`;
      // Over a native generator that logs its close (on break, return and throw out of the loop).
      if (kind === 'of') return `for (const ${v} of upTo(3)) {\n${b}\n}`;
      if (kind === 'in') return `for (const ${v} in { a: 0, b: 1, c: 2 }) {\n${b}\n}`;
      // Labelled jumps out of a loop without yield inside the body.
      const label = `lbl${counter++}`;
      return `${label}: for (let ${v} = 0; ${v} < 3; ${v}++) {\nfor (let q = 0; q < 2; q++) {\nif ((n + q) % 4 === 0) continue ${label};\nif ((n + q) % 7 === 6) break ${label};\n}\n${b}\n}`;
    });
  });

const stmt = (depth: number): fc.Arbitrary<string> => {
  const leaves: fc.Arbitrary<string>[] = [
    fc.constantFrom("log.push('s' + n++);", 'log.push(yield n++);', 'acc += (yield acc) ? 1 : 2;', "log.push(acc * ((yield 'm') ? 3 : 4));"),
    fc.constantFrom('if (acc > 3) return acc;', "if (n % 3 === 0) throw new Error('e' + n);", 'acc++;'),
    // yield in ++'s reference, a logical assignment and an optional call that may skip it.
    fc.constantFrom("box[(yield 'k') ? 'a' : 'b']++;", "box.c ||= yield 'or';", "acc &&= (yield 'and') ? acc + 1 : acc;", "log.push((n++ % 2 ? { f: (x) => 'f' + x } : null)?.f(yield 'opt'));"),
    // Object destructuring with yield in a default, a computed key and a target.
    fc.constantFrom("({ a: box.a = yield 'da', [(yield 'dk') ? 'b' : 'c']: box[(yield 'dt') ? 'b' : 'c'] } = { b: n });", "[box.a = yield 'ad', , box[(yield 'at') ? 'b' : 'c']] = [undefined, 1, n];"),
  ];
  if (depth <= 0) return fc.oneof(...leaves);
  const block = fc.array(stmt(depth - 1), { minLength: 1, maxLength: 3 }).map((xs) => xs.join('\n'));
  return fc.oneof(
    { weight: 3, arbitrary: fc.oneof(...leaves) },
    block.map((b) => `if ((yield 'c') ) {\n${b}\n} else {\nlog.push('else');\n}`),
    block.map((b) => {
      const i = `i${counter++}`;
      return `for (let ${i} = 0; ${i} < 2; ${i}++) {\n${b}\nif (acc > 6) break;\n}`;
    }),
    // Closures over per-iteration bindings (the head's, copied before each increment, and the body's).
    block.map((b) => {
      const i = `i${counter++}`;
      const w = `w${counter++}`;
      return `for (let ${i} = 0; ${i} < 2; ${i}++) {\nlet ${w} = ${i} + n;\nfns.push(() => ${i} + ':' + ${w}++);\n${b}\nif (acc > 6) continue;\n}`;
    }),
    // for-in: keys deleted during the loop are skipped, keys added are not visited.
    block.map((b) => {
      const o = `o${counter++}`;
      return `const ${o} = { p: 1, q: 2, r: 3 };\nfor (const k in ${o}) {\nlog.push(k);\n${b}\ndelete ${o}.r;\n${o}.s = 4;\n}`;
    }),
    // A function declaration, called before the statement declaring it (hoisted to its block).
    block.map((b) => {
      const h = `h${counter++}`;
      return `{\nlog.push(${h}());\n${b}\nfunction ${h}() { return 'h' + n + acc; }\nfns.push(${h});\n}`;
    }),
    block.map((b) => `for (const v of [1, 2]) {\nlog.push(v);\n${b}\nif (n > 8) continue;\n}`),
    fc.tuple(block, block).map(([a, c]) => `try {\n${a}\n} catch (e) {\nlog.push('caught ' + String(e));\n${c}\n}`),
    fc.tuple(block, block).map(([a, c]) => `try {\n${a}\n} finally {\nlog.push('finally');\n${c}\n}`),
    block.map((b) => {
      const label = `lbl${counter++}`;
      return `${label}: while (true) {\n${b}\nbreak ${label};\n}`;
    }),
    { weight: 2, arbitrary: nativeLoop(depth - 1) },
  );
};

const program = fc.array(stmt(3), { minLength: 1, maxLength: 4 }).map(
  (body) => `export const log = [];
/** @coroutine */
function* sub(k) {
  if (k % 4 === 1) {
    const v = yield 'sub' + k;
    return k + (typeof v === 'number' ? v : 0);
  }
  if (k % 7 === 3) throw new Error('sub' + k);
  return k * 2;
}
function* upTo(m) {
  try {
    for (let x = 0; x < m; x++) yield x;
  } finally {
    log.push('closed');
  }
}
function* nsub(k) {
  if (k % 3 === 2) yield 'nsub' + k;
  return -k;
}
/** @coroutine */
function* gen() {
  let n = 0;
  let acc = 0;
  const fns = [];
  const box = { a: 0, b: 0, c: 0 };
${body.join('\n')}
  return 'end ' + acc + ' ' + fns.map((f) => f()).join(' ') + JSON.stringify(box);
}
export const cases = { gen };
`,
);

const schedule: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }).map((v): Op => ['next', v]) },
    { weight: 1, arbitrary: fc.constant<Op>(['throw', new Error('injected')]) },
    { weight: 1, arbitrary: fc.constant<Op>(['return', 'R']) },
  ),
  { minLength: 1, maxLength: 30 },
);

describe('generated programs', () => {
  it(`compiled and native traces are equal (${RUNS} programs)`, { timeout: Math.max(180_000, RUNS * 60) }, () => {
    fc.assert(
      fc.property(program, fc.array(schedule, { minLength: 1, maxLength: 3 }), (source, schedules) => {
        const nat = nativeProgram(source);
        const comp = compiledProgram(source);
        for (const ops of schedules) {
          const expected = driveByHand(nat, nat.cases['gen']!, ops);
          const actual = driveByHand(comp.module, comp.module.cases['gen']!, ops);
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            expect({ source, ops: ops.map((o) => o[0]), actual }).toEqual({ source, ops: ops.map((o) => o[0]), actual: expected });
          }
        }
      }),
      { numRuns: RUNS },
    );
    // Most programs must really compile, or the property says little.
    console.log(`generated programs: ${RUNS - declined} compiled, ${declined} declined`);
    expect(declined).toBeLessThan(RUNS * 0.2);
  });
});
