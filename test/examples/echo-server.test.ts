import { afterEach, describe, expect, it } from 'vitest';
import { startEchoServer } from '../../examples/echo-server.js';
import type { Coroutine } from '../../runtime/coroutine.js';
import { gather } from '../../runtime/gather.js';
import { openConnection } from '../../runtime/streams/open-connection.js';
import type { Server } from '../../runtime/streams/server.js';
import { LOOPBACK, bytes, expectNoOpenSockets, portOf, runCollecting } from '../streams/helpers.js';

afterEach(expectNoOpenSockets);

/** @coroutine One client: sends `lines` one at a time, reading each echo, then closes. */
function* converse(port: number, lines: readonly string[]): Coroutine<string[]> {
  const [reader, writer] = yield* openConnection(LOOPBACK, port);
  const echoes: string[] = [];
  for (const line of lines) {
    writer.write(bytes(`${line}\n`));
    yield* writer.drain();
    echoes.push((yield* reader.readline()).toString().trimEnd());
  }
  writer.close();
  yield* writer.waitClosed();
  return echoes;
}

describe('examples/echo-server', () => {
  it('echoes line by line, to several clients at once', async () => {
    const { value, reports } = await runCollecting(function* () {
      const server: Server = yield* startEchoServer();
      const port = portOf(server);
      try {
        return yield* gather(converse(port, ['hello', 'world']), converse(port, ['one', 'two', 'three']), converse(port, ['x'.repeat(10_000)]));
      } finally {
        server.close();
        yield* server.waitClosed();
      }
    });
    expect(value).toEqual([['hello', 'world'], ['one', 'two', 'three'], ['x'.repeat(10_000)]]);
    expect(reports).toEqual([]);
  });

  it('a client that disconnects ends its handler: the server closes with no connection left', async () => {
    const { value } = await runCollecting(function* () {
      const server = yield* startEchoServer();
      const [reader, writer] = yield* openConnection(LOOPBACK, portOf(server));
      writer.write(bytes('last words\n'));
      const echo = (yield* reader.readline()).toString();
      writer.close();
      yield* writer.waitClosed();
      server.close();
      // Completes only once the server side of the connection is gone too.
      yield* server.waitClosed();
      return { echo, serving: server.isServing() };
    });
    expect(value).toEqual({ echo: 'last words\n', serving: false });
  });
});
