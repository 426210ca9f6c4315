import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CASE_TIMEOUT, EXPECTED_NATIVE_OUTPUT, MAIN_TS, SETUP_TIMEOUT, exec, expectCompiled, expectDiagnostics, expectRunsCorrectly, expectTransformed, installToolchain, writeProject,
  type Toolchain,
} from './helpers.js';

// The dev pin; ts-patch 3.3.0 is the last line that runs on Node 20 (4.x needs Node 22).
describe('TypeScript 5.9.3 with ts-patch 3.3.0', () => {
  let toolchain: Toolchain;
  beforeAll(async () => {
    toolchain = await installToolchain('ts5.9', ['typescript@5.9.3', 'ts-patch@3.3.0']);
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

  it('ts-patch install, then plain tsc, compiles the same way', async () => {
    // A copy of the toolchain's typescript, patched in place (ts-patch install -d), so tspc's stays pristine.
    const project = writeProject(toolchain, 'patched', { 'main.ts': MAIN_TS });
    const typescript = join(project, 'node_modules', 'typescript');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    cpSync(join(toolchain.dir, 'node_modules', 'typescript'), typescript, { recursive: true });
    const install = await toolchain.run('ts-patch', 'ts-patch', ['install', '-s', '-d', typescript], project);
    expect(install.code, install.output).toBe(0);
    expectCompiled(await exec(process.execPath, [join(typescript, 'bin', 'tsc'), '-p', '.'], project), 'patched tsc');
    expectTransformed(project);
    await expectRunsCorrectly(project);
  }, CASE_TIMEOUT);

  it('the installed plugin loads no TypeScript of its own (it builds nodes with the host\'s, extras.ts)', async () => {
    const probe = `
      const Module = require('node:module');
      const load = Module._load;
      Module._load = function (request, ...rest) {
        if (request === 'typescript' || request.startsWith('typescript/')) throw new Error('the plugin required ' + request);
        return load.call(this, request, ...rest);
      };
      const plugin = require('tsyncio/transformer');
      console.log(typeof plugin.default, typeof plugin.createTransformer);`;
    const result = await exec(process.execPath, ['-e', probe], toolchain.dir);
    expect(result.code, result.output).toBe(0);
    expect(result.stdout.trim()).toBe('function function');
  }, CASE_TIMEOUT);

  it('control: an unpatched tsc ignores the plugin silently, and the checks above notice', async () => {
    const project = writeProject(toolchain, 'unpatched', { 'main.ts': MAIN_TS });
    expectCompiled(await toolchain.run('typescript', 'tsc', ['-p', '.'], project), 'unpatched tsc');
    expect(readFileSync(join(project, 'out', 'main.js'), 'utf8')).toMatch(/function\s*\*\s*leaf/);
    expect(() => expectTransformed(project)).toThrow();
    await expectRunsCorrectly(project, EXPECTED_NATIVE_OUTPUT);
  }, CASE_TIMEOUT);
});
