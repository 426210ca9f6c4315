import { expect } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import type { ExceptionContext } from '../../runtime/loop.js';
import { run } from '../../runtime/run.js';
import { createSubprocessExec, type SubprocessOptions } from '../../runtime/subprocess/create-subprocess.js';
import type { Process } from '../../runtime/subprocess/process.js';

/** Runs `main` under run() (real clock), collecting what reaches the exception handler. */
export async function runCollecting<T>(main: () => Coroutine<T>): Promise<{ value: T; reports: ExceptionContext[] }> {
  const reports: ExceptionContext[] = [];
  const value = await run(main(), { exceptionHandler: (_loop, context) => reports.push(context), handleSigint: false });
  return { value, reports };
}

/** A `node -e script` child (the one program every test machine has). */
export function nodeChild(script: string, options: SubprocessOptions = {}): Coroutine<Process> {
  return createSubprocessExec(process.execPath, ['-e', script], options);
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function handleCounts(): { processes: number; pipes: number } {
  const resources = process.getActiveResourcesInfo();
  return {
    processes: resources.filter((name) => name === 'ProcessWrap').length,
    pipes: resources.filter((name) => name === 'PipeWrap').length,
  };
}

/** The pipes open before a test (vitest's own) to compare with after it. */
export function pipesBefore(): number {
  return handleCounts().pipes;
}

/** Child processes and pipes still open in this process: each test must leave none of its own. */
export async function expectNoChildrenOrPipes(pipesAtStart: number): Promise<void> {
  const leftovers = (): { processes: number; pipes: number } => {
    const counts = handleCounts();
    return { processes: counts.processes, pipes: Math.max(0, counts.pipes - pipesAtStart) };
  };
  for (let attempt = 0; attempt < 100 && (leftovers().processes > 0 || leftovers().pipes > 0); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(leftovers()).toEqual({ processes: 0, pipes: 0 });
}
