import type { AddressInfo, Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Coroutine } from '../coroutine.js';
import { RuntimeError } from '../errors.js';
import type { Future } from '../future.js';
import type { EventLoop, LoopResource } from '../loop.js';
import { ConnectionResetError, toConnectionError } from './errors.js';
import type { ReadTransport, StreamReader } from './stream-reader.js';

/**
 * @internal A connected node:net (or node:tls) socket seen the way asyncio's streams see their
 * transport and protocol (selector_events' socket transport, StreamReaderProtocol, FlowControlMixin):
 *
 * - received bytes go to the StreamReader, whose flow control pauses and resumes the socket;
 * - `write` pauses the writer when Node's write buffer is over its high-water mark (`write()` returned
 *   false); 'drain' resumes it and wakes the `drain()` waiters;
 * - the socket's 'close' is asyncio's connection_lost: the reader gets the end of the stream (or the
 *   error), the `drain()` waiters are woken, `waitClosed()` completes.
 *
 * TCP sockets are half-open (allowHalfOpen): receiving the peer's EOF does not end our side, as in
 * asyncio, where a stream protocol keeps the transport open after eof_received. TLS sockets are not:
 * the peer's EOF ends the connection, as asyncio's SSL transport does.
 */
export class SocketTransport implements ReadTransport, LoopResource {
  readonly socket: Socket;
  private readonly loop: EventLoop;
  // null for a write-only pipe (a child process's stdin): nothing is read from it.
  private readonly reader: StreamReader | null;
  private closing = false;
  private eofWritten = false;
  private lost = false;
  private writePaused = false;
  private readonly drainWaiters = new Set<Future<void>>();
  // One future per waitClosed() call: cancelling one waiting task must not cancel the others' wait.
  private readonly closeWaiters = new Set<Future<void>>();
  private socketError: unknown = null;
  private peername: AddressInfo | undefined;
  private sockname: AddressInfo | undefined;
  private readonly lostCallbacks: (() => void)[] = [];

  constructor(socket: Socket, reader: StreamReader | null, loop: EventLoop) {
    this.socket = socket;
    this.reader = reader;
    this.loop = loop;
    // asyncio sets TCP_NODELAY on its TCP transports: without it, a small write waits on the peer's
    // delayed ACK (about 40 ms per round trip when a client sends several lines per write). A pipe
    // (a child's stdio) has no such option, and Node ignores the call there.
    socket.setNoDelay(true);
    reader?.setTransport(this);
    this.rememberAddresses();
    socket.on('connect', this.rememberAddresses);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('drain', this.onDrain);
    // The listener also keeps Node from treating the error as unhandled; 'close' always follows.
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    loop.registerResource(this);
  }

  /** @internal The loop closed with this connection still open: drop it. */
  abandon(): void {
    this.abort();
  }

  /** Runs `callback` once the connection is lost (the socket closed). */
  onConnectionLost(callback: () => void): void {
    if (this.lost) callback();
    else this.lostCallbacks.push(callback);
  }

  pauseReading(): void {
    if (!this.closing) this.socket.pause();
  }

  resumeReading(): void {
    if (!this.closing) this.socket.resume();
  }

