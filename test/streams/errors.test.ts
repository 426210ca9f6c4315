import { afterEach, describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, RuntimeError } from '../../runtime/errors.js';
import { Event } from '../../runtime/event.js';
import type { Future } from '../../runtime/future.js';
import { createTask, currentTask } from '../../runtime/run.js';
import { getRunningLoop } from '../../runtime/running.js';
import { sleep } from '../../runtime/sleep.js';
import { ConnectionRefusedError, ConnectionResetError, IncompleteReadError } from '../../runtime/streams/errors.js';
import { openConnection } from '../../runtime/streams/open-connection.js';
import { startServer } from '../../runtime/streams/server.js';
import type { StreamReader } from '../../runtime/streams/stream-reader.js';
import type { StreamWriter } from '../../runtime/streams/stream-writer.js';
import { LOOPBACK, bytes, echo, expectNoOpenSockets, portOf, runCollecting, withServer } from './helpers.js';

afterEach(expectNoOpenSockets);

function* errorOf(body: Coroutine<unknown> | Future<unknown>): Coroutine<unknown> {
  try {
    return yield* body;
  } catch (error) {
    return error;
  }
}

/** A port nothing listens on: one a server just gave back. */
function* freePort(): Coroutine<number> {
  const server = yield* startServer(() => {}, LOOPBACK, 0);
  const port = portOf(server);
  server.close();
  yield* server.waitClosed();
  return port;
}

describe('a peer that goes away', () => {
  it('closes mid-read: readexactly throws IncompleteReadError with what did arrive', async () => {
    function* halfAnswer(_reader: StreamReader, writer: StreamWriter): Coroutine<void> {
      writer.write(bytes('12345'));
      yield* writer.drain();
      writer.close();
    }
    const { value } = await runCollecting(() =>
      withServer(halfAnswer, function* (_server, port) {
        const [reader, writer] = yield* openConnection(LOOPBACK, port);
        const error = yield* errorOf(reader.readexactly(10));
        writer.close();
        yield* writer.waitClosed();
        return error;
      }),
    );
    expect(value).toBeInstanceOf(IncompleteReadError);
    expect((value as IncompleteReadError).partial.toString()).toBe('12345');
    expect((value as IncompleteReadError).expected).toBe(10);
  });

  it('resets the connection while we wait in a read: ConnectionResetError from the read and from waitClosed', async () => {
    const { value } = await runCollecting(() =>
      withServer(
        function* (reader: StreamReader, writer: StreamWriter) {
          yield* reader.readexactly(3);
          writer.write(bytes('par'));
          yield* writer.drain();
          yield* sleep(20);
          writer.transport.resetAndDestroy();
        },
        function* (_server, port) {
          const [reader, writer] = yield* openConnection(LOOPBACK, port);
          writer.write(bytes('go!'));
          const readError = yield* errorOf(reader.readexactly(10));
          const closeError = yield* errorOf(writer.waitClosed());
          const drainError = yield* errorOf(writer.drain());
          return { readError, closeError, drainError, closing: writer.isClosing() };
        },
      ),
    );
    expect(value.readError).toBeInstanceOf(ConnectionResetError);
    expect((value.readError as ConnectionResetError).code).toBe('ECONNRESET');
    expect(value.closeError).toBe(value.readError);
    expect(value.drainError).toBe(value.readError);
    expect(value.closing).toBe(true);
  });

  it('connecting to a port nothing listens on: ConnectionRefusedError', async () => {
    const { value } = await runCollecting(function* () {
      const port = yield* freePort();
      return yield* errorOf(openConnection(LOOPBACK, port));
    });
    expect(value).toBeInstanceOf(ConnectionRefusedError);
    expect((value as ConnectionRefusedError).code).toBe('ECONNREFUSED');
  });
});

describe('cancellation', () => {
  it('cancelling a task blocked in read is immediate; the reader forgets it and the next read gets the data', async () => {
    const { value } = await runCollecting(() =>
      withServer(echo, function* (_server, port) {
        const [reader, writer] = yield* openConnection(LOOPBACK, port);
        const blocked = createTask(reader.read(100));
        yield* sleep(20);
        blocked.cancel();
        yield* sleep(0);
        const cancelled = blocked.cancelled();
        // White-box: no waiter left behind, or the next read would be refused as a second reader.
        const waiterLeft = (reader as unknown as { waiter: unknown }).waiter;
        writer.write(bytes('after'));
        const data = (yield* reader.readexactly(5)).toString();
        writer.close();
        yield* writer.waitClosed();
        return { cancelled, waiterLeft, data };
      }),
    );
    expect(value).toEqual({ cancelled: true, waiterLeft: null, data: 'after' });
  });

  it('cancelling one waitClosed() leaves the others (and later ones) waiting for the real close', async () => {
    const { value } = await runCollecting(() =>
      withServer(echo, function* (_server, port) {
        const [, writer] = yield* openConnection(LOOPBACK, port);
        const cancelledWait = createTask(writer.waitClosed());
        const otherWait = createTask(writer.waitClosed());
        yield* sleep(5);
        cancelledWait.cancel();
        const cancelled = yield* errorOf(cancelledWait);
        yield* sleep(5);
        const otherStillWaiting = !otherWait.done();
        writer.close();
        yield* otherWait;
        yield* writer.waitClosed();
        return { cancelled, otherStillWaiting };
      }),
    );
    expect(value.cancelled).toBeInstanceOf(CancelledError);
    expect(value.otherStillWaiting).toBe(true);
  });

  it('cancelling openConnection while it connects destroys the half-made socket', async () => {
    const { value } = await runCollecting(() =>
      withServer(echo, function* (_server, port) {
        const connecting = createTask(openConnection(LOOPBACK, port));
        // One turn: the task has made its socket and waits for 'connect', which Node cannot deliver yet.
        yield;
        connecting.cancel();
        return yield* errorOf(connecting);
      }),
    );
    // afterEach then finds no socket left open.
    expect(value).toBeInstanceOf(CancelledError);
  });
});

