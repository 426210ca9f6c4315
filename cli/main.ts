import { CliError, UsageError } from './cli-error.js';
import { runCompare } from './compare-command.js';
import { runEmit } from './emit-command.js';
import type { CliIo } from './io.js';
import { usageOf } from './usage.js';
import { packageVersion } from './version.js';

export type { CliIo } from './io.js';

const COMMANDS = ['emit', 'compare'] as const;

/**
 * The `tsyncio` command line: runs one command and returns the exit status. Every failure is one
 * `tsyncio: …` line on stderr (a usage mistake adds where to find help): 2 for usage, 1 for input.
 */
export function runCli(argv: readonly string[], io: CliIo, environment: NodeJS.ProcessEnv = process.env): number {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      const topic = first === 'help' ? rest[0] : undefined;
      if (first === undefined) {
        io.stderr(usageOf(undefined));
        return 2;
      }
      io.stdout(usageOf(topic));
      return 0;
    }
    if (first === '--version' || first === '-v') {
      io.stdout(`${packageVersion()}\n`);
      return 0;
    }
    if (first.startsWith('-')) throw new UsageError(`unknown option '${first}' (a command comes first: ${COMMANDS.join(', ')})`, undefined);
    if (!isCommand(first)) throw new UsageError(`unknown command '${first}' (commands: ${COMMANDS.join(', ')})`, undefined);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(usageOf(first));
      return 0;
    }
    return first === 'emit' ? runEmit(rest, io) : runCompare(rest, io, environment);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.command === undefined ? 'tsyncio --help' : `tsyncio ${error.command} --help`;
      io.stderr(`tsyncio${error.command === undefined ? '' : ` ${error.command}`}: ${error.message} (see '${help}')\n`);
      return error.exitCode;
    }
    if (error instanceof CliError) {
      io.stderr(`tsyncio: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

function isCommand(name: string): name is (typeof COMMANDS)[number] {
  return (COMMANDS as readonly string[]).includes(name);
}
