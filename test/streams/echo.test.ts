import { afterEach, describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { gather } from '../../runtime/gather.js';
import { createTask } from '../../runtime/run.js';
import { sleep } from '../../runtime/sleep.js';
import { openConnection } from '../../runtime/streams/open-connection.js';
import type { StreamReader } from '../../runtime/streams/stream-reader.js';
import type { StreamWriter } from '../../runtime/streams/stream-writer.js';
import { LOOPBACK, bytes, echo, expectNoOpenSockets, runCollecting, withServer } from './helpers.js';

afterEach(expectNoOpenSockets);

describe('streams over TCP on 127.0.0.1', () => {
  it('echo round trip: write, drain, readexactly; close and waitClosed on both sides', async () => {
    const { value, reports } = await runCollecting(() =>
      withServer(echo, function* (_server, port) {
        const [reader, writer] = yield* openConnection(LOOPBACK, port);
        writer.write(bytes('hello, '));
        writer.writelines([bytes('tsyncio'), bytes('!')]);
        yield* writer.drain();
        const answer = (yield* reader.readexactly(15)).toString();
        writer.close();
        yield* writer.waitClosed();
        return [answer, writer.isClosing()];
      }),
    );
    expect(value).toEqual(['hello, tsyncio!', true]);
    expect(reports).toEqual([]);
  });

  it('lines and partial reads: the server answers line by line, the client reads in pieces', async () => {
    function* shout(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
      for (;;) {
        const line = yield* reader.readline();
        if (line.length === 0) break;
        writer.write(bytes(line.toString().toUpperCase()));
      }
      writer.close();
    }
    const { value } = await runCollecting(() =>
      withServer(shout, function* (_server, port) {
        const [reader, writer] = yield* openConnection(LOOPBACK, port);
        // Sent in fragments that cut lines apart: the server's readline reassembles them.
        for (const fragment of ['ab', 'c\nde', 'f\n', 'g', 'hi\nlast']) {
          writer.write(bytes(fragment));
          yield* writer.drain();
          yield* sleep(2);
        }
        writer.writeEof();
        const first = (yield* reader.readuntil(bytes('\n'))).toString();
        const twoBytes = (yield* reader.readexactly(2)).toString();
        const rest = (yield* reader.read()).toString();
        const atEof = reader.atEof();
        writer.close();
        yield* writer.waitClosed();
        return [first, twoBytes, rest, atEof];
      }),
    );
    // 'last' had no newline: the server's readline gave it at EOF.
    expect(value).toEqual(['ABC\n', 'DE', 'F\nGHI\nLAST', true]);
  });

  it('writeEof half-closes: the peer reads to EOF, then still answers', async () => {
    function* countBytes(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
      const all = yield* reader.read();
      writer.write(bytes(`got ${all.length} bytes`));
      yield* writer.drain();
      writer.close();
    }
    const { value } = await runCollecting(() =>
      withServer(countBytes, function* (_server, port) {
        const [reader, writer] = yield* openConnection(LOOPBACK, port);
        expect(writer.canWriteEof()).toBe(true);
        writer.write(new Uint8Array(100_000));
        writer.writeEof();
        expect(() => writer.write(bytes('late'))).toThrow('Cannot call write() after writeEof()');
        const answer = (yield* reader.read()).toString();
        writer.close();
        yield* writer.waitClosed();
        return answer;
      }),
    );
    expect(value).toBe('got 100000 bytes');
  });

  it('getExtraInfo: peername and sockname mirror each other; the socket; a default for what TCP lacks', async () => {
    let serverSide: { peer: unknown; local: unknown } | undefined;
    function* remember(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
      serverSide = { peer: writer.getExtraInfo('peername'), local: writer.getExtraInfo('sockname') };
      yield* reader.read();
      writer.close();
    }
    const { value } = await runCollecting(() =>
      withServer(remember, function* (_server, port) {
        const [, writer] = yield* openConnection(LOOPBACK, port);
        const info = {
          peer: writer.getExtraInfo('peername'),
          local: writer.getExtraInfo('sockname'),
          isSocket: writer.getExtraInfo('socket') === writer.transport,
          cert: writer.getExtraInfo('peercert', 'none'),
        };
        yield* sleep(20);
        writer.close();
        yield* writer.waitClosed();
        return info;
      }),
    );
    expect(value.peer).toEqual({ address: LOOPBACK, family: 'IPv4', port: expect.any(Number) });
    expect(value.isSocket).toBe(true);
    expect(value.cert).toBe('none');
    expect(serverSide).toEqual({ peer: value.local, local: value.peer });
  });

  it('write takes a snapshot: changing the buffer afterwards changes nothing sent', async () => {
    const { value } = await runCollecting(() =>
      withServer(echo, function* (_server, port) {
        const [reader, writer] = yield* openConnection(LOOPBACK, port);
        const reused = bytes('first');
        writer.write(reused);
        reused.write('XXXXX');
        writer.writeEof();
        const echoed = (yield* reader.read()).toString();
        writer.close();
        return echoed;
      }),
    );
    expect(value).toBe('first');
  });

  it('write rejects what is not bytes, as asyncio does', async () => {
    await runCollecting(() =>
      withServer(echo, function* (_server, port) {
        const [, writer] = yield* openConnection(LOOPBACK, port);
        expect(() => writer.write('text' as unknown as Uint8Array)).toThrow(TypeError);
        writer.close();
        yield* writer.waitClosed();
      }),
    );
  });

  it('1,000 concurrent connections to the echo server, each with its own payload', async () => {
    const CLIENTS = 1000;
    function* client(port: number, index: number): Coroutine<boolean> {
      const [reader, writer] = yield* openConnection(LOOPBACK, port);
      const payload = bytes(`client ${index} `.repeat(50));
      writer.write(payload);
      yield* writer.drain();
      const echoed = yield* reader.readexactly(payload.length);
      writer.close();
      yield* writer.waitClosed();
      return echoed.equals(payload);
    }
    const started = performance.now();
    const { value, reports } = await runCollecting(() =>
      withServer(
        echo,
        function* (server, port) {
          const clients = Array.from({ length: CLIENTS }, (_, index) => createTask(client(port, index)));
          const results = yield* gather(...clients);
          return { ok: results.filter(Boolean).length, serving: server.isServing() };
        },
        { backlog: 1024 },
      ),
    );
    expect(value).toEqual({ ok: CLIENTS, serving: true });
    expect(reports).toEqual([]);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
