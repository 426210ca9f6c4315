import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { openConnection } from '../../runtime/streams/open-connection.js';
import { echo, expectNoOpenSockets, runCollecting, withServer } from './helpers.js';

afterEach(() => {
  vi.restoreAllMocks();
});
afterEach(expectNoOpenSockets);

describe('TCP_NODELAY', () => {
  it('is set on both ends of a connection, as asyncio does (no 40 ms delayed-ACK stalls on small writes)', async () => {
    const setNoDelay = vi.spyOn(Socket.prototype, 'setNoDelay');
    function* main(): Coroutine<string> {
      return yield* withServer(echo, function* (_server, port) {
        const [reader, writer] = yield* openConnection('127.0.0.1', port);
        writer.write(Buffer.from('ping\n'));
        const line = (yield* reader.readline()).toString();
        writer.close();
        yield* writer.waitClosed();
        return line;
      });
    }
    const { value } = await runCollecting(main);
    expect(value).toBe('ping\n');
    // One call per transport: the client's and the server's accepted socket.
    const enabled = setNoDelay.mock.calls.filter(([enable]) => enable === true);
    expect(enabled.length).toBe(2);
  });
});
