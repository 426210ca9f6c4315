/**
 * Fixtures: test/transformer/fixtures/<case>/input.ts with the expected output beside it
 * (output.js, and diagnostics.txt when the transform reports anything). Any difference fails;
 * `npm run fixtures:update` rewrites the expectations on purpose. Every fixture also runs compiled
 * and native under the same next/throw/return schedules and as a task on a virtual-clock loop,
 * and the traces must be equal.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../transformer/diagnostics.js';
import { transformCode } from '../../transformer/transform-code.js';
import { compiled, driveByHand, driveOnLoop, native, SCHEDULES } from './harness.js';

const root = fileURLToPath(new URL('./fixtures/', import.meta.url));
const update = process.env['UPDATE_FIXTURES'] === '1';
const fixtures = readdirSync(root).filter((name) => existsSync(join(root, name, 'input.ts'))).sort();

function optionsFor(source: string): { generators: 'marked' | 'all' } {
  return { generators: /^\/\/ @generators all/m.test(source) ? 'all' : 'marked' };
}

describe('transformer fixtures', () => {
  it('has fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  for (const name of fixtures) {
    const dir = join(root, name);
    const source = readFileSync(join(dir, 'input.ts'), 'utf8');
    const options = optionsFor(source);

    it(`${name}: emitted output`, () => {
      const out = transformCode(source, { fileName: `${name}/input.ts`, ...options });
      const diagnostics = out.diagnostics.map(formatDiagnostic).join('\n');
      const outputPath = join(dir, 'output.js');
      const diagnosticsPath = join(dir, 'diagnostics.txt');
      if (update) {
        writeFileSync(outputPath, out.code);
        if (diagnostics !== '') writeFileSync(diagnosticsPath, `${diagnostics}\n`);
        else rmSync(diagnosticsPath, { force: true });
        return;
      }
      expect(out.code).toBe(readFileSync(outputPath, 'utf8'));
      const expected = existsSync(diagnosticsPath) ? readFileSync(diagnosticsPath, 'utf8').trimEnd() : '';
      expect(diagnostics).toBe(expected);
    });

    it(`${name}: compiled and native traces are equal`, () => {
      const nat = native(source);
      const comp = compiled(source, options).module;
      expect(Object.keys(comp.cases ?? {})).toEqual(Object.keys(nat.cases ?? {}));
      for (const caseName of Object.keys(nat.cases ?? {})) {
        for (const schedule of SCHEDULES) {
          expect(driveByHand(comp, comp.cases[caseName]!, schedule), `${caseName} ${JSON.stringify(schedule.map((o) => o[0]))}`).toEqual(
            driveByHand(nat, nat.cases[caseName]!, schedule),
          );
        }
        expect(driveOnLoop(comp, comp.cases[caseName]!), `${caseName} on the loop`).toEqual(driveOnLoop(nat, nat.cases[caseName]!));
      }
    });
  }
});
