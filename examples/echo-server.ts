/**
 * An echo server, as asyncio's documentation writes it (handle_echo + start_server):
 * every line a client sends comes back to it, until it closes its side.
 *
 *     npm run build && node dist/examples/echo-server.js [port]
 *     nc 127.0.0.1 <the port it prints>
 *
 * Ctrl-C stops it: the server closes, and so do its clients' connections.
 */
import { fileURLToPath } from 'node:url';
import { CancelledError, Event, run, startServer, type Coroutine, type Server, type StreamReader, type StreamWriter } from '../runtime/index.js';

export const HOST = '127.0.0.1';

/** @coroutine One client: echoes line by line until EOF, then closes the connection. */
export function* handleEcho(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
  const peer = writer.getExtraInfo('peername');
  const who = peer !== undefined ? `${peer.address}:${peer.port}` : 'a client';
  try {
    for (;;) {
      const line = yield* reader.readline();
      if (line.length === 0) break; // EOF: the client is done sending
      writer.write(line);
      yield* writer.drain(); // waits while the client reads slower than it writes
    }
  } finally {
    writer.close();
    try {
      yield* writer.waitClosed();
    } catch {
      // A client that reset the connection: nothing left to say to it.
    }
    console.log(`${who} disconnected`);
  }
}

/** @coroutine Listens on `host`:`port` (0: any free port) and returns the server. */
export function* startEchoServer(host: string = HOST, port = 0): Coroutine<Server> {
  return yield* startServer(handleEcho, host, port);
}

/**
 * @coroutine `asyncio.run(main())`: serves until cancelled. Clients still connected then are
 * closed first: serveForever() alone would wait for them to leave on their own.
 */
export function* main(port: number): Coroutine<void> {
  const server = yield* startEchoServer(HOST, port);
  const address = server.sockets[0];
  console.log(`Serving echo on ${address?.address}:${address?.port} (Ctrl-C stops)`);
  try {
    yield* new Event().wait(); // nothing sets it: only cancellation ends the wait
  } finally {
    server.close();
    server.closeClients(); // asyncio 3.13's close_clients()
    yield* server.waitClosed();
  }
}

// Run as a program (node dist/examples/echo-server.js), not when a test imports it.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await run(main(Number(process.argv[2] ?? 0)));
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
    process.exitCode = 130; // ended by SIGINT
  }
}
