/**
 * A failure the CLI reports as one line on stderr, then exits with `exitCode`: 2 for a usage mistake
 * (unknown command or option, a missing or bad argument), 1 for a problem with the input (a missing
 * file, a syntax error).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage mistake; `command` names the command whose `--help` explains it. */
export class UsageError extends CliError {
  constructor(
    message: string,
    readonly command: string | undefined,
  ) {
    super(message, 2);
    this.name = 'UsageError';
  }
}
