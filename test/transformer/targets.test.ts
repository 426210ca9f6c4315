/**
 * The emitted code goes through TypeScript's own downlevel after the tsyncio transform, so every
 * target must keep the semantics: each fixture (test/transformer/fixtures) is compiled for ES5 (with
 * downlevelIteration, which ES5 needs for iterators to be iterators at all), ES2015, ES2018 and ESNext
 * and run under the same next/throw/return schedules and on the loop as TypeScript's own emit of the
 * source for that target (native generators, or ES5's __generator state machines: a build without
 * the plugin); the traces must be equal. fixtures.test.ts does the same at ES2022.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { transformCode } from '../../transformer/transform-code.js';
import ts from 'typescript';
import { driveByHand, driveOnLoop, evaluate, native, SCHEDULES, type FixtureModule } from './harness.js';

const root = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixtures = readdirSync(root).filter((name) => existsSync(join(root, name, 'input.ts'))).sort();
const TARGETS = ['ES5', 'ES2015', 'ES2018', 'ESNext'] as const;
const COMPILER_OPTIONS = { downlevelIteration: true };

/**
 * ES5 has no destructuring: TypeScript emits property reads, so destructuring null fails with V8's
 * message for a property read (in a build without the plugin too). Both messages, as one.
 */
function sameDestructuringMessage(trace: unknown[]): unknown[] {
  const text = JSON.stringify(trace)
    .replace(/Cannot destructure property '([^']+)' of '[^"]*?' as it is (null|undefined)\./g, "destructuring '$1' of $2")
    .replace(/Cannot read properties of (null|undefined) \(reading '([^']+)'\)/g, "destructuring '$2' of $1");
  return JSON.parse(text) as unknown[];
}

/** The source as TypeScript alone emits it for `target`: what a build without the plugin runs. */
function nativeAt(source: string, target: (typeof TARGETS)[number] | 'ES2022'): FixtureModule {
  return native(source, { ...COMPILER_OPTIONS, target: ts.ScriptTarget[target] });
}

describe('fixtures compiled for other targets', () => {
  for (const target of TARGETS) {
    it(`${target}: compiled and native traces are equal for every fixture`, () => {
      for (const name of fixtures) {
        const source = readFileSync(join(root, name, 'input.ts'), 'utf8');
        const generators = /^\/\/ @generators all/m.test(source) ? 'all' : 'marked';
        const out = transformCode(source, { fileName: `${name}/input.ts`, generators, target, module: 'CommonJS', compilerOptions: COMPILER_OPTIONS });
        const comp = evaluate(out.code);
        // The reference is the source's own semantics: native generators (ES2022 for ESNext, whose
        // output Node 20 cannot always parse: standard decorators). For ES5 there are two: ES2015
        // generators, and TypeScript's own ES5 emit, a build without the plugin. A compiled
        // coroutine must match one: the first, except where ES5 itself changes the meaning (a
        // temporal dead zone: let and const become var); a coroutine the transformer declines for
        // ES5 is TypeScript's __generator and matches the second, whatever that gets wrong (e.g.
        // `arguments` in a 'use strict' generator, per-iteration bindings in some loops).
        const nat = nativeAt(source, target === 'ES5' ? 'ES2015' : target === 'ESNext' ? 'ES2022' : target);
        const natEs5 = target === 'ES5' ? nativeAt(source, 'ES5') : undefined;
        const check = (label: string, trace: (mod: FixtureModule) => unknown[]): void => {
          const got = natEs5 === undefined ? trace(comp) : sameDestructuringMessage(trace(comp));
          const expected = natEs5 === undefined ? trace(nat) : sameDestructuringMessage(trace(nat));
          if (natEs5 !== undefined && !isDeepStrictEqual(got, expected) && isDeepStrictEqual(got, sameDestructuringMessage(trace(natEs5)))) return;
          expect(got, label).toEqual(expected);
        };
        for (const caseName of Object.keys(nat.cases ?? {})) {
          for (const schedule of SCHEDULES) {
            check(`${name} ${caseName} ${JSON.stringify(schedule.map((o) => o[0]))}`, (mod) => driveByHand(mod, mod.cases[caseName]!, schedule));
          }
          check(`${name} ${caseName} on the loop`, (mod) => driveOnLoop(mod, mod.cases[caseName]!));
        }
      }
    });
  }
});
