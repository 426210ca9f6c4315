/**
 * Serves a generated site over node:http on 127.0.0.1, with start and stop as coroutines: the
 * server's callbacks complete tsyncio Futures, which is how Node I/O enters the loop.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Future, type Coroutine } from '../../runtime/index.js';
import { renderPage, type SiteMap } from './site.js';

export interface SiteServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Requests received so far, by path (with query). */
  readonly requestLog: readonly string[];
  /**
   * Requests the client gave up on (aborted) before they were answered, while the server was still
   * open: the evidence that a client-side timeout or cancellation really closes the request.
   */
  readonly abortedByClient: readonly string[];
  /** True until `close()` has finished. */
  isListening(): boolean;
  /** Sockets still open on the server side. */
  openConnections(): number;
  /** Stops accepting, drops the connections still open (the hanging page's included), waits until the server is closed. */
  close(): Coroutine<void>;
}

/** @coroutine Starts serving `site` on an ephemeral port of 127.0.0.1 and returns once it listens. */
export function* startSiteServer(site: SiteMap): Coroutine<SiteServer> {
  const requestLog: string[] = [];
  const abortedByClient: string[] = [];
  let closing = false;
  // Delayed answers not sent yet: cleared on close, so no timer keeps the process alive.
  const pendingAnswers = new Set<NodeJS.Timeout>();
  const connections = new Set<Socket>();

  const server = createServer((request, response) => {
    const target = request.url ?? '/';
    requestLog.push(target);
    response.on('close', () => {
      if (!response.writableEnded && !closing) abortedByClient.push(target);
    });
    answer(site, target, response, pendingAnswers);
  });
  server.on('connection', (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });

  const listening = new Future<void>();
  server.once('error', (error) => {
    if (!listening.done()) listening.setException(error);
  });
  server.listen(0, '127.0.0.1', () => {
    if (!listening.done()) listening.setResult(undefined);
  });
  try {
    yield* listening;
  } catch (error) {
    // Cancelled (or failed) while binding: do not leave a half-open server behind.
    server.close();
    throw error;
  }

  const { port } = server.address() as AddressInfo;
  let closed = false;
  return {
    origin: `http://127.0.0.1:${port}`,
    requestLog,
    abortedByClient,
    isListening: () => !closed,
    openConnections: () => connections.size,
    /** @coroutine */
    *close(): Coroutine<void> {
      if (closed) return;
      closing = true;
      for (const timer of pendingAnswers) clearTimeout(timer);
      pendingAnswers.clear();
      const stopped = new Future<void>();
      server.close((error) => {
        if (stopped.done()) return;
        if (error !== undefined) stopped.setException(error);
        else stopped.setResult(undefined);
      });
      // close() only waits for connections to end; a request left hanging would keep it waiting.
      server.closeAllConnections();
      yield* stopped;
      closed = true;
    },
  };
}

function answer(
  site: SiteMap,
  target: string,
  response: ServerResponse,
  pendingAnswers: Set<NodeJS.Timeout>,
): void {
  const path = new URL(target, 'http://site.invalid').pathname;
  const page = site.get(path);
  if (page === undefined) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  switch (page.kind) {
    case 'hang':
      return;
    case 'error':
      response.writeHead(page.status, { 'content-type': 'text/plain' }).end('the search index is down\n');
      return;
    case 'html': {
      const send = (): void => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(renderPage(page.title, page.links));
      };
      if (page.delayMs <= 0) {
        send();
        return;
      }
      const timer = setTimeout(() => {
        pendingAnswers.delete(timer);
        send();
      }, page.delayMs);
      pendingAnswers.add(timer);
      // The client gave up (its timeout aborted the request): nothing left to answer. (The
      // response's 'close', not the request's, which fires as soon as the request is read.)
      response.on('close', () => {
        if (response.writableEnded) return;
        clearTimeout(timer);
        pendingAnswers.delete(timer);
      });
      return;
    }
  }
}
