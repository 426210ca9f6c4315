import { createServer as createTcpServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import type { Coroutine } from '../coroutine.js';
import { CancelledError, RuntimeError } from '../errors.js';
import type { Future } from '../future.js';
import type { EventLoop, LoopResource } from '../loop.js';
import { getRunningLoop } from '../running.js';
import { isCoroutine } from '../task.js';
import { SocketTransport } from './socket-transport.js';
import { DEFAULT_LIMIT, StreamReader } from './stream-reader.js';
import { StreamWriter } from './stream-writer.js';

/**
 * What `startServer` calls for each connection: a coroutine function (run as a task of its own) or
 * a plain function. It owns the connection: it should close the writer when done.
 */
export type ClientConnected = (reader: StreamReader, writer: StreamWriter) => Coroutine<unknown> | void;

export interface StartServerOptions {
  /** The StreamReader's buffer limit for each connection (default 64 KiB). */
  limit?: number;
  /** The listen backlog: connections the kernel may queue before they are accepted (default 511, Node's). */
  backlog?: number;
  /** Serve TLS with these node:tls server options (key, cert, ...). */
  tls?: TlsOptions;
}

/**
 * asyncio.Server, for streams: listens, and hands each connection to its `clientConnected` as a
 * `(reader, writer)` pair. `close()` stops listening and leaves open connections alone;
 * `waitClosed()` waits until it is closed and every connection is gone (Python 3.12+).
 */
export class Server implements LoopResource {
  private readonly loop: EventLoop;
  private readonly listener: NetServer;
  private readonly clientConnected: ClientConnected;
  private readonly limit: number;
  private readonly tls: boolean;
  private listening = false;
  private isClosed = false;
  private readonly connections = new Set<SocketTransport>();
  // null once closed with no connection left: later waitClosed() calls return at once.
  private closeWaiters: Future<void>[] | null = [];
  private servingForever: Future<void> | null = null;

  /** @internal Use startServer. */
  constructor(loop: EventLoop, listener: NetServer, clientConnected: ClientConnected, limit: number, tls: boolean) {
    this.loop = loop;
    this.listener = listener;
    this.clientConnected = clientConnected;
    this.limit = limit;
    this.tls = tls;
    listener.on(tls ? 'secureConnection' : 'connection', this.onConnection);
    // A failed handshake is not the application's business (asyncio logs it at debug level only).
    if (tls) listener.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy());
    // Accept failures (EMFILE...) do not stop the server; asyncio logs them likewise.
    listener.on('error', (error: Error) => {
      if (this.listening && !loop.isClosed()) loop.callExceptionHandler({ message: 'error while accepting a connection', exception: error });
    });
    loop.registerResource(this);
  }

  /** @internal The loop closed with this server still listening: stop listening (its connections are dropped by the loop too). */
  abandon(): void {
    this.close();
  }

  /** The addresses listened on ({ address, family, port }); empty once closed. */
  get sockets(): readonly AddressInfo[] {
    if (this.isClosed) return [];
    const address = this.listener.address();
    return address !== null && typeof address === 'object' ? [address] : [];
  }

  getLoop(): EventLoop {
    return this.loop;
  }

  /** True while it accepts connections. */
  isServing(): boolean {
    return this.listening && !this.isClosed;
  }

  /**
   * Stops listening; connections already accepted go on (see closeClients). A `serveForever()` in
   * progress ends (CancelledError, after waiting for those connections).
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.loop.unregisterResource(this);
    if (this.listening) {
      this.listening = false;
      this.listener.close();
    }
    if (this.servingForever !== null && !this.servingForever.done()) this.servingForever.cancel();
    if (this.connections.size === 0) this.wakeUpCloseWaiters();
  }

  /** Closes every accepted connection (writers flush first). Python 3.13. */
  closeClients(): void {
    for (const connection of [...this.connections]) connection.close();
  }

  /** Drops every accepted connection at once. Python 3.13. */
  abortClients(): void {
    for (const connection of [...this.connections]) connection.abort();
  }

  /** Waits until the server is closed and every connection it accepted is closed. */
  *waitClosed(): Coroutine<void> {
    if (this.closeWaiters === null) return;
    const waiter = this.loop.createFuture<void>();
    this.closeWaiters.push(waiter);
    try {
      yield* waiter;
    } finally {
      const index = this.closeWaiters?.indexOf(waiter) ?? -1;
      if (index >= 0) this.closeWaiters?.splice(index, 1);
    }
  }

  /**
   * Serves until cancelled (or until `close()`), then closes the server, waits for its connections
   * and ends with CancelledError. RuntimeError if the server is closed, or already serving forever.
   */
  *serveForever(): Coroutine<void> {
    if (this.servingForever !== null) throw new RuntimeError(`${String(this)} is already being awaited on serveForever()`);
    if (this.isClosed) throw new RuntimeError(`${String(this)} is closed`);
    const forever = this.loop.createFuture<void>();
    this.servingForever = forever;
    try {
      yield* forever;
    } catch (error) {
      if (error instanceof CancelledError) {
        this.close();
        yield* this.waitClosed();
      }
      throw error;
    } finally {
      this.servingForever = null;
    }
  }

  toString(): string {
    const address = this.sockets[0];
    return `<Server ${address !== undefined ? `${address.address}:${address.port}` : 'closed'}>`;
  }

  /** @internal Binds and listens (startServer's second half); on failure the server ends closed. */
  *listen(host: string | null, port: number, backlog: number | undefined): Coroutine<void> {
    const bound = this.loop.createFuture<void>();
    const onListening = (): void => {
      if (!bound.done()) bound.setResult(undefined);
    };
    const onError = (error: Error): void => {
      if (!bound.done()) bound.setException(error);
    };
    this.listener.once('listening', onListening);
    this.listener.once('error', onError);
    this.listener.listen({ port, ...(host !== null ? { host } : {}), ...(backlog !== undefined ? { backlog } : {}) });
    let ok = false;
    try {
      yield* bound;
      ok = true;
      this.listening = true;
    } finally {
      this.listener.removeListener('listening', onListening);
      this.listener.removeListener('error', onError);
      if (!ok) {
        this.isClosed = true;
        // Not running if binding failed; the callback swallows that error.
        this.listener.close(() => {});
      }
    }
  }

  /** asyncio's connection_made for a stream server: reader, writer, then the callback on the loop. */
  private readonly onConnection = (socket: Socket): void => {
    // Already queued when close() stopped the listener: it would outlive waitClosed().
    if (this.loop.isClosed() || this.isClosed) {
      socket.destroy();
      return;
    }
    const reader = new StreamReader(this.limit);
    const transport = new SocketTransport(socket, reader, this.loop);
    this.connections.add(transport);
    transport.onConnectionLost(() => this.detach(transport));
    const writer = new StreamWriter(transport, reader);
    // On the loop, as asyncio calls connection_made: the callback may use the running loop's API.
    this.loop.callSoon(() => this.startClient(transport, reader, writer));
  };

  private startClient(transport: SocketTransport, reader: StreamReader, writer: StreamWriter): void {
    let result: unknown;
    try {
      result = this.clientConnected(reader, writer);
    } catch (error) {
      this.loop.callExceptionHandler({ message: 'Exception in client_connected callback', exception: error });
      transport.close();
      return;
    }
    if (!isCoroutine(result)) return;
    const task = this.loop.createTask(result);
    // The handler's error is reported, never swallowed, and its connection closed (Python 3.12).
    task.addDoneCallback(() => {
      if (task.cancelled()) {
        transport.close();
        return;
      }
      const error = task.exception();
      if (error === undefined) return;
      this.loop.callExceptionHandler({ message: 'Unhandled exception in client_connected_cb', exception: error, taskName: task.getName() });
      transport.close();
    });
  }

  private detach(transport: SocketTransport): void {
    this.connections.delete(transport);
    if (this.connections.size === 0 && this.isClosed) this.wakeUpCloseWaiters();
  }

  private wakeUpCloseWaiters(): void {
    const waiters = this.closeWaiters;
    if (waiters === null) return;
    this.closeWaiters = null;
    if (this.loop.isClosed()) return;
    for (const waiter of waiters) if (!waiter.done()) waiter.setResult(undefined);
  }
}

/**
 * asyncio.start_server(): listens on `host`:`port` (port 0: any free port, see `server.sockets`;
 * host null: every interface) and evaluates to the Server once it is listening. Each connection is
 * handed to `clientConnected(reader, writer)`.
 */
export function* startServer(
  clientConnected: ClientConnected,
  host: string | null,
  port: number,
  options: StartServerOptions = {},
): Coroutine<Server> {
  const loop = getRunningLoop();
  const limit = options.limit ?? DEFAULT_LIMIT;
  // Checked now rather than at the first connection.
  new StreamReader(limit);
  // TLS cannot half-close (asyncio's SSL transport closes on the peer's EOF too), and a half-open
  // TLS socket whose client vanished mid-handshake would never close.
  const listener = options.tls !== undefined ? createTlsServer(options.tls) : createTcpServer({ allowHalfOpen: true });
  const server = new Server(loop, listener, clientConnected, limit, options.tls !== undefined);
  yield* server.listen(host, port, options.backlog);
  return server;
}
