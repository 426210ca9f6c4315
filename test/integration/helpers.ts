/**
 * Integration tests against the packed package and real compilers: `npm pack` (once per state of the
 * sources, shared by every file and worker through a lock), one npm install per toolchain (a TypeScript
 * version plus its plugin host and the tarball) in os.tmpdir(), small projects compiled and run there.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** A toolchain install is a cold npm install at worst; a build plus pack about 15 s. */
export const SETUP_TIMEOUT = 240_000;
export const CASE_TIMEOUT = 120_000;

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr, ANSI colours removed. */
  output: string;
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** Runs a command without a shell; never throws on a non-zero exit. */
export function exec(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    // npm_* variables of the `npm test` around us would leak into the nested npm and node processes.
    const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
    const child = spawn(command, args, { cwd, env: { ...base, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}`.replace(ANSI, '') }));
  });
}

function describeFailure(what: string, result: Result): string {
  return `${what} exited with ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

async function npm(args: readonly string[], cwd: string): Promise<Result> {
  const result = await exec('npm', args, cwd);
  if (result.code !== 0) throw new Error(describeFailure(`npm ${args.join(' ')}`, result));
  return result;
}

// ---------------------------------------------------------------------------------------------------
// The tarball

/** What the package is built from: a tarball packed from the same inputs is reused. */
function sourceHash(): string {
  const hash = createHash('sha256');
  const add = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) add(join(path, name));
    } else if (stat.isFile()) {
      hash.update(relative(REPO, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  for (const input of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.transformer.json', 'tsconfig.cli.json', 'scripts', 'runtime', 'transformer', 'cli', 'bin']) {
    if (existsSync(join(REPO, input))) add(join(REPO, input));
  }
  return hash.digest('hex').slice(0, 16);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let tarball: Promise<string> | undefined;

/**
 * The packed package (`npm pack`, whose `prepare` runs the build). Workers and test files share it:
 * the first to get the lock packs, the others wait for the file.
 */
export function packedTarball(): Promise<string> {
  tarball ??= (async () => {
    const dir = join(tmpdir(), 'tsyncio-integration', createHash('sha256').update(REPO).digest('hex').slice(0, 12));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `tsyncio-${sourceHash()}.tgz`);
    const lock = join(dir, 'pack.lock');
    for (;;) {
      if (existsSync(file)) return file;
      try {
        mkdirSync(lock);
      } catch {
        // Someone else is packing; a lock left by a killed run is broken after 5 minutes.
        const held = statSync(lock, { throwIfNoEntry: false });
        if (held !== undefined && Date.now() - held.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
        await sleep(250);
        continue;
      }
      try {
        if (existsSync(file)) return file;
        // Older tarballs of this checkout, and what a failed pack left, go.
        for (const old of readdirSync(dir)) if (old.endsWith('.tgz') || old.startsWith('pack-')) rmSync(join(dir, old), { recursive: true, force: true });
        const staging = mkdtempSync(join(dir, 'pack-'));
        try {
          const packed = await npm(['pack', '--json', '--pack-destination', staging], REPO);
          const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[];
          if (info === undefined) throw new Error(`npm pack printed no file name:\n${packed.stdout}`);
          renameSync(join(staging, info.filename), file);
        } finally {
          rmSync(staging, { recursive: true, force: true });
        }
        return file;
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    }
  })();
  return tarball;
}

// ---------------------------------------------------------------------------------------------------
// Toolchains and projects

export interface Toolchain {
  /** Holds node_modules; projects are made inside it, so `tsyncio` and the compilers resolve from it. */
  dir: string;
  /** A package's bin script, run with this node. */
  run(pkg: string, bin: string, args: readonly string[], cwd: string): Promise<Result>;
  remove(): void;
}

/** A temporary directory with the packed tsyncio and `packages` (exact versions) installed. */
export async function installToolchain(label: string, packages: readonly string[]): Promise<Toolchain> {
  const file = await packedTarball();
  const dir = mkdtempSync(join(tmpdir(), `tsyncio-${label}-`));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `toolchain-${label}`, private: true, type: 'module' }, null, 2)}\n`);
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-exact', file, ...packages], dir);
  return {
    dir,
    run(pkg, bin, args, cwd) {
      const manifest = JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')) as { bin: string | Record<string, string> };
      const script = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin]!;
      return exec(process.execPath, [join(dir, 'node_modules', pkg, script), ...args], cwd);
    },
    remove() {
      if (!process.env.KEEP_INTEGRATION_DIRS) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PluginConfig {
  transform: string;
  [option: string]: unknown;
}

/** The plugin entry the README documents. */
export const PLUGIN: PluginConfig = { transform: 'tsyncio/transformer', generators: 'all', onUnsupported: 'error' };

/** A project directory in the toolchain: its files and a tsconfig.json (ESM output for Node, source maps). */
export function writeProject(toolchain: Toolchain, name: string, files: Record<string, string>, plugin: PluginConfig = PLUGIN): string {
  const dir = join(toolchain.dir, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      sourceMap: true,
      outDir: 'out',
      // No @types/node: a current one cannot be parsed by TypeScript 4.9; the program needs none.
      types: [],
      skipLibCheck: true,
      plugins: [plugin],
    },
    files: Object.keys(files).filter((file) => file.endsWith('.ts')),
  };
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ private: true, type: 'module' }, null, 2)}\n`);
  return dir;
}

// ---------------------------------------------------------------------------------------------------
// The program and what is checked

/**
 * A `yield*` chain three deep whose leaves sleep, an error thrown from a coroutine after a sleep and
 * caught two frames up, try/catch/finally, and (with `generators: 'all'`) an unmarked generator; then
 * throws from the innermost of chains of 1, 3 and 50 coroutines, each printed as the JS frame of the
 * throw and the coroutine chain appended to the error's stack.
 */
export const MAIN_TS = `import { run, sleep, type Coroutine } from 'tsyncio';

const log: string[] = [];

/** @coroutine */
function* leaf(n: number): Coroutine<number> {
  yield* sleep(5);
  return n * 2;
}

/** @coroutine */
function* middle(n: number): Coroutine<number> {
  const a = yield* leaf(n);
  const b = yield* leaf(a);
  return a + b;
}

/** @coroutine */
function* failing(message: string): Coroutine<never> {
  yield* sleep(1);
  throw new Error(message);
}

/** @coroutine */
function* relay(depth: number): Coroutine<never> {
  if (depth === 0) return yield* failing('deep');
  return yield* relay(depth - 1);
}

// Not marked: compiled only under generators: 'all'.
function* countdown(n: number): Generator<number, void, unknown> {
  while (n > 0) yield n--;
}

/** @coroutine */
function* main(): Coroutine<void> {
  log.push(\`middle(3) = \${yield* middle(3)}\`);
  log.push(\`countdown: \${[...countdown(3)].join(',')}\`);
  try {
    yield* failing('boom');
    log.push('not reached');
  } catch (error) {
    log.push(\`caught \${(error as Error).message}\`);
    const frame = /\\((.*?):(\\d+):(\\d+)\\)/.exec((error as Error).stack ?? '');
    log.push(\`thrown at \${frame === null ? '?' : \`\${frame[1]!.replace(/^.*[\\\\/]/, '')}:\${frame[2]}:\${frame[3]}\`}\`);
    // The JS frame of the throw, by name, and the coroutine chain tsyncio appends to the stack.
    const stack = (error as Error).stack ?? '';
    log.push(\`in \${/^\\s+at (\\S+)/m.exec(stack)?.[1] ?? '?'}\`);
    const chain = stack.split('\\n').filter((line) => line.startsWith('  in ')).map((line) => line.trim());
    log.push(\`chain: \${chain.length === 0 ? 'none' : chain.join(' <- ')}\`);
  } finally {
    log.push('finally ran');
  }
  // Chains of 1, 3 and 50 coroutines whose innermost throws after a resume: the JS frame of the
  // throw, and the chain appended to the stack with runs of one entry folded ("48 x ...").
  for (const depth of [1, 3, 50]) {
    try {
      yield* (depth === 1 ? failing('deep') : relay(depth - 2));
    } catch (error) {
      const stack = (error as Error).stack ?? '';
      const top = /^\\s+at (\\S+) \\((?:.*[\\\\/])?([^\\\\/]*?):(\\d+):(\\d+)\\)/m.exec(stack);
      const folded: string[] = [];
      let last = '';
      let count = 0;
      for (const line of [...stack.split('\\n').filter((text) => text.startsWith('  in ')).map((text) => text.trim()), '']) {
        if (line === last) {
          count++;
          continue;
        }
        if (last !== '') folded.push(count > 1 ? \`\${count} x \${last}\` : last);
        last = line;
        count = 1;
      }
      log.push(\`depth \${depth}: \${top === null ? '?' : \`\${top[1]} at \${top[2]}:\${top[3]}:\${top[4]}\`}; chain: \${folded.length === 0 ? 'none' : folded.join(' <- ')}\`);
    }
  }
}

await run(main());
console.log(log.join('\\n'));
`;

/** `main.ts:line:column` (1-based) of `needle` on the line of MAIN_TS that contains `lineText`. */
function positionInMain(lineText: string, needle: string): string {
  const lines = MAIN_TS.split('\n');
  const line = lines.findIndex((text) => text.includes(lineText));
  return `main.ts:${line + 1}:${lines[line]!.indexOf(needle) + 1}`;
}

/**
 * What MAIN_TS prints, compiled: the throw at its .ts position in the frame class named after the
 * coroutine, and the coroutine chain appended to the stack (failing where it threw, main suspended at
 * its `yield*`, with the task's name).
 */
export const EXPECTED_OUTPUT = [
  'middle(3) = 18',
  'countdown: 3,2,1',
  'caught boom',
  `thrown at ${positionInMain('throw new Error(message)', 'new Error')}`,
  'in failing$Frame.step',
  `chain: in coroutine failing (main.ts) [task Task-1] <- in coroutine main (${positionInMain("yield* failing('boom')", 'yield*')}) [task Task-1]`,
  'finally ran',
  ...[1, 3, 50].map((depth) => {
    const entry = (name: string, where: string): string => `in coroutine ${name} (${where}) [task Task-1]`;
    const relays = depth === 1 ? [] : [entry('relay', positionInMain("return yield* failing('deep')", 'yield*')), ...(depth > 2 ? [`${depth > 3 ? `${depth - 2} x ` : ''}${entry('relay', positionInMain('return yield* relay(depth - 1)', 'yield*'))}`] : [])];
    const chain = [entry('failing', 'main.ts'), ...relays, entry('main', positionInMain("yield* (depth === 1 ? failing('deep')", 'yield*'))];
    return `depth ${depth}: failing$Frame.step at ${positionInMain('throw new Error(message)', 'new Error')}; chain: ${chain.join(' <- ')}`;
  }),
].join('\n');

/**
 * The same program uncompiled (native generators): V8 names the generator function, and no chain, as
 * the error never left a suspended frame for the runtime to see (main caught it inside V8's yield*).
 */
export const EXPECTED_NATIVE_OUTPUT = EXPECTED_OUTPUT.replace('in failing$Frame.step', 'in failing')
  .replace(/^chain: .*$/m, 'chain: none')
  .replace(/^(depth \d+: )failing\$Frame\.step( at \S+; chain: ).*$/gm, '$1failing$2none');

/** (a) the emitted JavaScript really was transformed: every generator became a frame class. */
export function expectTransformed(project: string): void {
  const js = readFileSync(join(project, 'out', 'main.js'), 'utf8');
  expect(js, 'a generator function survived: the plugin did not run').not.toMatch(/function\s*\*/);
  const classes = [...js.matchAll(/class (\w+\$Frame)\b/g)].map((m) => m[1]).sort();
  expect(classes).toEqual(['countdown$Frame', 'failing$Frame', 'leaf$Frame', 'main$Frame', 'middle$Frame', 'relay$Frame']);
  expect(js).toMatch(/from 'tsyncio'/);
  expect(existsSync(join(project, 'out', 'main.js.map'))).toBe(true);
}

/** (b) and (c): run with source maps; the output is right and the throw maps to its .ts line. */
export async function expectRunsCorrectly(project: string, expected = EXPECTED_OUTPUT): Promise<void> {
  const result = await exec(process.execPath, ['--enable-source-maps', join('out', 'main.js')], project);
  expect(result.code, describeFailure('node out/main.js', result)).toBe(0);
  expect(result.stdout.trim()).toBe(expected);
}

export function expectCompiled(result: Result, what: string): void {
  expect(result.code, describeFailure(what, result)).toBe(0);
  expect(result.output).not.toMatch(/error TS/);
}

/** A coroutine the transformer declines (`yield` in an increment target), on line 7, column 3. */
export const DECLINED_TS = `import { type Coroutine } from 'tsyncio';

const counts: Record<string, number> = {};

/** @coroutine */
export function* tally(): Coroutine<void> {
  eval(String(counts[(yield) as string]));
}
`;
const DECLINED_AT = 'declined.ts:7:3';

/**
 * The plugin's options reach it and its diagnostics reach the compiler's output: with
 * `onUnsupported: 'error'` the decline is an error at file:line:col and the build fails; without, a
 * warning at the same place and the build succeeds (the function stays a native generator).
 */
export async function expectDiagnostics(toolchain: Toolchain, compile: (project: string) => Promise<Result>): Promise<void> {
  const strict = writeProject(toolchain, 'declined-error', { 'declined.ts': DECLINED_TS });
  const failed = await compile(strict);
  expect(failed.code, failed.output).not.toBe(0);
  expect(failed.output).toContain(`${DECLINED_AT} - error TS990001: tsyncio: cannot compile coroutine 'tally'`);

  const lenient = writeProject(toolchain, 'declined-warning', { 'declined.ts': DECLINED_TS }, { transform: 'tsyncio/transformer' });
  const passed = await compile(lenient);
  expect(passed.code, passed.output).toBe(0);
  expect(passed.output).toContain(`${DECLINED_AT} - warning TS990001: tsyncio: cannot compile coroutine 'tally'`);
  expect(readFileSync(join(lenient, 'out', 'declined.js'), 'utf8')).toMatch(/function\s*\*\s*tally/);
}
