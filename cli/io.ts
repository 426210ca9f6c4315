/** Where a command writes, and what it knows of the terminal: the process's own in bin/tsyncio.js, captured in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The terminal's width when stdout is one (`process.stdout.columns`); undefined when piped. */
  columns: number | undefined;
}
