/**
 * A line-based chat server: the first line a client sends is its name; every line after it goes to
 * everyone else as "name: line". Each client has its own outbox (a Queue) and a sender task writing
 * it out, so a slow client delays nobody but itself; one whose outbox overflows is disconnected.
 *
 *     npm run build && node dist/examples/chat-server.js [port]
 *     nc 127.0.0.1 <the port it prints>      # in two terminals
 *
 * Ctrl-C stops it: the server closes, and so do its clients' connections.
 */
import { fileURLToPath } from 'node:url';
import {
  CancelledError,
  Event,
  Queue,
  QueueFull,
  QueueShutDown,
  createTask,
  run,
  startServer,
  type ClientConnected,
  type Coroutine,
  type Server,
  type StreamReader,
  type StreamWriter,
  type Task,
} from '../runtime/index.js';

export const HOST = '127.0.0.1';
/** Lines waiting for one client before it counts as too slow and is dropped. */
export const OUTBOX_SIZE = 256;

/** One connected, named client. */
export class Member {
  readonly outbox = new Queue<string>(OUTBOX_SIZE);
  sender: Task<void> | null = null;

  constructor(
    readonly name: string,
    readonly writer: StreamWriter,
  ) {}

  /** @coroutine The per-client writer: sends what arrives in the outbox until it is shut down. */
  *send(): Coroutine<void> {
    try {
      for (;;) {
        const line = yield* this.outbox.get();
        this.writer.write(Buffer.from(line));
        yield* this.writer.drain();
      }
    } catch (error) {
      if (error instanceof QueueShutDown) return; // the client left
      if (error instanceof CancelledError) throw error;
      // The connection failed: dropping it ends the client's handler too (its read sees the end).
      this.writer.abort();
    }
  }

  /** Queues `line` for this client; false if its outbox is full (the client is not keeping up). */
  offer(line: string): boolean {
    try {
      this.outbox.putNowait(line);
      return true;
    } catch (error) {
      if (error instanceof QueueFull || error instanceof QueueShutDown) return false;
      throw error;
    }
  }
}

/** The room: who is connected, and the handler that serves each client. */
export class ChatRoom {
  readonly members = new Set<Member>();
  /** startServer's callback: a task per client runs handleClient. */
  readonly handler: ClientConnected = (reader, writer) => this.handleClient(reader, writer);

  /** The names of the members, in the order they joined. */
  names(): string[] {
    return [...this.members].map((member) => member.name);
  }

  /** Sends `line` to every member except `from`; members that cannot keep up are disconnected. */
  broadcast(line: string, from: Member | null): void {
    for (const member of [...this.members]) {
      if (member === from) continue;
      if (!member.offer(line)) {
        console.log(`${member.name} is not keeping up: disconnected`);
        member.writer.abort();
      }
    }
  }

  /** @coroutine One client, from its name to its disconnection (startServer's callback). */
  *handleClient(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
    let member: Member | null = null;
    try {
      writer.write(Buffer.from('Your name?\n'));
      const name = (yield* reader.readline()).toString().trim();
      if (name === '') return; // left before saying who it is
      member = new Member(name, writer);
      member.sender = createTask(member.send(), { name: `chat sender ${name}` });
      const others = this.names();
      this.members.add(member);
      member.offer(`Welcome, ${name}! ${others.length === 0 ? 'Nobody else is here.' : `Here: ${others.join(', ')}.`}\n`);
      this.broadcast(`* ${name} joined\n`, member);
      for (;;) {
        const line = yield* reader.readline();
        if (line.length === 0) break; // EOF: the client left
        const text = line.toString().trimEnd();
        if (text !== '') this.broadcast(`${name}: ${text}\n`, member);
      }
    } catch (error) {
      // A connection reset or an over-long line ends this client only.
      if (error instanceof CancelledError) throw error;
    } finally {
      yield* this.leave(member, writer);
    }
  }

  /** @coroutine Cleans up after a client: out of the room, its sender stopped, its connection closed. */
  private *leave(member: Member | null, writer: StreamWriter): Coroutine<void> {
    if (member !== null) {
      this.members.delete(member);
      // Not waited for: a sender blocked on a client that stopped reading would hold us here.
      member.outbox.shutdown(true);
      member.sender?.cancel();
      this.broadcast(`* ${member.name} left\n`, null);
    }
    writer.close();
    try {
      yield* writer.waitClosed();
    } catch {
      // Reset by the client: it is closed all the same.
    }
  }
}

/** @coroutine A chat room served on `host`:`port` (0: any free port). */
export function* startChatServer(host: string = HOST, port = 0): Coroutine<{ server: Server; room: ChatRoom }> {
  const room = new ChatRoom();
  const server = yield* startServer(room.handler, host, port);
  return { server, room };
}

/**
 * @coroutine Serves until cancelled (Ctrl-C), then closes the server and its clients and waits for
 * them. Not serveForever(): cancelled, it closes the server and then waits for every client to leave
 * on its own (asyncio 3.12 does the same), which chat clients never do.
 */
export function* serveUntilCancelled(server: Server): Coroutine<void> {
  try {
    yield* new Event().wait(); // nothing sets it: only cancellation ends the wait
  } finally {
    server.close();
    server.closeClients(); // asyncio 3.13's close_clients()
    yield* server.waitClosed();
  }
}

/** @coroutine `asyncio.run(main())`: serves until cancelled. */
export function* main(port: number): Coroutine<void> {
  const { server } = yield* startChatServer(HOST, port);
  const address = server.sockets[0];
  console.log(`Serving chat on ${address?.address}:${address?.port} (Ctrl-C stops)`);
  yield* serveUntilCancelled(server);
}

// Run as a program (node dist/examples/chat-server.js), not when a test imports it.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await run(main(Number(process.argv[2] ?? 0)));
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
    process.exitCode = 130; // ended by SIGINT
  }
}
