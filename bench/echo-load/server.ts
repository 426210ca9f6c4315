/**
 * One server of the echo load test, in a child process of its own (bench/echo-load.ts starts it with
 * `--expose-gc`): `node dist/bench/echo-load/server.js <kind>`, kinds in ./protocol.ts.
 *
 * - uncompiled / compiled: examples/echo-server.ts's own `startEchoServer` (its `handleEcho` per
 *   connection), from dist/examples (plain tsc: native generators) or dist/examples-compiled (the
 *   tspc build of `npm start`: frames), each on the runtime copy that build imports. It reports
 *   whether `handleEcho` really makes a frame, so that a stale build cannot pass for the other one.
 * - node: the same handler written the idiomatic Node way, async/await over a `net` socket.
 *
 * It listens on 127.0.0.1 (an ephemeral port), reports the port, answers `sample` with its CPU time
 * and, after a full GC, process.memoryUsage(), and on `stop` closes the server and its clients.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type * as EchoExample from '../../examples/echo-server.js';
import type * as Runtime from '../../runtime/index.js';
import { isServerKind, type ServerCommand, type ServerReply, type ServerSample } from './protocol.js';

const HOST = '127.0.0.1';

function reply(message: ServerReply): void {
  process.send?.(message);
}

function sample(): ServerSample {
  const { user, system } = process.cpuUsage();
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { cpuUs: user + system, rss, heapUsed, maxRss: process.resourceUsage().maxRSS * 1024 };
}

/** What a server does on `stop`; resolves once it is closed. */
type Stop = () => Promise<void>;

// ---------------------------------------------------------------------------------------------------
// The tsyncio example, compiled or not.

async function serveExample(compiled: boolean, onStop: (stop: Stop) => void): Promise<void> {
  const dist = new URL('../../', import.meta.url);
  const build = compiled ? new URL('examples-compiled/', dist) : dist;
  // The runtime the example imports itself (for the compiled build, the copy its emitted 'tsyncio'
  // import resolves to: scripts/build-examples.mjs checks that), so that Event and run are its own.
  const runtime = (await import(new URL('runtime/index.js', build).href)) as typeof Runtime;
  const example = (await import(new URL('examples/echo-server.js', build).href)) as typeof EchoExample;
  const makesFrames = runtime.isFrame(example.handleEcho(undefined as never, undefined as never));

  const stopRequested = new runtime.Event();
  function* serve(): Runtime.Coroutine<void> {
    const server = yield* example.startEchoServer(HOST, 0);
    const address = server.sockets[0];
    if (address === undefined) throw new Error('the echo server listens on no address');
    reply({ type: 'listening', port: address.port, compiled: makesFrames });
    try {
      yield* stopRequested.wait();
    } finally {
      server.close();
      server.closeClients();
      yield* server.waitClosed();
    }
  }
  let stopped: (() => void) | undefined;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  onStop(() => {
    stopRequested.set(); // from outside the loop: setting it wakes the loop
    return done;
  });
  try {
    await runtime.run(serve(), { handleSigint: false });
  } finally {
    stopped?.();
  }
}

// ---------------------------------------------------------------------------------------------------
// The plain Node server: handleEcho with async/await.

/** Echoes line by line until EOF, then ends the connection: examples/echo-server.ts's handleEcho, the Node way. */
async function handleEcho(socket: Socket, corruptEvery = 0): Promise<void> {
  let pending: Buffer = Buffer.alloc(0);
  let lines = 0;
  try {
    for await (const chunk of socket as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let start = 0;
      for (let end = pending.indexOf(10, start); end !== -1; end = pending.indexOf(10, start)) {
        let line = pending.subarray(start, end + 1);
        if (corruptEvery > 0 && ++lines % corruptEvery === 0) {
          line = Buffer.from(line);
          line[0] = (line[0] as number) ^ 1;
        }
        if (!socket.write(line)) await once(socket, 'drain');
        start = end + 1;
      }
      pending = pending.subarray(start);
    }
    if (pending.length > 0) socket.write(pending); // a last line with no newline, as readline() returns it at EOF
  } catch {
    // A client that reset the connection: nothing left to say to it.
  } finally {
    socket.end();
  }
}

async function serveNode(corruptEvery: number, onStop: (stop: Stop) => void): Promise<void> {
  const clients = new Set<Socket>();
  const server = createServer((socket) => {
    clients.add(socket);
    socket.once('close', () => clients.delete(socket));
    void handleEcho(socket, corruptEvery);
  });
  server.listen(0, HOST);
  await once(server, 'listening');
  reply({ type: 'listening', port: (server.address() as AddressInfo).port, compiled: false });
  onStop(async () => {
    const closed = once(server, 'close');
    server.close();
    for (const socket of clients) socket.destroy();
    await closed;
  });
}

// ---------------------------------------------------------------------------------------------------

let stop: Stop | undefined;
process.on('message', (command: ServerCommand) => {
  if (command.type === 'sample') {
    reply({ type: 'sample', sample: sample() });
  } else if (stop !== undefined) {
    stop().then(
      () => {
        reply({ type: 'stopped' });
        process.disconnect();
      },
      (error: unknown) => reply({ type: 'failed', error: String(error) }),
    );
  }
});
// The orchestrator is gone (ended, or killed): so are we.
process.on('disconnect', () => process.exit(0));

const kind = process.argv[2] ?? '';
try {
  if (!isServerKind(kind)) throw new Error(`unknown server kind ${JSON.stringify(kind)}`);
  const onStop = (s: Stop): void => {
    stop = s;
  };
  if (kind === 'uncompiled' || kind === 'compiled') await serveExample(kind === 'compiled', onStop);
  else await serveNode(kind === 'broken' ? 7 : 0, onStop);
} catch (error) {
  reply({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
}
