import { afterEach, describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { openConnection } from '../../runtime/streams/open-connection.js';
import { startServer, type Server } from '../../runtime/streams/server.js';
import type { StreamWriter } from '../../runtime/streams/stream-writer.js';
import { expectNoOpenSockets, LOOPBACK, portOf, runCollecting } from './helpers.js';

afterEach(expectNoOpenSockets);

describe('a closing loop releases what streams left open', () => {
  it('run() ends with a listening server and an open connection: both are dropped, Node can exit', async () => {
    let server: Server | null = null;
    let clientWriter: StreamWriter | null = null;
    function* main(): Coroutine<string> {
      // A handler that never closes its side, and a client that never closes its side either.
      server = yield* startServer(function* () {}, LOOPBACK, 0);
      const [, writer] = yield* openConnection(LOOPBACK, portOf(server));
      clientWriter = writer;
      writer.write(Buffer.from('left open'));
      yield* writer.drain();
      return 'returned without closing anything';
    }
    const { value } = await runCollecting(main);
    expect(value).toBe('returned without closing anything');
    expect((server as Server | null)?.isServing()).toBe(false);
    expect((clientWriter as StreamWriter | null)?.isClosing()).toBe(true);
    // afterEach: no TCP handle is left in the process.
  });
});
