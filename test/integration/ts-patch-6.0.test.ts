import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  CASE_TIMEOUT, MAIN_TS, SETUP_TIMEOUT, expectCompiled, expectDiagnostics, expectRunsCorrectly, expectTransformed, installToolchain, writeProject,
  type Toolchain,
} from './helpers.js';

// The newest line with a transformer API (TypeScript 7 has none: never installed unpinned here).
describe('TypeScript 6.0.3 with ts-patch 3.3.0', () => {
  let toolchain: Toolchain;
  beforeAll(async () => {
    toolchain = await installToolchain('ts6.0', ['typescript@6.0.3', 'ts-patch@3.3.0']);
  }, SETUP_TIMEOUT);
  afterAll(() => toolchain?.remove());

  const tspc = (project: string): ReturnType<Toolchain['run']> => toolchain.run('ts-patch', 'tspc', ['-p', '.', '--pretty'], project);

  it('tspc compiles the coroutines to frames; the program runs and its throw maps to the .ts line', async () => {
    const project = writeProject(toolchain, 'tspc', { 'main.ts': MAIN_TS });
    expectCompiled(await tspc(project), 'tspc');
    expectTransformed(project);
    await expectRunsCorrectly(project);
  }, CASE_TIMEOUT);

  it('tspc: plugin options pass through; a decline is reported at file:line:col and fails the build only as an error', async () => {
    await expectDiagnostics(toolchain, tspc);
  }, CASE_TIMEOUT);
});
