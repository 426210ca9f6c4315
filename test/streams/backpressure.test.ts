import { afterEach, describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError } from '../../runtime/errors.js';
import { Event } from '../../runtime/event.js';
import { createTask } from '../../runtime/run.js';
import { sleep } from '../../runtime/sleep.js';
import type { Task } from '../../runtime/task.js';
import { openConnection } from '../../runtime/streams/open-connection.js';
import type { StreamReader } from '../../runtime/streams/stream-reader.js';
import type { StreamWriter } from '../../runtime/streams/stream-writer.js';
import { LOOPBACK, expectNoOpenSockets, runCollecting, withServer } from './helpers.js';

afterEach(expectNoOpenSockets);

const LIMIT = 16 * 1024;
const CHUNK = 64 * 1024;
/** Far more than loopback's kernel buffers hold: a writer that gets this far was never held back. */
const SAFETY_CAP = 256 * 1024 * 1024;
/** The most Node hands over per 'data' event. */
const SOCKET_READ = 64 * 1024;

/** A server-side handler that reads nothing until released, then counts every byte to EOF. */
class SlowConsumer {
  reader: StreamReader | null = null;
  readonly release = new Event();
  readonly connected = new Event();
  received = 0;

  readonly handler = (reader: StreamReader, writer: StreamWriter): Coroutine<void> => {
    const consumer = this;
    return (function* () {
      consumer.reader = reader;
      consumer.connected.set();
      yield* consumer.release.wait();
      for (;;) {
        const chunk = yield* reader.read(CHUNK);
        if (chunk.length === 0) break;
        consumer.received += chunk.length;
      }
      writer.close();
    })();
  };
}

/** Writes chunks with drain() until told to stop; counts what write() accepted. */
class Producer {
  written = 0;
  stop = false;
  constructor(private readonly writer: StreamWriter) {}

  *run(): Coroutine<void> {
    const chunk = new Uint8Array(CHUNK);
    while (!this.stop && this.written < SAFETY_CAP) {
      this.writer.write(chunk);
      this.written += CHUNK;
      yield* this.writer.drain();
    }
  }

  /** Waits (at most 5 s) until writing has made no progress for 100 ms: drain() is holding it. */
  *untilStalled(task: Task<void>): Coroutine<void> {
    let last = -1;
    let quietPolls = 0;
    for (let poll = 0; poll < 250 && quietPolls < 5 && !task.done(); poll++) {
      yield* sleep(20);
      quietPolls = this.written === last ? quietPolls + 1 : 0;
      last = this.written;
    }
  }
}

function drainWaiterCount(writer: StreamWriter): number {
  // White-box: the transport's set of drain() waiters must not keep a cancelled one.
  return (writer as unknown as { connection: { drainWaiters: Set<unknown> } }).connection.drainWaiters.size;
}

describe('back-pressure', () => {
  it('a writer to a reader that does not read: drain() blocks, both buffers stay bounded; all arrives once read', async () => {
    const consumer = new SlowConsumer();
    const { value, reports } = await runCollecting(() =>
      withServer(
        consumer.handler,
        function* (_server, port) {
          const [reader, writer] = yield* openConnection(LOOPBACK, port);
          yield* consumer.connected.wait();
          const producer = new Producer(writer);
          const producing = createTask(producer.run());
          yield* producer.untilStalled(producing);
          const serverReader = consumer.reader as StreamReader;
          const stalled = {
            producerDone: producing.done(),
            writtenBelowCap: producer.written < SAFETY_CAP,
            readerPaused: serverReader.isPaused(),
            readerBufferBounded: serverReader.buffered <= 2 * LIMIT + SOCKET_READ,
            writeBufferBounded: writer.getWriteBufferSize() <= writer.transport.writableHighWaterMark + CHUNK,
          };
          producer.stop = true;
          consumer.release.set();
          yield* producing;
          writer.writeEof();
          // The server closes after counting to EOF; our read then sees EOF.
          const tail = yield* reader.read();
          writer.close();
          yield* writer.waitClosed();
          return { stalled, written: producer.written, received: consumer.received, tail: tail.length };
        },
        { limit: LIMIT },
      ),
    );
    expect(value.stalled).toEqual({
      producerDone: false,
      writtenBelowCap: true,
      readerPaused: true,
      readerBufferBounded: true,
      writeBufferBounded: true,
    });
    expect(value.received).toBe(value.written);
    expect(value.tail).toBe(0);
    expect(reports).toEqual([]);
  });

  it('cancelling a task blocked in drain() is immediate, removes its waiter, and the connection stays usable', async () => {
    const consumer = new SlowConsumer();
    const { value } = await runCollecting(() =>
      withServer(
        consumer.handler,
        function* (_server, port) {
          const [, writer] = yield* openConnection(LOOPBACK, port);
          yield* consumer.connected.wait();
          const producer = new Producer(writer);
          const producing = createTask(producer.run());
          yield* producer.untilStalled(producing);
          const waitersWhileBlocked = drainWaiterCount(writer);
          producing.cancel();
          // The waiter is cancelled with the task: it ends on its next turn, not when the socket drains.
          yield* sleep(0);
          yield* sleep(0);
          const cancelled = producing.cancelled();
          const waitersAfter = drainWaiterCount(writer);
          consumer.release.set();
          // Still usable: a drain now returns once the peer reads, and more bytes get through.
          yield* writer.drain();
          writer.write(new Uint8Array(10));
          writer.writeEof();
          yield* writer.waitClosed();
          return { waitersWhileBlocked, cancelled, waitersAfter, written: producer.written + 10, received: consumer.received };
        },
        { limit: LIMIT },
      ),
    );
    expect(value.waitersWhileBlocked).toBe(1);
    expect(value.cancelled).toBe(true);
    expect(value.waitersAfter).toBe(0);
    expect(value.received).toBe(value.written);
  });

  it('a write + drain loop to a peer that went away ends with a connection error', async () => {
    const { value } = await runCollecting(() =>
      withServer(
        (_reader, writer) => writer.abort(),
        function* (_server, port) {
          const [reader, writer] = yield* openConnection(LOOPBACK, port);
          // The server drops the connection at once; our writes then fail (EPIPE / ECONNRESET).
          yield* reader.read();
          const chunk = new Uint8Array(CHUNK);
          for (let attempt = 0; attempt < 1000; attempt++) {
            try {
              writer.write(chunk);
              yield* writer.drain();
            } catch (error) {
              return { name: (error as Error).name, attempt, closing: writer.isClosing() };
            }
          }
          return { name: 'none', attempt: 1000, closing: writer.isClosing() };
        },
      ),
    );
    expect(['ConnectionResetError', 'BrokenPipeError']).toContain(value.name);
    expect(value.attempt).toBeLessThan(1000);
    expect(value.closing).toBe(true);
  });

  it('a cancelled drain() ends with CancelledError in its task, not later', async () => {
    const consumer = new SlowConsumer();
    const { value } = await runCollecting(() =>
      withServer(
        consumer.handler,
        function* (_server, port) {
          const [, writer] = yield* openConnection(LOOPBACK, port);
          yield* consumer.connected.wait();
          const producer = new Producer(writer);
          const producing = createTask(producer.run());
          yield* producer.untilStalled(producing);
          producing.cancel('enough');
          let outcome: unknown;
          try {
            yield* producing;
          } catch (error) {
            outcome = error;
          }
          writer.abort();
          consumer.release.set();
          return outcome;
        },
        { limit: LIMIT },
      ),
    );
    expect(value).toBeInstanceOf(CancelledError);
    expect((value as CancelledError).message).toBe('enough');
  });
});
