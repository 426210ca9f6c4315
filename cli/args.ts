import { UsageError } from './cli-error.js';

/** What a command accepts: its options by long name (without `--`), and whether each takes a value. */
export interface CommandSpec {
  command: string;
  options: Readonly<Record<string, { takesValue: boolean }>>;
}

export interface ParsedArgs {
  positionals: string[];
  /** Option values by long name; a flag without a value maps to `true`. The last occurrence wins. */
  options: Map<string, string | true>;
}

/**
 * Splits a command's arguments into positionals and options: `--name value`, `--name=value`, `-h` for
 * `--help`, and `--` to end the options. An option the spec does not know is a UsageError.
 */
export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (arg === '-h') {
      options.set('help', true);
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`unknown option '${arg}'`, spec.command);
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const option = spec.options[name];
    if (option === undefined) throw new UsageError(`unknown option '--${name}'`, spec.command);
    if (!option.takesValue) {
      if (equals !== -1) throw new UsageError(`option '--${name}' takes no value`, spec.command);
      options.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (equals !== -1) value = arg.slice(equals + 1);
    else if (index + 1 < argv.length && !argv[index + 1]!.startsWith('--')) value = argv[++index];
    if (value === undefined || value === '') throw new UsageError(`option '--${name}' needs a value`, spec.command);
    options.set(name, value);
  }
  return { positionals, options };
}

/** The string value of an option that takes one (parseArgs guarantees it is not `true`). */
export function optionValue(args: ParsedArgs, name: string): string | undefined {
  const value = args.options.get(name);
  return typeof value === 'string' ? value : undefined;
}