  write(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) throw new TypeError(`data argument must be a Uint8Array (or Buffer), not ${typeof data}`);
    if (this.eofWritten) throw new RuntimeError('Cannot call write() after writeEof()');
    // Closed or lost: dropped, as asyncio's transport drops writes after connection_lost.
    if (data.length === 0 || this.closing) return;
    // Copied: Node would send the caller's memory later, and asyncio's write takes a snapshot.
    if (!this.socket.write(Buffer.from(data))) this.writePaused = true;
  }

  writelines(chunks: Iterable<Uint8Array>): void {
    this.socket.cork();
    try {
      for (const chunk of chunks) this.write(chunk);
    } finally {
      this.socket.uncork();
    }
  }

  canWriteEof(): boolean {
    // TLS has no half-close (asyncio's SSL transport says the same).
    return !(this.socket instanceof TLSSocket);
  }

  writeEof(): void {
    if (!this.canWriteEof()) throw new RuntimeError('writeEof() is not supported on a TLS connection');
    if (this.closing || this.eofWritten) return;
    this.eofWritten = true;
    this.socket.end();
  }

  isClosing(): boolean {
    return this.closing;
  }

  /**
   * Stops reading, sends what is buffered, then closes the socket (the peer sees EOF). Does not
   * wait: `waitClosed()` does.
   */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    const socket = this.socket;
    if (socket.destroyed) return;
    socket.pause();
    if (socket.writableFinished) {
      socket.destroy();
    } else {
      socket.once('finish', () => socket.destroy());
      if (!socket.writableEnded) socket.end();
    }
  }

  /** Closes at once, dropping what is buffered (asyncio's transport.abort()). */
  abort(): void {
    this.closing = true;
    this.socket.destroy();
  }

  /** Bytes written and not yet handed to the kernel. */
  getWriteBufferSize(): number {
    return this.socket.writableLength;
  }

  getPeername(): AddressInfo | undefined {
    // Remembered while connected: Node forgets the addresses once the socket is destroyed.
    if (this.peername === undefined && !this.socket.destroyed) this.rememberAddresses();
    return this.peername;
  }

  getSockname(): AddressInfo | undefined {
    if (this.sockname === undefined && !this.socket.destroyed) this.rememberAddresses();
    return this.sockname;
  }

  /** Waits while the writer is paused (asyncio's _drain_helper); ConnectionResetError once lost. */
  *drainHelper(): Coroutine<void> {
    if (this.lost) throw new ConnectionResetError('Connection lost');
    if (!this.writePaused) return;
    const waiter = this.loop.createFuture<void>();
    this.drainWaiters.add(waiter);
    try {
      yield* waiter;
    } finally {
      this.drainWaiters.delete(waiter);
    }
  }

  /** Completes when the connection is lost: normally, or with its error. */
  *waitClosed(): Coroutine<void> {
    if (this.lost) {
      if (this.socketError !== null) throw this.socketError;
      return;
    }
    const waiter = this.loop.createFuture<void>();
    this.closeWaiters.add(waiter);
    try {
      yield* waiter;
    } finally {
      this.closeWaiters.delete(waiter);
    }
  }

  private readonly rememberAddresses = (): void => {
    const socket = this.socket;
    if (socket.remoteAddress !== undefined && socket.remotePort !== undefined) {
      this.peername = { address: socket.remoteAddress, family: socket.remoteFamily ?? '', port: socket.remotePort };
    }
    const local = socket.address();
    if ('port' in local) this.sockname = local;
  };

  private readonly onData = (chunk: Buffer): void => {
    if (this.abandoned()) return;
    this.reader?.feedData(chunk);
  };

  private readonly onEnd = (): void => {
    if (this.abandoned()) return;
    this.reader?.feedEof();
  };

  private readonly onDrain = (): void => {
    if (this.abandoned() || !this.writePaused) return;
    this.writePaused = false;
    for (const waiter of this.drainWaiters) if (!waiter.done()) waiter.setResult(undefined);
  };

  private readonly onError = (error: Error): void => {
    this.closing = true;
    if (this.socketError === null) this.socketError = toConnectionError(error);
  };

  /** asyncio's connection_lost. */
  private readonly onClose = (): void => {
    if (this.lost) return;
    this.lost = true;
    this.loop.unregisterResource(this);
    this.closing = true;
    for (const callback of this.lostCallbacks.splice(0)) callback();
    if (this.loop.isClosed()) return;
    const error = this.socketError;
    if (error === null) this.reader?.feedEof();
    else this.reader?.setException(error);
    for (const waiter of this.closeWaiters) {
      if (waiter.done()) continue;
      if (error === null) waiter.setResult(undefined);
      else waiter.setException(error);
    }
    if (this.writePaused) {
      for (const waiter of this.drainWaiters) {
        if (waiter.done()) continue;
        if (error === null) waiter.setResult(undefined);
        else waiter.setException(error);
      }
    }
  };

  /** Events that arrive after the loop closed have nobody to go to: the socket is closed instead. */
  private abandoned(): boolean {
    if (!this.loop.isClosed()) return false;
    this.socket.destroy();
    return true;
  }
}
