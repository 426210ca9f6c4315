import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  CASE_TIMEOUT, MAIN_TS, SETUP_TIMEOUT, expectCompiled, expectDiagnostics, expectRunsCorrectly, expectTransformed, installToolchain, writeProject,
  type Toolchain,
} from './helpers.js';

// ttypescript 1.5.15 exactly (npm's latest is an unrelated fork that ignores plugins); it supports
// TypeScript up to 4.9. It resolves plugins without package exports (transformer/package.json's main).
describe('TypeScript 4.9.5 with ttypescript 1.5.15', () => {
  let toolchain: Toolchain;
  beforeAll(async () => {
    toolchain = await installToolchain('ts4.9', ['typescript@4.9.5', 'ttypescript@1.5.15']);
  }, SETUP_TIMEOUT);
  afterAll(() => toolchain?.remove());

  const ttsc = (project: string): ReturnType<Toolchain['run']> => toolchain.run('ttypescript', 'ttsc', ['-p', '.', '--pretty'], project);

  it('ttsc compiles the coroutines to frames; the program runs and its throw maps to the .ts line', async () => {
    const project = writeProject(toolchain, 'ttsc', { 'main.ts': MAIN_TS });
    expectCompiled(await ttsc(project), 'ttsc');
    expectTransformed(project);
    await expectRunsCorrectly(project);
  }, CASE_TIMEOUT);

  it('ttsc: plugin options pass through; a decline is reported at file:line:col and fails the build only as an error', async () => {
    await expectDiagnostics(toolchain, ttsc);
  }, CASE_TIMEOUT);
});