describe('the server', () => {
  it("a handler coroutine's error goes to the loop's exception handler, and its connection is closed", async () => {
    const failure = new Error('handler failed');
    const { value, reports } = await runCollecting(() =>
      withServer(
        function* (reader: StreamReader) {
          yield* reader.readline();
          throw failure;
        },
        function* (_server, port) {
          const [reader, writer] = yield* openConnection(LOOPBACK, port);
          writer.write(bytes('hi\n'));
          const afterFailure = yield* reader.read();
          writer.close();
          yield* writer.waitClosed();
          return afterFailure.length;
        },
      ),
    );
    expect(value).toBe(0);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ message: 'Unhandled exception in client_connected_cb', exception: failure });
  });

  it('a plain-function handler runs on the loop (it may create tasks); if it throws, that is reported too', async () => {
    const failure = new Error('plain handler failed');
    let calls = 0;
    let sawLoop = false;
    function plainHandler(reader: StreamReader, writer: StreamWriter): void {
      calls++;
      sawLoop = getRunningLoop().isRunning() && currentTask() === null;
      if (calls === 1) createTask(echo(reader, writer));
      else throw failure;
    }
    const { value, reports } = await runCollecting(() =>
      withServer(plainHandler, function* (_server, port) {
        const [reader, writer] = yield* openConnection(LOOPBACK, port);
        writer.write(bytes('ping'));
        const echoed = (yield* reader.readexactly(4)).toString();
        writer.close();
        yield* writer.waitClosed();
        const [reader2, writer2] = yield* openConnection(LOOPBACK, port);
        const closedByServer = (yield* reader2.read()).length;
        writer2.close();
        yield* writer2.waitClosed();
        return { echoed, closedByServer };
      }),
    );
    expect(value).toEqual({ echoed: 'ping', closedByServer: 0 });
    expect(sawLoop).toBe(true);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ exception: failure });
  });

  it('close() stops listening but not the connections; waitClosed() waits for them', async () => {
    const trace: string[] = [];
    const { value } = await runCollecting(function* () {
      const server = yield* startServer(echo, LOOPBACK, 0);
      const port = portOf(server);
      const [reader, writer] = yield* openConnection(LOOPBACK, port);
      server.close();
      trace.push(`closed: serving=${server.isServing()} sockets=${server.sockets.length}`);
      const waiting = createTask(
        (function* () {
          yield* server.waitClosed();
          trace.push('waitClosed returned');
        })(),
      );
      const refused = yield* errorOf(openConnection(LOOPBACK, port));
      trace.push(`new connection: ${(refused as Error).name}`);
      writer.write(bytes('still here'));
      trace.push(`old connection: ${(yield* reader.readexactly(10)).toString()}`);
      writer.close();
      yield* writer.waitClosed();
      trace.push('client closed');
      yield* waiting;
      // Once closed with nothing left, waitClosed returns at once.
      yield* server.waitClosed();
      return trace;
    });
    expect(value).toEqual([
      'closed: serving=false sockets=0',
      'new connection: ConnectionRefusedError',
      'old connection: still here',
      'client closed',
      'waitClosed returned',
    ]);
  });

  it('serveForever until cancelled: the server is then closed; on a closed server it is a RuntimeError', async () => {
    const { value } = await runCollecting(function* () {
      const server = yield* startServer(echo, LOOPBACK, 0);
      const serving = createTask(server.serveForever());
      yield* sleep(10);
      const twice = yield* errorOf(server.serveForever());
      const [reader, writer] = yield* openConnection(LOOPBACK, portOf(server));
      writer.write(bytes('x'));
      const echoed = (yield* reader.readexactly(1)).toString();
      writer.close();
      yield* writer.waitClosed();
      serving.cancel();
      const outcome = yield* errorOf(serving);
      const again = yield* errorOf(server.serveForever());
      return { twice, echoed, outcome, serving: server.isServing(), again };
    });
    expect(value.twice).toBeInstanceOf(RuntimeError);
    expect(value.echoed).toBe('x');
    expect(value.outcome).toBeInstanceOf(CancelledError);
    expect(value.serving).toBe(false);
    expect(value.again).toBeInstanceOf(RuntimeError);
  });

  it('closeClients() closes the connections a closed server still has', async () => {
    const connected = new Event();
    const { value } = await runCollecting(function* () {
      const server = yield* startServer(
        function* (reader: StreamReader) {
          connected.set();
          yield* reader.read();
        },
        LOOPBACK,
        0,
      );
      const [reader, writer] = yield* openConnection(LOOPBACK, portOf(server));
      yield* connected.wait();
      server.close();
      server.closeClients();
      yield* server.waitClosed();
      const eof = (yield* reader.read()).length;
      writer.close();
      yield* writer.waitClosed();
      return eof;
    });
    expect(value).toBe(0);
  });

  it('listening on a port in use fails with EADDRINUSE', async () => {
    const { value } = await runCollecting(() =>
      withServer(echo, function* (_server, port) {
        return yield* errorOf(startServer(echo, LOOPBACK, port));
      }),
    );
    expect((value as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
  });
});
