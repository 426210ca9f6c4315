import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { formatDiagnostic, type TransformDiagnostic } from '../transformer/diagnostics.js';
import { transformCode } from '../transformer/transform-code.js';
import { optionValue, parseArgs, type CommandSpec } from './args.js';
import { CliError, UsageError } from './cli-error.js';
import type { CliIo } from './io.js';
import { parseGenerators, parseModule, parseTarget } from './option-values.js';
import { loadSource, type LoadedSource } from './source-file.js';

export const emitSpec: CommandSpec = {
  command: 'emit',
  options: {
    help: { takesValue: false },
    generators: { takesValue: true },
    'out-dir': { takesValue: true },
    target: { takesValue: true },
    module: { takesValue: true },
  },
};

/**
 * `tsyncio emit <files…>`: every file through the transform and TypeScript's downlevel. Output goes
 * to stdout (a `// <file>` line before each when there are several), or with `--out-dir` to
 * `<dir>/<name>.js` beside a `.js.map`. Diagnostics go to stderr; exit 1 when one is an error.
 * Every input is read and parsed before anything is written.
 */
export function runEmit(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, emitSpec);
  const generators = parseGenerators(optionValue(args, 'generators'), 'emit');
  const target = parseTarget(optionValue(args, 'target'), 'emit');
  const module = parseModule(optionValue(args, 'module'), 'emit');
  const outDir = optionValue(args, 'out-dir');
  if (args.positionals.length === 0) throw new UsageError('emit needs at least one file', 'emit');

  const sources = args.positionals.map(loadSource);
  if (outDir !== undefined) refuseCollidingOutputs(sources);

  const diagnostics: TransformDiagnostic[] = [];
  for (const source of sources) {
    const output = transformCode(source.text, {
      fileName: source.path,
      // Debug tables name the file as a stack trace run from here would.
      projectRoot: process.cwd(),
      generators,
      ...(target !== undefined && { target }),
      ...(module !== undefined && { module }),
      sourceMap: outDir !== undefined,
    });
    // In file order (the transformer reports its analysis before its declines).
    diagnostics.push(...[...output.diagnostics].sort((a, b) => a.line - b.line || a.column - b.column));
    if (outDir === undefined) {
      if (sources.length > 1) io.stdout(`// ${source.path}\n`);
      io.stdout(output.code.endsWith('\n') ? output.code : `${output.code}\n`);
    } else {
      writeOutput(outDir, source, output.code, output.map);
    }
  }
  for (const diagnostic of diagnostics) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
  return diagnostics.some((d) => d.category === 'error') ? 1 : 0;
}

/** The name TypeScript gives the output of `path` (x.ts → x.js, x.mts → x.mjs, x.cts → x.cjs). */
export function outputNameOf(path: string): string {
  const name = basename(path);
  const match = /\.([mc]?)[jt]sx?$/i.exec(name);
  if (match === null) return `${name}.js`;
  return `${name.slice(0, match.index)}.${match[1]!.toLowerCase()}js`;
}

function refuseCollidingOutputs(sources: readonly LoadedSource[]): void {
  const byOutput = new Map<string, string>();
  for (const source of sources) {
    const output = outputNameOf(source.path);
    const earlier = byOutput.get(output);
    if (earlier !== undefined) throw new CliError(`${earlier} and ${source.path} would both be written to ${output}`);
    byOutput.set(output, source.path);
  }
}

/** Writes `<dir>/<name>.js` (ending in its sourceMappingURL) and `<dir>/<name>.js.map`, whose `sources` lead back to the input. */
function writeOutput(outDir: string, source: LoadedSource, code: string, mapText: string | undefined): void {
  const outputName = outputNameOf(source.path);
  const mapName = `${outputName}.map`;
  const withoutMapComment = code.replace(/\/\/# sourceMappingURL=.*\s*$/, '');
  const map = JSON.parse(mapText ?? '{}') as { file?: string; sources?: string[]; sourceRoot?: string };
  map.file = outputName;
  map.sourceRoot = '';
  map.sources = [relative(resolve(outDir), resolve(source.path)).split('\\').join('/')];
  try {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, outputName), `${withoutMapComment.trimEnd()}\n//# sourceMappingURL=${mapName}\n`);
    writeFileSync(join(outDir, mapName), JSON.stringify(map));
  } catch (error) {
    throw new CliError(`cannot write to ${outDir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
