import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { Coroutine } from '../coroutine.js';
import { getRunningLoop } from '../running.js';
import { toConnectionError } from './errors.js';
import { SocketTransport } from './socket-transport.js';
import { DEFAULT_LIMIT, StreamReader } from './stream-reader.js';
import { StreamWriter } from './stream-writer.js';

export interface OpenConnectionOptions {
  /** Connect with TLS: true for Node's defaults (`servername` = host), or node:tls connect options. */
  tls?: boolean | TlsConnectionOptions;
  /** The StreamReader's buffer limit (default 64 KiB). */
  limit?: number;
}

/**
 * asyncio.open_connection(): connects to `host`:`port` over TCP (or TLS) and evaluates to the
 * connection's `[reader, writer]` pair once connected (after the TLS handshake). Fails with
 * ConnectionRefusedError and the like; cancelling it destroys the half-made connection.
 */
export function* openConnection(host: string, port: number, options: OpenConnectionOptions = {}): Coroutine<[StreamReader, StreamWriter]> {
  const loop = getRunningLoop();
  const reader = new StreamReader(options.limit ?? DEFAULT_LIMIT);
  const tlsOptions = options.tls === true ? {} : options.tls === false ? undefined : options.tls;
  let socket: Socket;
  let connectedEvent: 'connect' | 'secureConnect';
  if (tlsOptions === undefined) {
    socket = connectTcp({ host, port, allowHalfOpen: true });
    connectedEvent = 'connect';
  } else {
    // SNI takes a name, never an address.
    const servername = tlsOptions.servername ?? (isIP(host) === 0 ? host : undefined);
    // Not half-open: TLS cannot half-close; the peer's EOF closes the connection, as in asyncio.
    const connectOptions: TlsConnectionOptions = { ...tlsOptions, host, port, ...(servername !== undefined ? { servername } : {}) };
    socket = connectTls(connectOptions);
    connectedEvent = 'secureConnect';
  }
  // Attached at once, so that no event (an error, early bytes) finds nobody listening.
  const transport = new SocketTransport(socket, reader, loop);
  const connected = loop.createFuture<void>();
  const onConnected = (): void => {
    if (!connected.done()) connected.setResult(undefined);
  };
  const onFailed = (error: Error): void => {
    if (!connected.done()) connected.setException(toConnectionError(error));
  };
  socket.once(connectedEvent, onConnected);
  socket.once('error', onFailed);
  let established = false;
  try {
    yield* connected;
    established = true;
  } finally {
    socket.removeListener(connectedEvent, onConnected);
    socket.removeListener('error', onFailed);
    if (!established) transport.abort();
  }
  return [reader, new StreamWriter(transport, reader)];
}
