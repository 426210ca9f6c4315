/**
 * The compiled build of the examples, made as `npm start` makes it (scripts/build-examples.mjs: tspc
 * with the tsyncio plugin, then its checks), but from a transformer built here and into a directory of
 * its own, so the test depends on no earlier `npm run build` and never writes into dist/. Checked: the
 * output really is transformed, and it computes what the uncompiled sources compute.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildReport } from '../../examples/crawler/compare-builds.js';
import { crawl as crawlNative, type CrawlOptions, type CrawlReport } from '../../examples/crawler/crawl.js';
import { auditLinks as auditLinksNative } from '../../examples/crawler/link-audit.js';
import { coroutinesCompiled as nativeCoroutinesCompiled, crawlInMemory as crawlInMemoryNative } from '../../examples/crawler/memory-crawl.js';
import { generateSite } from '../../examples/crawler/site.js';
import { run as runNative } from '../../runtime/run.js';

const REPO = join(import.meta.dirname, '..', '..');
// Under node_modules: emitted code finds `typescript` from there, and Node (not vite) loads it.
const WORK = join(REPO, 'node_modules', '.cache', `tsyncio-compiled-examples-${process.pid}`);
const OUT = join(WORK, 'out');

function exec(command: string, args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd: REPO, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => join(dir, name));
}

let buildOutput = '';

beforeAll(() => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  // The plugin, CommonJS as `npm run build` makes it (tsconfig.transformer.json, package.json marker).
  const transformer = exec(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.transformer.json', '--outDir', join(WORK, 'transformer'), '--declaration', 'false']);
  expect(transformer.status, transformer.output).toBe(0);
  writeFileSync(join(WORK, 'transformer', 'package.json'), '{ "type": "commonjs" }\n');
  writeFileSync(
    join(WORK, 'tsconfig.json'),
    JSON.stringify({
      extends: join(REPO, 'tsconfig.examples-compiled.json'),
      compilerOptions: { rootDir: REPO, outDir: OUT, plugins: [{ transform: join(WORK, 'transformer', 'index.js') }] },
      include: [join(REPO, 'examples')],
    }),
  );
  const build = exec(process.execPath, ['scripts/build-examples.mjs', '--project', join(WORK, 'tsconfig.json'), '--plain-out', join(WORK, 'no-plain-build')]);
  buildOutput = build.output;
  expect(build.status, build.output).toBe(0);
}, 120_000);

afterAll(() => rmSync(WORK, { recursive: true, force: true }));

describe('the compiled build of the examples (tspc + tsyncio/transformer)', () => {
  it('is transformed: frame classes, no generator function left in the examples, the runtime import resolves to its own runtime', () => {
    expect(buildOutput).toMatch(/\d+ coroutines compiled, 0 declined; output checked/);
    const report = JSON.parse(readFileSync(join(OUT, 'build-report.json'), 'utf8')) as BuildReport;
    const crawlFile = report.files.find((file) => file.file === join('examples', 'crawler', 'crawl.ts'));
    expect(crawlFile?.compiled.map((coroutine) => coroutine.className).sort()).toEqual(['crawl$Frame', 'crawlFrom$Frame', 'superviseWorkers$Frame', 'visit$Frame', 'worker$Frame']);
    expect(report.declinedCount).toBe(0);

    // Independently of the script's own checks: every marked coroutine of examples/ was compiled.
    const emitted = filesUnder(join(OUT, 'examples')).filter((file) => file.endsWith('.js'));
    expect(emitted.length).toBeGreaterThan(5);
    let frameClasses = 0;
    for (const file of emitted) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/function\s*\*/);
      expect(text, file).not.toMatch(/^\s*(static\s+)?\*[\w$]+\s*\(/m); // a generator method, as tsc prints it
      frameClasses += (text.match(/^class [\w$]+\$Frame\b/gm) ?? []).length;
    }
    expect(frameClasses).toBe(report.compiledCount);
    const crawlJs = readFileSync(join(OUT, 'examples', 'crawler', 'crawl.js'), 'utf8');
    expect(crawlJs).toMatch(/^import \{[^}]*\} from "tsyncio";/m);
    expect(crawlJs).toContain('class worker$Frame');
  });

  it('computes what the uncompiled sources compute: the in-memory crawl and the link audit', async () => {
    const memoryCrawl = (await import(pathToFileURL(join(OUT, 'examples', 'crawler', 'memory-crawl.js')).href)) as typeof import('../../examples/crawler/memory-crawl.js');
    const linkAudit = (await import(pathToFileURL(join(OUT, 'examples', 'crawler', 'link-audit.js')).href)) as typeof import('../../examples/crawler/link-audit.js');
    expect(memoryCrawl.coroutinesCompiled()).toBe(true);
    expect(nativeCoroutinesCompiled()).toBe(false);

    const options = { pageCount: 300, workers: 8, slowDelayMs: 200, requestTimeoutMs: 500 };
    const compiled = memoryCrawl.crawlInMemory(options);
    expect(compiled.pages).toHaveLength(301);
    expect(compiled.failures.map((failure) => failure.path).sort()).toEqual(['/reports/live', '/search?q=tsyncio']);
    expect(compiled).toEqual(crawlInMemoryNative(options));

    const site = generateSite({ pageCount: 2000, slowDelayMs: 0 });
    expect(linkAudit.auditLinks(site, 8)).toEqual(auditLinksNative(site, 8));
  });

  it('crawls the served site as the uncompiled crawler does', async () => {
    const crawlModule = (await import(pathToFileURL(join(OUT, 'examples', 'crawler', 'crawl.js')).href)) as typeof import('../../examples/crawler/crawl.js');
    const runtime = (await import(pathToFileURL(join(OUT, 'runtime', 'index.js')).href)) as typeof import('../../runtime/index.js');
    const options: CrawlOptions = { workers: 4, requestTimeoutMs: 150, pageCount: 12, slowDelayMs: 30 };
    const main = crawlModule.crawl(options);
    expect(main).toBeInstanceOf(runtime.Frame);
    const outcome = (report: CrawlReport): unknown => ({
      outcome: report.outcome,
      pages: report.pages.map((page) => `${page.path} ${page.title} ${page.linkCount}`).sort(),
      failures: report.failures.map((failure) => `${failure.path} ${failure.reason}`).sort(),
      openSockets: report.openSockets,
      serverListening: report.serverListening,
    });
    const compiled = await runtime.run(main);
    const native = await runNative(crawlNative(options));
    expect(outcome(compiled)).toEqual(outcome(native));
    expect(compiled.pages).toHaveLength(13);
  });
});

