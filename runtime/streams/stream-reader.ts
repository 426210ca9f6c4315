import type { Coroutine } from '../coroutine.js';
import { RuntimeError, ValueError } from '../errors.js';
import type { Future } from '../future.js';
import { getRunningLoop } from '../running.js';
import { ByteBuffer } from './byte-buffer.js';
import { IncompleteReadError, LimitOverrunError } from './errors.js';

/** The default buffer limit of a StreamReader: 64 KiB, as asyncio's. */
export const DEFAULT_LIMIT = 64 * 1024;

/** What a StreamReader needs from the connection feeding it: flow control (asyncio's ReadTransport). */
export interface ReadTransport {
  pauseReading(): void;
  resumeReading(): void;
}

const NEWLINE = Buffer.from('\n');
const NO_BYTES = Buffer.alloc(0);

/**
 * asyncio.StreamReader: bytes from a connection, read by one coroutine at a time.
 *
 *     const line = yield* reader.readline();
 *     const header = yield* reader.readexactly(4);
 *
 * Data arrives through `feedData`/`feedEof` (the connection does that; a test may too). Every read
 * returns a new `Buffer` the caller owns. The `limit` bounds what `readline`/`readuntil` may return,
 * and the buffer: above 2 × limit buffered bytes the connection is paused (the peer then blocks in its
 * `drain()`), and it resumes once reads bring the buffer back to `limit` or less, or when a read has
 * to wait for more (a `readexactly(n)` with n > limit would otherwise never finish).
 */
export class StreamReader {
  readonly limit: number;
  private readonly buffer = new ByteBuffer();
  private eof = false;
  private waiter: Future<void> | null = null;
  private error: unknown = null;
  private transport: ReadTransport | null = null;
  private paused = false;

  constructor(limit = DEFAULT_LIMIT) {
    if (!(limit > 0)) throw new ValueError('Limit cannot be <= 0');
    this.limit = limit;
  }

  /** The number of bytes received and not yet read. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** True while the connection is paused because the buffer is over 2 × limit. */
  isPaused(): boolean {
    return this.paused;
  }

  /** The error the connection failed with (every read throws it from now on), or null. */
  exception(): unknown {
    return this.error;
  }

