import { EventLoop, type ExceptionContext } from '../../runtime/loop.js';

/** A virtual-clock loop, a trace whose entries carry the loop's time, and the errors it reported. */
export function virtualLoop(): { loop: EventLoop; trace: string[]; log: (event: string) => void; reported: ExceptionContext[] } {
  const loop = new EventLoop({ clock: 'virtual' });
  const trace: string[] = [];
  const reported: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => reported.push(context));
  const log = (event: string): void => {
    trace.push(`${loop.time()} ${event}`);
  };
  return { loop, trace, log, reported };
}

/** `name: message` of an error, for compact assertions. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message === '' ? error.name : `${error.name}: ${error.message}`;
  return `thrown ${String(error)}`;
}
