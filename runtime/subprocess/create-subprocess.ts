import { spawn, type StdioOptions } from 'node:child_process';
import { Socket } from 'node:net';
import type { Coroutine } from '../coroutine.js';
import { ValueError } from '../errors.js';
import type { EventLoop } from '../loop.js';
import { getRunningLoop } from '../running.js';
import { SocketTransport } from '../streams/socket-transport.js';
import { DEFAULT_LIMIT, StreamReader } from '../streams/stream-reader.js';
import { StreamWriter } from '../streams/stream-writer.js';
import { PipeReadTransport } from './pipe-read-transport.js';
import { Process, type ProcessPipes } from './process.js';

/**
 * What becomes of one of the child's standard streams: 'pipe' (a stream in the Process: asyncio's
 * PIPE), 'inherit' (this process's own: asyncio's None, the default), 'ignore' (/dev/null: DEVNULL).
 */
export type StdioMode = 'pipe' | 'inherit' | 'ignore';

/** asyncio.subprocess.PIPE, STDOUT and DEVNULL under their tsyncio spellings. */
export const PIPE = 'pipe';
export const STDOUT = 'stdout';
export const DEVNULL = 'ignore';

export interface SubprocessOptions {
  stdin?: StdioMode;
  stdout?: StdioMode;
  /** Also 'stdout' (asyncio's STDOUT): the child's errors go to the same reader as its output. */
  stderr?: StdioMode | 'stdout';
  /** The child's working directory (default: this process's). */
  cwd?: string | URL;
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The buffer limit of the stdout and stderr readers (default 64 KiB). */
  limit?: number;
}

/**
 * asyncio.create_subprocess_exec: starts `program` with `args` (no shell: nothing is interpreted) and
 * evaluates to its Process once it has started. A program that cannot be started fails here with
 * Node's error (`code` 'ENOENT', 'EACCES'...). Cancelling it while the child starts kills the child.
 */
export function* createSubprocessExec(program: string, args: readonly string[] = [], options: SubprocessOptions = {}): Coroutine<Process> {
  return yield* startProcess(getRunningLoop(), program, args, options, false);
}

/**
 * asyncio.create_subprocess_shell: runs `command` through the system shell (/bin/sh -c on Unix,
 * cmd.exe on Windows), so pipes, redirections and globs work, and so does injection: quote what you
 * did not write yourself.
 */
export function* createSubprocessShell(command: string, options: SubprocessOptions = {}): Coroutine<Process> {
  return yield* startProcess(getRunningLoop(), command, [], options, true);
}

function* startProcess(loop: EventLoop, file: string, args: readonly string[], options: SubprocessOptions, shell: boolean): Coroutine<Process> {
  const stdinMode = checkMode('stdin', options.stdin ?? 'inherit');
  const stdoutMode = checkMode('stdout', options.stdout ?? 'inherit');
  const stderrMode = options.stderr === 'stdout' ? 'stdout' : checkMode('stderr', options.stderr ?? 'inherit');
  if (stderrMode === 'stdout' && stdoutMode !== 'pipe') {
    // asyncio would send stderr wherever stdout goes; Node can only do that through our own pipe.
    throw new ValueError("stderr: 'stdout' needs stdout: 'pipe'");
  }
  const limit = options.limit ?? DEFAULT_LIMIT;
  const stdio: StdioOptions = [stdinMode, stdoutMode, stderrMode === 'stdout' ? 'pipe' : stderrMode];
  const child = spawn(file, [...args], {
    stdio,
    shell,
    windowsHide: true,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
  // Errors after the start (a failed kill) show in kill()'s result; unlistened, Node would throw them.
  child.on('error', () => {});
  // Attached at once, so that no output is emitted before someone listens.
  const pipes: ProcessPipes = { stdin: null, stdout: null, stdoutTransport: null, stderr: null, stderrTransport: null };
  if (child.stdin !== null) pipes.stdin = new StreamWriter(new SocketTransport(pipeSocket(child.stdin), null, loop), null);
  if (child.stdout !== null) {
    pipes.stdout = new StreamReader(limit);
    const sources = stderrMode === 'stdout' && child.stderr !== null ? [child.stdout, child.stderr] : [child.stdout];
    pipes.stdoutTransport = new PipeReadTransport(sources.map(pipeSocket), pipes.stdout, loop);
  }
  if (child.stderr !== null && stderrMode !== 'stdout') {
    pipes.stderr = new StreamReader(limit);
    pipes.stderrTransport = new PipeReadTransport([pipeSocket(child.stderr)], pipes.stderr, loop);
  }
  const subprocess = new Process(child, loop, pipes);
  const spawned = loop.createFuture<void>();
  const onSpawn = (): void => {
    if (!spawned.done()) spawned.setResult(undefined);
  };
  const onError = (error: Error): void => {
    if (!spawned.done()) spawned.setException(error);
  };
  child.once('spawn', onSpawn);
  child.once('error', onError);
  let started = false;
  try {
    yield* spawned;
    started = true;
  } finally {
    child.removeListener('spawn', onSpawn);
    child.removeListener('error', onError);
    // Failed to start, or cancelled while starting: killed, its pipes closed, nothing left open.
    if (!started) {
      subprocess.abandon();
      loop.unregisterResource(subprocess);
    }
  }
  return subprocess;
}

/** Node makes every child pipe a net.Socket; the stream classes need one. */
function pipeSocket(stream: unknown): Socket {
  if (!(stream instanceof Socket)) throw new TypeError('a child process pipe is expected to be a net.Socket');
  return stream;
}

function checkMode(stream: string, mode: unknown): StdioMode {
  if (mode === 'pipe' || mode === 'inherit' || mode === 'ignore') return mode;
  throw new ValueError(`${stream} must be 'pipe', 'inherit' or 'ignore', not ${String(mode)}`);
}
