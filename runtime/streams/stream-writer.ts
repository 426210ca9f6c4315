import type { AddressInfo, Socket } from 'node:net';
import { TLSSocket, type PeerCertificate } from 'node:tls';
import type { Coroutine } from '../coroutine.js';
import { getRunningLoop } from '../running.js';
import type { SocketTransport } from './socket-transport.js';
import type { StreamReader } from './stream-reader.js';

/** What `getExtraInfo(name)` knows (asyncio's transport extra info, with Node's shapes). */
export interface StreamExtraInfo {
  /** The remote address, as Node's `AddressInfo` ({ address, family, port }). */
  peername: AddressInfo;
  /** The local address. */
  sockname: AddressInfo;
  /** The node:net Socket (a tls.TLSSocket for TLS connections). */
  socket: Socket;
  /** TLS only: the peer's certificate. */
  peercert: PeerCertificate;
  /** TLS only: the negotiated cipher ({ name, standardName, version }). */
  cipher: ReturnType<TLSSocket['getCipher']>;
}

/**
 * asyncio.StreamWriter: writes to a connection.
 *
 *     writer.write(data);
 *     yield* writer.drain();      // waits while the connection's write buffer is full
 *     writer.close();
 *     yield* writer.waitClosed();
 *
 * `write` never blocks: it queues the bytes (copied) and returns. `drain()` is where back-pressure
 * happens, so a loop of write + drain holds at most Node's write buffer (its high-water mark,
 * 16 KiB by default) plus one chunk in memory, however slowly the peer reads.
 */
export class StreamWriter {
  private readonly connection: SocketTransport;
  private readonly reader: StreamReader | null;

  /** @internal Made by openConnection and startServer. */
  constructor(connection: SocketTransport, reader: StreamReader | null) {
    this.connection = connection;
    this.reader = reader;
  }

  /** The node:net Socket underneath (asyncio's `writer.transport`). */
  get transport(): Socket {
    return this.connection.socket;
  }

  /**
   * Queues `data` to be sent. TypeError unless it is a Uint8Array (a Buffer is one); RuntimeError
   * after `writeEof()`; dropped silently once the writer is closing or the connection is lost
   * (`drain()` reports the loss).
   */
  write(data: Uint8Array): void {
    this.connection.write(data);
  }

  /** Queues every chunk, in order, as one write to the socket. */
  writelines(chunks: Iterable<Uint8Array>): void {
    this.connection.writelines(chunks);
  }

  /** False for TLS, which cannot half-close. */
  canWriteEof(): boolean {
    return this.connection.canWriteEof();
  }

  /** Closes the sending side once what is queued is sent (TCP FIN); reading goes on. */
  writeEof(): void {
    this.connection.writeEof();
  }

  /** Sends what is queued, then closes the connection. Returns at once; `waitClosed()` waits. */
  close(): void {
    this.connection.close();
  }

  /** Closes at once, dropping what is queued (asyncio's `writer.transport.abort()`). */
  abort(): void {
    this.connection.abort();
  }

  /** True once `close()` was called or the connection was lost. */
  isClosing(): boolean {
    return this.connection.isClosing();
  }

  /** Waits until the connection is closed; throws the connection's error if it failed. */
  *waitClosed(): Coroutine<void> {
    yield* this.connection.waitClosed();
  }

  /** Bytes queued and not yet handed to the kernel (asyncio's transport.get_write_buffer_size()). */
  getWriteBufferSize(): number {
    return this.connection.getWriteBufferSize();
  }

  /** Information about the connection; `defaultValue` (undefined) when it is not known or not applicable. */
  getExtraInfo<K extends keyof StreamExtraInfo>(name: K): StreamExtraInfo[K] | undefined;
  getExtraInfo<K extends keyof StreamExtraInfo, D>(name: K, defaultValue: D): StreamExtraInfo[K] | D;
  getExtraInfo(name: keyof StreamExtraInfo, defaultValue?: unknown): unknown {
    const socket = this.connection.socket;
    let value: unknown;
    switch (name) {
      case 'peername':
        value = this.connection.getPeername();
        break;
      case 'sockname':
        value = this.connection.getSockname();
        break;
      case 'socket':
        value = socket;
        break;
      case 'peercert':
        value = socket instanceof TLSSocket ? socket.getPeerCertificate() : undefined;
        break;
      case 'cipher':
        value = socket instanceof TLSSocket ? socket.getCipher() : undefined;
        break;
    }
    return value ?? defaultValue;
  }

  /**
   * Waits until the connection can take more data: returns at once unless a `write` filled Node's
   * write buffer, then waits for the socket's 'drain'. Throws the reader's error if the connection
   * failed, ConnectionResetError if it was lost. Cancelling it removes its waiter and leaves the
   * connection as it was.
   */
  *drain(): Coroutine<void> {
    const readerError = this.reader?.exception() ?? null;
    if (readerError !== null) throw readerError;
    // Closing: let Node deliver the socket's 'close' first, so a write + drain loop on a dead
    // connection sees the loss (asyncio's sleep(0) here, which lets its selector run once).
    if (this.connection.isClosing()) yield* hostTurn();
    yield* this.connection.drainHelper();
  }

  toString(): string {
    return `<StreamWriter ${this.connection.isClosing() ? 'closing' : 'open'}${this.reader !== null ? ` reader=${String(this.reader)}` : ''}>`;
  }
}

/** Waits for one turn of Node's event loop (its I/O callbacks included). */
function* hostTurn(): Coroutine<void> {
  const turn = getRunningLoop().createFuture<void>();
  const immediate = setImmediate(() => {
    if (!turn.done()) turn.setResult(undefined);
  });
  try {
    yield* turn;
  } finally {
    clearImmediate(immediate);
  }
}
