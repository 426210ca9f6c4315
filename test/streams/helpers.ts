import { Server as NetServer, Socket } from 'node:net';
import { expect } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import type { ExceptionContext } from '../../runtime/loop.js';
import { run } from '../../runtime/run.js';
import { startServer, type Server } from '../../runtime/streams/server.js';
import type { StreamReader } from '../../runtime/streams/stream-reader.js';
import type { StreamWriter } from '../../runtime/streams/stream-writer.js';

export const LOOPBACK = '127.0.0.1';

/** Runs `main` under run() (real clock), collecting what reaches the exception handler. */
export async function runCollecting<T>(main: () => Coroutine<T>): Promise<{ value: T; reports: ExceptionContext[] }> {
  const reports: ExceptionContext[] = [];
  const value = await run(main(), { exceptionHandler: (_loop, context) => reports.push(context), handleSigint: false });
  return { value, reports };
}

/** The port a server listens on. */
export function portOf(server: Server): number {
  const address = server.sockets[0];
  if (address === undefined) throw new Error(`${String(server)} does not listen`);
  return address.port;
}

/** An echo handler: sends back every chunk until EOF, then closes. */
export function* echo(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
  try {
    for (;;) {
      const chunk = yield* reader.read(65536);
      if (chunk.length === 0) break;
      writer.write(chunk);
      yield* writer.drain();
    }
  } finally {
    writer.close();
  }
}

/** Runs `body` with a server on 127.0.0.1 (any port), closed and waited for afterwards. */
export function* withServer<T>(
  handler: (reader: StreamReader, writer: StreamWriter) => Coroutine<unknown> | void,
  body: (server: Server, port: number) => Coroutine<T>,
  options: { limit?: number; backlog?: number } = {},
): Coroutine<T> {
  const server = yield* startServer(handler, LOOPBACK, 0, options);
  try {
    return yield* body(server, portOf(server));
  } finally {
    server.closeClients();
    server.close();
    yield* server.waitClosed();
  }
}

/** TCP handles still open in this process. Each test must leave none (vitest has to be able to exit). */
export async function expectNoOpenSockets(): Promise<void> {
  const openTcp = (): string[] => process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP'));
  // A destroyed socket's handle is closed by libuv on a later turn.
  for (let attempt = 0; attempt < 50 && openTcp().length > 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(openTcp(), `still open: ${describeOpenSockets().join(', ')}`).toEqual([]);
}

/** The sockets and servers keeping the process alive, for the failure message. */
function describeOpenSockets(): string[] {
  // process._getActiveHandles is undocumented but the only way to name them.
  const handles = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles();
  return handles
    .filter((handle): handle is Socket | NetServer => handle instanceof Socket || handle instanceof NetServer)
    .map((handle) =>
      handle instanceof Socket
        ? `Socket ${handle.localPort ?? '?'} -> ${handle.remotePort ?? '?'} (${handle.readyState})`
        : `Server ${JSON.stringify(handle.address())}`,
    );
}

export function bytes(text: string): Buffer {
  return Buffer.from(text);
}