describe("examples/debug-trace.ts: the output README's Debugging section shows", () => {
  /** The two code blocks after the line `label` in README's Debugging section, joined. */
  function readmeOutput(label: string): string {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Debugging\n'));
    const blocks = section.slice(section.indexOf(`\n${label}\n`)).split('```');
    return `${blocks[1]!.trim()}\n${blocks[3]!.trim()}`;
  }
  /**
   * Paths relative to the repository (as README prints them), without the JS stack's lines inside the
   * runtime and Node: their line numbers move with any edit there.
   */
  const comparable = (text: string): string =>
    text
      .replaceAll(`${REPO}/`, '')
      .split('\n')
      .filter((line) => !/^ {4}at .*\(([^()]*\/)?runtime\/|^ {4}at .*\(node:/.test(line))
      .join('\n')
      .trim();

  it('compiled (the build above), under node --enable-source-maps', () => {
    const result = exec(process.execPath, ['--enable-source-maps', join(OUT, 'examples', 'debug-trace.js')]);
    expect(result.status, result.output).toBe(0);
    expect(comparable(result.output)).toBe(comparable(readmeOutput('Compiled:')));
  });

  it('uncompiled (plain tsc), under node --enable-source-maps', () => {
    const plain = join(WORK, 'plain');
    writeFileSync(
      join(WORK, 'tsconfig.plain.json'),
      JSON.stringify({
        extends: join(REPO, 'tsconfig.json'),
        compilerOptions: { rootDir: REPO, outDir: plain, declaration: false, noCheck: true },
        include: [],
        files: [join(REPO, 'examples', 'debug-trace.ts')],
      }),
    );
    const build = exec(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(WORK, 'tsconfig.plain.json')]);
    expect(build.status, build.output).toBe(0);
    writeFileSync(join(plain, 'package.json'), '{ "type": "module" }\n');
    const result = exec(process.execPath, ['--enable-source-maps', join(plain, 'examples', 'debug-trace.js')]);
    expect(result.status, result.output).toBe(0);
    expect(comparable(result.output)).toBe(comparable(readmeOutput('Uncompiled (native generators):')));

    // Debug mode: native generators named and placed through the inspector, the slow step reported.
    const debug = spawnSync(process.execPath, ['--enable-source-maps', join(plain, 'examples', 'debug-trace.js')], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, TSYNCIO_DEBUG: '1' },
    });
    expect(debug.status, debug.stderr).toBe(0);
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const block = readme.slice(readme.indexOf('`TSYNCIO_DEBUG=1`, uncompiled (JS stack lines left out):')).split('```')[1]!;
    const expected = block.split('\n').map((line) => line.slice(2)).join('\n').trim().split('\n');
    // The report goes to stderr (the default exception handler), the rest to stdout.
    const isReport = (line: string): boolean => line.startsWith('Executing task ');
    const printed = debug.stdout.split('\n').filter((line) => !line.startsWith('    at ')).join('\n').trim();
    expect(printed).toBe(expected.filter((line) => !isReport(line)).join('\n'));
    const report = expected.find(isReport)!.replace(/took \d+\.\d ms/, 'took N ms');
    // A creation site under --enable-source-maps: the runtime's frames print as their .ts sources,
    // still left out (told apart by their generated files).
    writeFileSync(
      join(plain, 'examples', 'lost.js'),
      "import { createTask, run, sleep } from '../runtime/index.js';\n" +
        "function* failing() { yield* sleep(1); throw new Error('lost'); }\n" +
        "function* main() { createTask(failing(), { name: 'lost' }); yield* sleep(5); }\n" +
        'await run(main(), { debug: true });\n',
    );
    const lost = spawnSync(process.execPath, ['--enable-source-maps', join(plain, 'examples', 'lost.js')], { cwd: REPO, encoding: 'utf8' });
    const createdAt = lost.stderr.slice(lost.stderr.indexOf('created at:\n') + 'created at:\n'.length).split('\n');
    expect(lost.stderr).toContain('Task exception was never retrieved (task lost)');
    expect(createdAt[0]).toMatch(/^ {4}at main \(.*lost\.js:3:20\)$/);
    expect(createdAt.filter((line) => /runtime[\\/]/.test(line))).toEqual([]);

    // Only the watcher's step is slow by construction (a loaded machine may add others).
    const watcher = debug.stderr.split('\n').filter((line) => line.startsWith('Executing task watcher '));
    expect(watcher.map((line) => line.replace(/took \d+\.\d ms/, 'took N ms'))).toEqual([report]);
  });
});
