/**
 * Serves a generated site over node:http on 127.0.0.1, with start and stop as coroutines: the
 * server's callbacks complete tsyncio Futures, which is how Node I/O enters the loop.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Future, type Coroutine } from '../../runtime/index.js';
import { renderPage, type PageBehaviour, type SiteMap } from './site.js';

/** @coroutine Starts serving `site` on an ephemeral port of 127.0.0.1 and returns once it listens. */
export function* startSiteServer(site: SiteMap): Coroutine<SiteServer> {
  const server = new SiteServer(site);
  yield* server.listen();
  return server;
}

// A class rather than closures over the coroutine's locals: the transformer compiles coroutines
// whose frame variables no nested `function` reaches, and methods reach their state through `this`.
export class SiteServer {
  /** Requests received so far, by path (with query). */
  readonly requestLog: string[] = [];
  /**
   * Requests the client gave up on (aborted) before they were answered, while the server was still
   * open: the evidence that a client-side timeout or cancellation really closes the request.
   */
  readonly abortedByClient: string[] = [];
  private readonly server: Server;
  private readonly connections = new Set<Socket>();
  // Delayed answers not sent yet: cleared on close, so no timer keeps the process alive.
  private readonly pendingAnswers = new Set<NodeJS.Timeout>();
  private state: 'new' | 'listening' | 'closing' | 'closed' = 'new';

  constructor(private readonly site: SiteMap) {
    this.server = createServer((request, response) => {
      const target = request.url ?? '/';
      this.requestLog.push(target);
      response.on('close', () => {
        if (!response.writableEnded && this.state === 'listening') this.abortedByClient.push(target);
      });
      this.answer(target, response);
    });
    this.server.on('connection', (socket) => {
      this.connections.add(socket);
      socket.on('close', () => this.connections.delete(socket));
    });
  }

  /** `http://127.0.0.1:<port>`, once listening (and still after closing, for reports). */
  origin = '';

  /** True until `close()` has finished. */
  isListening(): boolean {
    return this.state === 'listening' || this.state === 'closing';
  }

  /** Sockets still open on the server side. */
  openConnections(): number {
    return this.connections.size;
  }

  /** @coroutine Binds an ephemeral port of 127.0.0.1 (only there: the site is for this process alone). */
  *listen(): Coroutine<void> {
    const listening = new Future<void>();
    const onError = (error: Error): void => {
      if (!listening.done()) listening.setException(error);
    };
    this.server.once('error', onError);
    this.server.listen(0, '127.0.0.1', () => {
      if (!listening.done()) listening.setResult(undefined);
    });
    try {
      yield* listening;
      this.state = 'listening';
      this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    } catch (error) {
      // Cancelled (or failed) while binding: do not leave a half-open server behind.
      this.server.close();
      throw error;
    } finally {
      this.server.removeListener('error', onError);
    }
  }

  /** @coroutine Stops accepting, drops the connections still open (the hanging page's included), waits until the server is closed. */
  *close(): Coroutine<void> {
    if (this.state !== 'listening') return;
    this.state = 'closing';
    for (const timer of this.pendingAnswers) clearTimeout(timer);
    this.pendingAnswers.clear();
    const stopped = new Future<void>();
    this.server.close((error) => {
      if (stopped.done()) return;
      if (error !== undefined) stopped.setException(error);
      else stopped.setResult(undefined);
    });
    // close() only waits for connections to end; a request left hanging would keep it waiting.
    this.server.closeAllConnections();
    yield* stopped;
    this.state = 'closed';
  }

  private answer(target: string, response: ServerResponse): void {
    const path = new URL(target, 'http://site.invalid').pathname;
    const page: PageBehaviour | undefined = this.site.get(path);
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
          this.pendingAnswers.delete(timer);
          send();
        }, page.delayMs);
        this.pendingAnswers.add(timer);
        // The client gave up (its timeout aborted the request): nothing left to answer.
        response.on('close', () => {
          if (response.writableEnded) return;
          clearTimeout(timer);
          this.pendingAnswers.delete(timer);
        });
        return;
      }
    }
  }
}
