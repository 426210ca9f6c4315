/**
 * HTTP GET as a tsyncio Future (asyncio's wrap_future idea): node:http completes the Future, and
 * cancelling the Future — which is what `waitFor` does to whatever it waits on when the time is up —
 * aborts the request, so a timed-out fetch leaves no socket behind.
 */
import { Agent, get, type ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { Future, type Coroutine } from '../../runtime/index.js';

export interface HttpResponse {
  status: number;
  statusText: string;
  contentType: string;
  body: string;
}

export class HttpClient {
  // Our own agent rather than Node's global one, so that closing the client closes every socket it
  // opened, kept-alive ones included, and nothing outlives the crawl.
  private readonly agent = new Agent({ keepAlive: true });
  private readonly inFlight = new Set<ClientRequest>();
  private readonly openSockets = new Set<Socket>();
  private socketsClosed: Future<void> | null = null;
  private closed = false;

  /** Sockets opened by this client and not closed yet. */
  get openSocketCount(): number {
    return this.openSockets.size;
  }

  /** GETs `url`. The Future resolves once the whole body has arrived; cancel it to abort. */
  get(url: string): Future<HttpResponse> {
    const future = new Future<HttpResponse>();
    if (this.closed) {
      future.setException(new Error('HttpClient is closed'));
      return future;
    }
    const request = get(url, { agent: this.agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        if (future.done()) return;
        future.setResult({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? '',
          contentType: response.headers['content-type'] ?? '',
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      response.on('close', () => {
        if (!future.done() && !response.complete) future.setException(new Error('connection closed before the response was complete'));
      });
    });
    this.inFlight.add(request);
    request.on('socket', (socket) => this.track(socket));
    request.on('close', () => this.inFlight.delete(request));
    // Also the abort error that destroy() below causes: by then the Future is already cancelled.
    request.on('error', (error) => {
      if (!future.done()) future.setException(error);
    });
    future.addDoneCallback((done) => {
      if (done.cancelled()) request.destroy();
    });
    return future;
  }

  /** @coroutine Aborts what is still in flight, closes every socket and returns once they are all closed. */
  *close(): Coroutine<void> {
    this.closed = true;
    for (const request of this.inFlight) request.destroy();
    this.agent.destroy();
    if (this.openSockets.size === 0) return;
    this.socketsClosed ??= new Future<void>();
    yield* this.socketsClosed;
  }

  private track(socket: Socket): void {
    // A kept-alive socket is handed to several requests; listen to it once.
    if (this.openSockets.has(socket)) return;
    this.openSockets.add(socket);
    socket.once('close', () => {
      this.openSockets.delete(socket);
      if (this.openSockets.size === 0 && this.socketsClosed !== null && !this.socketsClosed.done()) this.socketsClosed.setResult(undefined);
    });
  }
}
