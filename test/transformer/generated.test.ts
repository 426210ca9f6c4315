/**
 * Generated programs (fast-check): random coroutines over the constructs the transformer compiles —
 * yields in statement and expression positions, if/while/for/for-of, labelled break/continue,
 * try/catch/finally, early return and throw — run compiled and native under random
 * next/throw/return schedules; the traces must be equal. The seed is printed on failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compiled, driveByHand, native, type Op } from './harness.js';

let counter = 0;
const stmt = (depth: number): fc.Arbitrary<string> => {
  const leaves: fc.Arbitrary<string>[] = [
    fc.constantFrom("log.push('s' + n++);", 'log.push(yield n++);', 'acc += (yield acc) ? 1 : 2;', "log.push(acc * ((yield 'm') ? 3 : 4));"),
    fc.constantFrom('if (acc > 3) return acc;', "if (n % 3 === 0) throw new Error('e' + n);", 'acc++;'),
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
    block.map((b) => `for (const v of [1, 2]) {\nlog.push(v);\n${b}\nif (n > 8) continue;\n}`),
    fc.tuple(block, block).map(([a, c]) => `try {\n${a}\n} catch (e) {\nlog.push('caught ' + String(e));\n${c}\n}`),
    fc.tuple(block, block).map(([a, c]) => `try {\n${a}\n} finally {\nlog.push('finally');\n${c}\n}`),
    block.map((b) => {
      const label = `lbl${counter++}`;
      return `${label}: while (true) {\n${b}\nbreak ${label};\n}`;
    }),
  );
};

const program = fc.array(stmt(3), { minLength: 1, maxLength: 4 }).map(
  (body) => `export const log: unknown[] = [];
/** @coroutine */
function* gen() {
  let n = 0;
  let acc = 0;
${body.join('\n')}
  return 'end ' + acc;
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
  it('compiled and native traces are equal', () => {
    fc.assert(
      fc.property(program, fc.array(schedule, { minLength: 1, maxLength: 3 }), (source, schedules) => {
        const nat = native(source);
        const comp = compiled(source);
        for (const ops of schedules) {
          const expected = driveByHand(nat, nat.cases['gen']!, ops);
          const actual = driveByHand(comp.module, comp.module.cases['gen']!, ops);
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            expect({ source, ops: ops.map((o) => o[0]), actual }).toEqual({ source, ops: ops.map((o) => o[0]), actual: expected });
          }
        }
      }),
      { numRuns: Number(process.env["FC_RUNS"] ?? 300) },
    );
  });
});
