import type { ExceptionContext } from './loop.js';

/** The default exception handler: the message, the task's name and the error's stack on stderr. */
export function reportToStderr(context: ExceptionContext): void {
  const lines = [context.message];
  const error = context.exception;
  if (error !== undefined) lines.push(error instanceof Error && error.stack !== undefined ? error.stack : String(error));
  if (context.createdAt !== undefined) lines.push(`created at:\n${context.createdAt}`);
  process.stderr.write(`${lines.join('\n')}\n`);
}
