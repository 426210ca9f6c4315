/**
 * The echo load test's load generator, a child process of bench/echo-load.ts (so that the client's
 * CPU is not the server's): plain callback `node:net`, as cheap per round trip as Node allows.
 *
 * A run opens all its connections first, then each sends `pipeline` lines in one write, waits for
 * their echo, checks it byte for byte against what it sent, and sends the next batch, `roundTrips`
 * times; the connections stay open
 * until the orchestrator has read the server's memory, then `close` ends them and waits until the
 * server has closed its side too. Every line differs (connection and request number in it), so an
 * echo of the wrong line, a short or a long one fails the run, as do an early EOF, a socket error or
 * the time limit.
 */
import { connect, type Socket } from 'node:net';
import type { ClientCommand, ClientReply, LoadSpec, LoadStats } from './protocol.js';

const HOST = '127.0.0.1';
const COUNTER_DIGITS = 9;

function reply(message: ClientReply): void {
  process.send?.(message);
}

/**
 * One connection's batch of `pipeline` lines, rewritten in place for every round trip: line j of
 * round trip r is `c<conn> r<r × pipeline + j> <filler>\n`, `lineBytes` long.
 */
class Batch {
  readonly bytes: Buffer;
  private readonly counterAt: number;
  private readonly lineBytes: number;
  private readonly pipeline: number;

  constructor(connection: number, lineBytes: number, pipeline: number) {
    const head = `c${connection} r`;
    this.counterAt = head.length;
    this.lineBytes = lineBytes;
    this.pipeline = pipeline;
    const fixed = head.length + COUNTER_DIGITS + 2; // the counter, a space, the newline
    if (lineBytes < fixed) throw new Error(`lines of ${lineBytes} bytes are too short (at least ${fixed} here)`);
    let filler = '';
    for (let i = 0; i < lineBytes - fixed; i++) filler += String.fromCharCode(97 + ((connection + i) % 26));
    this.bytes = Buffer.from(`${head}${'0'.repeat(COUNTER_DIGITS)} ${filler}\n`.repeat(pipeline), 'latin1');
  }

  /** Numbers the lines of round trip `roundTrip` (before it is sent; the previous one was echoed already). */
  number(roundTrip: number): void {
    for (let j = 0; j < this.pipeline; j++) {
      this.bytes.write(String(roundTrip * this.pipeline + j).padStart(COUNTER_DIGITS, '0'), j * this.lineBytes + this.counterAt, 'latin1');
    }
  }
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] as number;
}

let open: Socket[] = [];

function destroyAll(): void {
  for (const socket of open) socket.destroy();
  open = [];
}

function connectAll(spec: LoadSpec): Promise<Socket[]> {
  const sockets: Socket[] = [];
  const pending: Promise<void>[] = [];
  for (let i = 0; i < spec.connections; i++) {
    const socket = connect({ host: HOST, port: spec.port });
    sockets.push(socket);
    pending.push(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      }),
    );
  }
  open = sockets;
  return Promise.all(pending).then(() => sockets);
}

async function runLoad(spec: LoadSpec): Promise<LoadStats> {
  let sockets: Socket[];
  try {
    sockets = await connectAll(spec);
  } catch (error) {
    destroyAll();
    throw error;
  }
  const latencies = new Float64Array(spec.connections * spec.roundTrips);
  const batchBytes = spec.lineBytes * spec.pipeline;
  let completed = 0;
  let bytes = 0;
  let finishedConnections = 0;
  return new Promise<LoadStats>((resolve, reject) => {
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      destroyAll();
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`time limit: ${completed} of ${latencies.length} round trips done in ${spec.timeLimitMs} ms`), spec.timeLimitMs);
    const started = performance.now();

    sockets.forEach((socket, connection) => {
      const batch = new Batch(connection, spec.lineBytes, spec.pipeline);
      let request = 0;
      let received = 0;
      let sentAt = 0;
      const send = (): void => {
        batch.number(request);
        sentAt = performance.now();
        socket.write(batch.bytes);
      };
      socket.on('data', (chunk: Buffer) => {
        if (settled) return;
        if (request >= spec.roundTrips) return fail(`connection ${connection}: ${chunk.length} bytes after its last echo`);
        if (received + chunk.length > batchBytes || batch.bytes.compare(chunk, 0, chunk.length, received, received + chunk.length) !== 0) {
          const at = Math.floor(received / spec.lineBytes) * spec.lineBytes;
          return fail(
            `connection ${connection}, round trip ${request}: the echo from byte ${received} is not what was sent: ` +
              `${JSON.stringify(chunk.toString('latin1').slice(0, 80))}, expected ${JSON.stringify(batch.bytes.toString('latin1', at, at + 80))}`,
          );
        }
        received += chunk.length;
        bytes += chunk.length;
        if (received < batchBytes) return;
        latencies[completed++] = performance.now() - sentAt;
        received = 0;
        request++;
        if (request < spec.roundTrips) return send();
        if (++finishedConnections === sockets.length) {
          settled = true;
          clearTimeout(timer);
          const elapsedMs = performance.now() - started;
          latencies.sort();
          resolve({ requests: completed * spec.pipeline, bytes, elapsedMs, p50Us: percentile(latencies, 0.5) * 1000, p99Us: percentile(latencies, 0.99) * 1000 });
        }
      });
      socket.on('end', () => {
        if (request < spec.roundTrips) fail(`connection ${connection}: EOF from the server after ${request} of ${spec.roundTrips} round trips`);
      });
      socket.on('error', (error: Error) => fail(`connection ${connection}: ${error.message}`));
      send();
    });
  });
}

/** Ends every connection and waits until each is closed (the server answers our EOF by closing). */
function closeAll(timeLimitMs: number): Promise<void> {
  const sockets = open;
  open = [];
  return new Promise<void>((resolve, reject) => {
    let remaining = sockets.length;
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      for (const socket of sockets) socket.destroy();
      reject(new Error(`${remaining} of ${sockets.length} connections still open ${timeLimitMs} ms after our EOF: the server did not close them`));
    }, timeLimitMs);
    if (remaining === 0) {
      clearTimeout(timer);
      resolve();
      return;
    }
    for (const socket of sockets) {
      socket.once('close', (hadError: boolean) => {
        if (settled) return;
        if (hadError) {
          settled = true;
          clearTimeout(timer);
          for (const other of sockets) other.destroy();
          reject(new Error('a connection closed with an error'));
        } else if (--remaining === 0) {
          settled = true;
          clearTimeout(timer);
          resolve();
        }
      });
      socket.end();
    }
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

process.on('message', (command: ClientCommand) => {
  switch (command.type) {
    case 'run':
      runLoad(command.spec).then(
        (stats) => reply({ type: 'done', ok: true, stats }),
        (error: unknown) => reply({ type: 'done', ok: false, error: messageOf(error) }),
      );
      break;
    case 'close':
      closeAll(command.timeLimitMs).then(
        () => reply({ type: 'closed', ok: true }),
        (error: unknown) => reply({ type: 'closed', ok: false, error: messageOf(error) }),
      );
      break;
    case 'exit':
      destroyAll();
      process.disconnect();
      break;
  }
});

// The orchestrator is gone (ended, or killed): so are we.
process.on('disconnect', () => {
  destroyAll();
  process.exit(0);
});
