import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/main.js';

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** The CLI in this process (cli/main.ts through vitest): what `bin/tsyncio.js` runs, with the output captured. */
export function tsyncio(args: readonly string[], options: { columns?: number; environment?: NodeJS.ProcessEnv } = {}): CliRun {
  let stdout = '';
  let stderr = '';
  const status = runCli(
    args,
    { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), columns: options.columns },
    options.environment ?? {},
  );
  return { status, stdout, stderr };
}

/** A fresh temporary directory with `files` written into it; `cleanup` removes it. */
export function tempProject(files: Record<string, string>): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tsyncio-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Two coroutines: one compiles, one is declined (it calls eval), plus an unmarked generator. */
export const MIXED_SOURCE = `import { sleep } from 'tsyncio';

/** @coroutine */
export function* countdown(from: number) {
  for (let n = from; n > 0; n--) {
    yield* sleep(10);
  }
  return 'liftoff';
}

/** @coroutine */
export function* keysOf(record: Record<string, number>) {
  eval('record'); for (const key in record) yield key;
}

export function* plainGenerator() {
  yield 1;
}
`;

/** \`@coroutine\` on a function that is not a generator: an error diagnostic. */
export const MISMARKED_SOURCE = `/** @coroutine */
export function notAGenerator() {
  return 1;
}
`;

export const SYNTAX_ERROR_SOURCE = `export function* broken( {
  yield 1;
}
`;
