import type { Socket } from 'node:net';
import type { EventLoop, LoopResource } from '../loop.js';
import { toConnectionError } from '../streams/errors.js';
import type { ReadTransport, StreamReader } from '../streams/stream-reader.js';

/**
 * @internal The read end of a child's pipes feeding one StreamReader (asyncio's read pipe transport
 * with the subprocess stream protocol). Usually one pipe (stdout, or stderr); two when stderr is
 * redirected to stdout: Node cannot hand a child one pipe as both, so both pipes feed the same
 * reader, each in its own order, and the stream ends when both have ended.
 *
 * The reader's flow control pauses and resumes every pipe: a child that writes faster than the
 * parent reads then blocks in its write, as with asyncio.
 */
export class PipeReadTransport implements ReadTransport, LoopResource {
  private readonly pipes: readonly Socket[];
  private readonly reader: StreamReader;
  private readonly loop: EventLoop;
  private pipesEnded = 0;
  private pipesClosed = 0;
  private pipeError: unknown = null;

  constructor(pipes: readonly Socket[], reader: StreamReader, loop: EventLoop) {
    this.pipes = pipes;
    this.reader = reader;
    this.loop = loop;
    reader.setTransport(this);
    for (const pipe of pipes) {
      pipe.on('data', this.onData);
      pipe.on('end', this.onEnd);
      // Also keeps Node from treating the error as unhandled; 'close' follows.
      pipe.on('error', this.onError);
      pipe.on('close', this.onClose);
    }
    loop.registerResource(this);
  }

  pauseReading(): void {
    for (const pipe of this.pipes) pipe.pause();
  }

  resumeReading(): void {
    for (const pipe of this.pipes) pipe.resume();
  }

  /** Stops reading and closes the pipes (what is still unread is dropped). */
  close(): void {
    for (const pipe of this.pipes) pipe.destroy();
  }

  /** @internal The loop closed with the pipe still open. */
  abandon(): void {
    this.close();
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.abandoned()) return;
    this.reader.feedData(chunk);
  };

  private readonly onEnd = (): void => {
    if (this.abandoned()) return;
    this.pipesEnded++;
    if (this.pipesEnded === this.pipes.length) this.reader.feedEof();
  };

  private readonly onError = (error: Error): void => {
    if (this.pipeError === null) this.pipeError = toConnectionError(error);
  };

  private readonly onClose = (): void => {
    this.pipesClosed++;
    if (this.pipesClosed < this.pipes.length) return;
    this.loop.unregisterResource(this);
    if (this.loop.isClosed() || this.pipesEnded === this.pipes.length) return;
    // Closed without an end: failed, or closed on purpose (close()): the reader must not wait forever.
    this.pipesEnded = this.pipes.length;
    if (this.pipeError !== null) this.reader.setException(this.pipeError);
    else this.reader.feedEof();
  };

  /** Data that arrives after the loop closed has nobody to go to: the pipes are closed instead. */
  private abandoned(): boolean {
    if (!this.loop.isClosed()) return false;
    this.close();
    return true;
  }
}
