import type { ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { Coroutine } from '../coroutine.js';
import type { Future } from '../future.js';
import { gather } from '../gather.js';
import type { EventLoop, LoopResource } from '../loop.js';
import { BrokenPipeError, ConnectionResetError } from '../streams/errors.js';
import type { StreamReader } from '../streams/stream-reader.js';
import type { StreamWriter } from '../streams/stream-writer.js';
import type { PipeReadTransport } from './pipe-read-transport.js';

/** The pipes a Process was made with (null where the stream was not a pipe). */
export interface ProcessPipes {
  stdin: StreamWriter | null;
  stdout: StreamReader | null;
  stdoutTransport: PipeReadTransport | null;
  stderr: StreamReader | null;
  stderrTransport: PipeReadTransport | null;
}

/**
 * asyncio.subprocess.Process: a child process started by createSubprocessExec or
 * createSubprocessShell, with its pipes as streams.
 *
 *     const child = yield* createSubprocessExec('node', ['-e', script], { stdout: 'pipe' });
 *     const [out] = yield* child.communicate();
 *     console.log(child.returncode, out?.toString());
 *
 * `returncode` is null while the child runs, its exit code once it exited, and minus the signal's
 * number when a signal ended it (-9 after `kill()`), as in Python. Cancelling `wait()` or
 * `communicate()` stops the waiting, not the child: kill it if that is what you want.
 */
export class Process implements LoopResource {
  /** Writes to the child's standard input ('pipe' only). */
  readonly stdin: StreamWriter | null;
  /** Reads the child's standard output ('pipe' only; with stderr: 'stdout', its standard error too). */
  readonly stdout: StreamReader | null;
  /** Reads the child's standard error ('pipe' only). */
  readonly stderr: StreamReader | null;
  private readonly child: ChildProcess;
  private readonly loop: EventLoop;
  private readonly stdoutTransport: PipeReadTransport | null;
  private readonly stderrTransport: PipeReadTransport | null;
  private exitStatus: number | null = null;
  // Exited and every output pipe closed (Node's 'close'): what wait() waits for, as asyncio 3.12 does.
  private finished = false;
  private readonly exitWaiters = new Set<Future<number>>();

  /**
   * @internal Made by createSubprocessExec / createSubprocessShell as soon as the child is spawned,
   * so that no event (its exit) happens before someone listens; they hand it out once it started.
   */
  constructor(child: ChildProcess, loop: EventLoop, pipes: ProcessPipes) {
    this.child = child;
    this.loop = loop;
    this.stdin = pipes.stdin;
    this.stdout = pipes.stdout;
    this.stdoutTransport = pipes.stdoutTransport;
    this.stderr = pipes.stderr;
    this.stderrTransport = pipes.stderrTransport;
    child.on('exit', this.onExit);
    child.on('close', this.onClose);
    loop.registerResource(this);
  }

  /** The child's process id. */
  get pid(): number {
    return this.child.pid as number;
  }

  /** null while running; the exit code; or -N when signal N ended the child. */
  get returncode(): number | null {
    return this.exitStatus;
  }

  /**
   * Waits until the child has exited and its output pipes are closed, and evaluates to `returncode`.
   * With stdout or stderr piped, someone must read them: a child blocked writing to a full pipe never
   * exits (use `communicate()`, which reads them).
   */
  *wait(): Coroutine<number> {
    if (this.finished) return this.exitStatus as number;
    const waiter = this.loop.createFuture<number>();
    this.exitWaiters.add(waiter);
    try {
      return yield* waiter;
    } finally {
      this.exitWaiters.delete(waiter);
    }
  }

  /**
   * Sends `input` (if given) to stdin and closes it, reads stdout and stderr to their ends, all at
   * once so that no pipe fills up and blocks the child, then waits for the child to exit. Evaluates to
   * `[stdout, stderr]`: a Buffer for each piped stream, null for the others. A child that exits
   * without reading its input is not an error (BrokenPipeError and ConnectionResetError are ignored,
   * as in asyncio). `input` is ignored when stdin is not a pipe.
   */
  *communicate(input?: Uint8Array | null): Coroutine<[Buffer | null, Buffer | null]> {
    const [, stdout, stderr] = yield* gather(
      this.stdin !== null ? feedStdin(this.stdin, input ?? null) : nothing(),
      this.stdout !== null ? readToEnd(this.stdout, this.stdoutTransport) : nothing(),
      this.stderr !== null ? readToEnd(this.stderr, this.stderrTransport) : nothing(),
    );
    yield* this.wait();
    return [stdout, stderr];
  }

  /** Sends `signal` to the child; does nothing once it has exited (Python's Popen.send_signal). */
  sendSignal(signal: NodeJS.Signals | number): void {
    if (this.exitStatus !== null) return;
    this.child.kill(signal);
  }

  /** SIGTERM: asks the child to end. */
  terminate(): void {
    this.sendSignal('SIGTERM');
  }

  /** SIGKILL: ends the child at once (returncode -9). */
  kill(): void {
    this.sendSignal('SIGKILL');
  }

  toString(): string {
    return `<Process ${this.pid} ${this.exitStatus === null ? 'running' : `returncode=${this.exitStatus}`}>`;
  }

  /**
   * @internal The loop closed with the child still running, or its pipes still open: the child is
   * killed, as asyncio's subprocess transport kills it when closed, and Node is not kept waiting.
   */
  abandon(): void {
    if (this.exitStatus === null) this.child.kill('SIGKILL');
    this.stdoutTransport?.close();
    this.stderrTransport?.close();
    this.stdin?.abort();
    this.child.unref();
  }

  private readonly onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    if (this.exitStatus !== null) return;
    if (code !== null) this.exitStatus = code;
    else if (signal !== null) this.exitStatus = -(osConstants.signals[signal] ?? 0);
  };

  private readonly onClose = (code: number | null, signal: NodeJS.Signals | null): void => {
    this.onExit(code, signal);
    this.finished = true;
    this.loop.unregisterResource(this);
    if (this.loop.isClosed()) return;
    for (const waiter of this.exitWaiters) if (!waiter.done()) waiter.setResult(this.exitStatus as number);
  };
}

function* feedStdin(stdin: StreamWriter, input: Uint8Array | null): Coroutine<null> {
  try {
    if (input !== null) stdin.write(input);
    yield* stdin.drain();
  } catch (error) {
    // The child exited (or closed its stdin) without reading everything: not communicate's failure.
    if (!(error instanceof BrokenPipeError || error instanceof ConnectionResetError)) throw error;
  }
  stdin.close();
  return null;
}

function* readToEnd(stream: StreamReader, transport: PipeReadTransport | null): Coroutine<Buffer> {
  const output = yield* stream.read();
  transport?.close();
  return output;
}

function* nothing(): Coroutine<null> {
  return null;
}
