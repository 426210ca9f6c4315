import { afterEach, describe, expect, it } from 'vitest';
import { serveUntilCancelled, startChatServer, type ChatRoom } from '../../examples/chat-server.js';
import type { Coroutine } from '../../runtime/coroutine.js';
import { createTask } from '../../runtime/run.js';
import { sleep } from '../../runtime/sleep.js';
import { openConnection } from '../../runtime/streams/open-connection.js';
import type { Server } from '../../runtime/streams/server.js';
import type { StreamReader } from '../../runtime/streams/stream-reader.js';
import type { StreamWriter } from '../../runtime/streams/stream-writer.js';
import { LOOPBACK, bytes, expectNoOpenSockets, portOf, runCollecting } from '../streams/helpers.js';

afterEach(expectNoOpenSockets);

/** A test client of the chat server. */
class ChatClient {
  constructor(
    readonly reader: StreamReader,
    readonly writer: StreamWriter,
  ) {}

  /** @coroutine Connects and gives its name; returns the client and the welcome line. */
  static *join(port: number, name: string): Coroutine<[ChatClient, string]> {
    const [reader, writer] = yield* openConnection(LOOPBACK, port);
    const client = new ChatClient(reader, writer);
    expect(yield* client.line()).toBe('Your name?');
    yield* client.say(name);
    return [client, yield* client.line()];
  }

  *say(text: string): Coroutine<void> {
    this.writer.write(bytes(`${text}\n`));
    yield* this.writer.drain();
  }

  *line(): Coroutine<string> {
    return (yield* this.reader.readline()).toString().trimEnd();
  }

  *leave(): Coroutine<void> {
    this.writer.close();
    yield* this.writer.waitClosed();
  }
}

/** @coroutine Runs `body` with a chat server, closed (with its clients) afterwards. */
function* withChat<T>(body: (server: Server, room: ChatRoom, port: number) => Coroutine<T>): Coroutine<T> {
  const { server, room } = yield* startChatServer();
  try {
    return yield* body(server, room, portOf(server));
  } finally {
    server.close();
    server.closeClients();
    yield* server.waitClosed();
  }
}

/** @coroutine Waits (bounded) until the room has exactly `names`. */
function* roomHas(room: ChatRoom, names: string[]): Coroutine<string[]> {
  for (let polls = 0; polls < 200 && room.names().join() !== names.join(); polls++) yield* sleep(5);
  return room.names();
}

describe('examples/chat-server', () => {
  it('broadcasts lines between two clients, never back to the sender; joins are announced', async () => {
    const { value, reports } = await runCollecting(() =>
      withChat(function* (_server, room, port) {
        const [alice, aliceWelcome] = yield* ChatClient.join(port, 'alice');
        const [bob, bobWelcome] = yield* ChatClient.join(port, 'bob');
        const aliceSawJoin = yield* alice.line();
        yield* alice.say('hi bob');
        const bobHeard = yield* bob.line();
        yield* bob.say('hello alice');
        yield* bob.say('how are you?');
        const aliceHeard = [yield* alice.line(), yield* alice.line()];
        const names = room.names();
        yield* alice.leave();
        const bobSawLeave = yield* bob.line();
        yield* bob.leave();
        return { aliceWelcome, bobWelcome, aliceSawJoin, bobHeard, aliceHeard, names, bobSawLeave };
      }),
    );
    expect(value).toEqual({
      aliceWelcome: 'Welcome, alice! Nobody else is here.',
      bobWelcome: 'Welcome, bob! Here: alice.',
      aliceSawJoin: '* bob joined',
      bobHeard: 'alice: hi bob',
      aliceHeard: ['bob: hello alice', 'bob: how are you?'],
      names: ['alice', 'bob'],
      bobSawLeave: '* alice left',
    });
    expect(reports).toEqual([]);
  });

  it('a client that disconnects abruptly is cleaned up: out of the room, announced, its connection closed', async () => {
    const { value } = await runCollecting(() =>
      withChat(function* (server, room, port) {
        const [carol] = yield* ChatClient.join(port, 'carol');
        const [dave] = yield* ChatClient.join(port, 'dave');
        yield* carol.line(); // * dave joined
        dave.writer.abort(); // gone without a goodbye (a reset)
        const carolSaw = yield* carol.line();
        const left = yield* roomHas(room, ['carol']);
        // The room still works for who is left, and a newcomer sees the right company.
        const [erin, erinWelcome] = yield* ChatClient.join(port, 'erin');
        yield* carol.line(); // * erin joined
        yield* erin.say('anyone?');
        const carolHeard = yield* carol.line();
        yield* erin.leave();
        yield* carol.leave();
        const empty = yield* roomHas(room, []);
        return { carolSaw, left, erinWelcome, carolHeard, empty, serving: server.isServing() };
      }),
    );
    expect(value).toEqual({
      carolSaw: '* dave left',
      left: ['carol'],
      erinWelcome: 'Welcome, erin! Here: carol.',
      carolHeard: 'erin: anyone?',
      empty: [],
      serving: true,
    });
  });

  it('main-style serving: cancelling serveUntilCancelled closes the server and the clients still connected', async () => {
    const { value } = await runCollecting(function* () {
      const { server, room } = yield* startChatServer();
      const serving = createTask(serveUntilCancelled(server));
      const [frank] = yield* ChatClient.join(portOf(server), 'frank');
      serving.cancel(); // what Ctrl-C does to main
      let cancelled = false;
      try {
        yield* serving;
      } catch {
        cancelled = serving.cancelled();
      }
      // The server closed frank's connection: his reader reaches the end.
      const rest = yield* frank.reader.read();
      yield* frank.leave();
      return { cancelled, serving: server.isServing(), rest: rest.length, names: room.names() };
    });
    expect(value).toEqual({ cancelled: true, serving: false, rest: 0, names: [] });
  });
});
