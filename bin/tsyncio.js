#!/usr/bin/env node
// The `tsyncio` command: runs the built CLI (dist/cli/, made by `npm run build`).
let cli;
try {
  cli = await import('../dist/cli/cli/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli/cli/main.js')) throw error;
  process.stderr.write("tsyncio: the CLI is not built (dist/cli/cli/main.js is missing): run 'npm run build'\n");
  process.exit(1);
}

// Piped into `head` and the like: a closed stdout ends the command quietly.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = cli.runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
});