  /** Fails the stream: the waiting read (if any) and every later read throw `error`. */
  setException(error: unknown): void {
    this.error = error;
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      if (!waiter.done()) waiter.setException(error);
    }
  }

  /** Attaches the connection whose reading is paused and resumed for flow control (once). */
  setTransport(transport: ReadTransport): void {
    if (this.transport !== null) throw new RuntimeError('Transport already set');
    this.transport = transport;
  }

  /** Appends received bytes (copied) and wakes the waiting read; pauses the connection above 2 × limit. */
  feedData(data: Uint8Array): void {
    if (this.eof) throw new RuntimeError('feedData after feedEof');
    if (data.length === 0) return;
    this.buffer.append(data);
    this.wakeUpWaiter();
    if (this.transport !== null && !this.paused && this.buffer.length > 2 * this.limit) {
      this.paused = true;
      this.transport.pauseReading();
    }
  }

  /** Marks the end of the stream: reads return what is left, then empty / IncompleteReadError. */
  feedEof(): void {
    this.eof = true;
    this.wakeUpWaiter();
  }

  /** True once the end of the stream was fed and every byte has been read. */
  atEof(): boolean {
    return this.eof && this.buffer.length === 0;
  }

  /**
   * Reads up to `n` bytes: as soon as at least one byte is there (empty at end of stream). With
   * `n < 0` (the default), reads until the end of the stream. `n = 0` gives an empty Buffer at once.
   */
  *read(n = -1): Coroutine<Buffer> {
    if (this.error !== null) throw this.error;
    if (n === 0) return NO_BYTES;
    if (n < 0) {
      // In slices of `limit` so that the buffer, and its flow control, keep working meanwhile.
      const blocks: Buffer[] = [];
      for (;;) {
        const block = yield* this.read(this.limit);
        if (block.length === 0) break;
        blocks.push(block);
      }
      return blocks.length === 1 ? (blocks[0] as Buffer) : Buffer.concat(blocks);
    }
    if (this.buffer.length === 0 && !this.eof) yield* this.waitForData('read');
    const data = this.buffer.take(n);
    this.maybeResumeTransport();
    return data;
  }

  /**
   * Reads one line, its '\n' included. At the end of the stream, gives the incomplete last line (or
   * an empty Buffer). A line longer than `limit` throws ValueError, and is dropped from the buffer:
   * up to its '\n' if that was received, else everything buffered.
   */
  *readline(): Coroutine<Buffer> {
    try {
      return yield* this.readuntil(NEWLINE);
    } catch (error) {
      if (error instanceof IncompleteReadError) return error.partial;
      if (error instanceof LimitOverrunError) {
        if (this.buffer.startsWith(NEWLINE, error.consumed)) this.buffer.skip(error.consumed + NEWLINE.length);
        else this.buffer.clear();
        this.maybeResumeTransport();
        throw new ValueError(error.message);
      }
      throw error;
    }
  }

  /**
   * Reads until `separator` (kept at the end of the result). With several separators, the match
   * that ends first wins (Python 3.13). LimitOverrunError if no separator is found within `limit`
   * bytes, or one is found after them; the data stays buffered. IncompleteReadError (with every
   * byte buffered as `partial`, and the buffer emptied) if the stream ends first.
   */
  *readuntil(separator: Uint8Array | readonly Uint8Array[] = NEWLINE): Coroutine<Buffer> {
    const separators = separator instanceof Uint8Array ? [separator] : [...separator].sort((a, b) => a.length - b.length);
    if (separators.length === 0) throw new ValueError('Separator should contain at least one element');
    const shortest = (separators[0] as Uint8Array).length;
    const longest = (separators[separators.length - 1] as Uint8Array).length;
    if (shortest === 0) throw new ValueError('Separator should be at least one-byte string');
    if (this.error !== null) throw this.error;

    // Bytes before `offset` are known to start no separator: each new search begins there.
    let offset = 0;
    let matchStart = -1;
    let matchEnd = -1;
    for (;;) {
      const length = this.buffer.length;
      if (length - offset >= shortest) {
        for (const candidate of separators) {
          const found = this.buffer.indexOf(candidate, offset);
          if (found !== -1 && (matchEnd === -1 || found + candidate.length < matchEnd)) {
            matchStart = found;
            matchEnd = found + candidate.length;
          }
        }
        if (matchEnd !== -1) break;
        // The last (longest - 1) bytes may be the beginning of a separator still arriving.
        offset = Math.max(0, length + 1 - longest);
        if (offset > this.limit) throw new LimitOverrunError('Separator is not found, and chunk exceed the limit', offset);
      }
      // Checked after the search: the chunk that came with the end may have completed the separator.
      if (this.eof) {
        const partial = this.buffer.take(this.buffer.length);
        throw new IncompleteReadError(partial, null);
      }
      yield* this.waitForData('readuntil');
    }
    if (matchStart > this.limit) throw new LimitOverrunError('Separator is found, but chunk is longer than limit', matchStart);
    const chunk = this.buffer.take(matchEnd);
    this.maybeResumeTransport();
    return chunk;
  }

  /**
   * Reads exactly `n` bytes (not bounded by `limit`). IncompleteReadError, with the bytes that did
   * arrive as `partial` (the buffer emptied), if the stream ends first.
   */
  *readexactly(n: number): Coroutine<Buffer> {
    if (n < 0) throw new ValueError('readexactly size can not be less than zero');
    if (this.error !== null) throw this.error;
    if (n === 0) return NO_BYTES;
    while (this.buffer.length < n) {
      if (this.eof) {
        const partial = this.buffer.take(this.buffer.length);
        throw new IncompleteReadError(partial, n);
      }
      yield* this.waitForData('readexactly');
    }
    const data = this.buffer.take(n);
    this.maybeResumeTransport();
    return data;
  }

  toString(): string {
    const details = ['StreamReader'];
    if (this.buffer.length > 0) details.push(`${this.buffer.length} bytes`);
    if (this.eof) details.push('eof');
    if (this.limit !== DEFAULT_LIMIT) details.push(`limit=${this.limit}`);
    if (this.waiter !== null) details.push('waiting');
    if (this.error !== null) details.push(`exception=${String(this.error)}`);
    if (this.paused) details.push('paused');
    return `<${details.join(' ')}>`;
  }

  /**
   * Waits until `feedData`, `feedEof` or `setException`. One waiting read at a time: a second one
   * could not know which bytes are its own. Cancelling the read cancels the waiter and forgets it;
   * the bytes that arrive later stay buffered for the next read.
   */
  private *waitForData(functionName: string): Coroutine<void> {
    if (this.waiter !== null) {
      throw new RuntimeError(`${functionName}() called while another coroutine is already waiting for incoming data`);
    }
    if (this.eof) throw new RuntimeError(`${functionName}() waited for data after the end of the stream`);
    // Not in asyncio, which can hang here: bytes woke the read, then the connection failed before
    // the read ran again (Node delivers 'data', 'error' and 'close' in one turn of its loop).
    if (this.error !== null) throw this.error;
    // Waiting while paused would wait forever (a readexactly beyond the limit): resume.
    if (this.paused) {
      this.paused = false;
      this.transport?.resumeReading();
    }
    const waiter = getRunningLoop().createFuture<void>();
    this.waiter = waiter;
    try {
      yield* waiter;
    } finally {
      if (this.waiter === waiter) this.waiter = null;
    }
  }

  private wakeUpWaiter(): void {
    const waiter = this.waiter;
    if (waiter === null) return;
    this.waiter = null;
    if (!waiter.done()) waiter.setResult(undefined);
  }

  private maybeResumeTransport(): void {
    if (this.paused && this.buffer.length <= this.limit) {
      this.paused = false;
      this.transport?.resumeReading();
    }
  }
}
