import { optionValue, parseArgs, type CommandSpec } from './args.js';
import { UsageError } from './cli-error.js';
import { compareFile } from './comparison.js';
import { renderComparison } from './comparison-report.js';
import type { CliIo } from './io.js';
import { parseGenerators, parseWidth } from './option-values.js';
import { loadSource } from './source-file.js';

export const compareSpec: CommandSpec = {
  command: 'compare',
  options: {
    help: { takesValue: false },
    generators: { takesValue: true },
    width: { takesValue: true },
  },
};

/**
 * `tsyncio compare <file>`: the report of comparison-report.ts on stdout. The width is `--width`, else
 * the terminal's, else $COLUMNS; without any, the versions are stacked. Exit 1 when the transformer
 * reported an error (a `@coroutine` on a non-generator), else 0: declines are findings, not failures.
 */
export function runCompare(argv: readonly string[], io: CliIo, environment: NodeJS.ProcessEnv): number {
  const args = parseArgs(argv, compareSpec);
  const generators = parseGenerators(optionValue(args, 'generators'), 'compare');
  const width = parseWidth(optionValue(args, 'width'), 'compare') ?? io.columns ?? columnsFromEnvironment(environment);
  if (args.positionals.length === 0) throw new UsageError('compare needs a file', 'compare');
  if (args.positionals.length > 1) throw new UsageError(`compare takes one file, not ${args.positionals.length}`, 'compare');
  const comparison = compareFile(loadSource(args.positionals[0]!), generators);
  io.stdout(renderComparison(comparison, width));
  const hasErrors = comparison.functions.some((report) => report.verdict === 'error') || comparison.fileDiagnostics.some((d) => d.category === 'error');
  return hasErrors ? 1 : 0;
}

function columnsFromEnvironment(environment: NodeJS.ProcessEnv): number | undefined {
  const columns = Number(environment['COLUMNS']);
  return Number.isInteger(columns) && columns > 0 ? columns : undefined;
}
