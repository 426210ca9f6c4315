import { describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { CancelledError, RuntimeError, ValueError } from '../../runtime/errors.js';
import type { Future } from '../../runtime/future.js';
import { EventLoop } from '../../runtime/loop.js';
import { createTask } from '../../runtime/run.js';
import { sleep } from '../../runtime/sleep.js';
import { IncompleteReadError, LimitOverrunError } from '../../runtime/streams/errors.js';
import { StreamReader, type ReadTransport } from '../../runtime/streams/stream-reader.js';
import { bytes } from './helpers.js';

// StreamReader alone needs no I/O, only a loop to wait on: these run on a virtual clock, fed by a task.

function runVirtual<T>(main: () => Coroutine<T>): T {
  const loop = new EventLoop({ clock: 'virtual' });
  try {
    return loop.runUntilComplete(main());
  } finally {
    loop.close();
  }
}

/** Feeds `chunks` to `reader` one per millisecond, then the end of the stream (unless `eof` is false). */
function* feeder(reader: StreamReader, chunks: string[], eof = true): Coroutine<void> {
  for (const chunk of chunks) {
    yield* sleep(1);
    reader.feedData(bytes(chunk));
  }
  if (eof) {
    yield* sleep(1);
    reader.feedEof();
  }
}

/** `body`'s error (or its result, if it does not throw). */
function* errorOf(body: Coroutine<unknown> | Future<unknown>): Coroutine<unknown> {
  try {
    return yield* body;
  } catch (error) {
    return error;
  }
}

class RecordingTransport implements ReadTransport {
  readonly calls: string[] = [];
  pauseReading(): void {
    this.calls.push('pause');
  }
  resumeReading(): void {
    this.calls.push('resume');
  }
}

describe('StreamReader.read', () => {
  it('read(n) gives at most n bytes, as soon as one byte is there; empty at the end', () => {
    const reader = new StreamReader();
    const got = runVirtual(function* () {
      const feeding = createTask(feeder(reader, ['hello', ' world']));
      const results = [];
      for (let i = 0; i < 4; i++) results.push((yield* reader.read(i === 0 ? 3 : 100)).toString());
      yield* feeding;
      return results;
    });
    expect(got).toEqual(['hel', 'lo', ' world', '']);
    expect(reader.atEof()).toBe(true);
  });

  it('read() reads to the end of the stream; read(0) returns at once', () => {
    const reader = new StreamReader(4);
    const got = runVirtual(function* () {
      const empty = yield* reader.read(0);
      const feeding = createTask(feeder(reader, ['abc', 'defgh', 'ij']));
      const all = yield* reader.read();
      yield* feeding;
      return [empty.length, all.toString()];
    });
    expect(got).toEqual([0, 'abcdefghij']);
  });

  it('returns a copy the caller owns', () => {
    const reader = new StreamReader();
    const fed = bytes('abcdef');
    reader.feedData(fed);
    fed.fill(0);
    const chunk = runVirtual(() => reader.read(3));
    reader.feedData(bytes('XYZ'));
    expect(chunk.toString()).toBe('abc');
    expect(reader.buffered).toBe(6);
  });

  it('setException fails the waiting read and every later one, even with bytes buffered', () => {
    const reader = new StreamReader();
    const failure = new Error('connection failed');
    const got = runVirtual(function* () {
      const failing = createTask(
        (function* (): Coroutine<void> {
          yield* sleep(5);
          reader.feedData(bytes('late'));
          reader.setException(failure);
        })(),
      );
      const waiting = yield* errorOf(reader.readexactly(10));
      yield* failing;
      return [waiting, yield* errorOf(reader.read(1)), yield* errorOf(reader.readline())];
    });
    expect(got).toEqual([failure, failure, failure]);
  });

  it('two reads waiting at once: the second is a RuntimeError', () => {
    const reader = new StreamReader();
    const got = runVirtual(function* () {
      const first = createTask(reader.read(5));
      yield;
      const second = yield* errorOf(reader.read(5));
      reader.feedData(bytes('x'));
      return [second, (yield* first).toString()];
    });
    expect(got[0]).toBeInstanceOf(RuntimeError);
    expect((got[0] as Error).message).toBe('read() called while another coroutine is already waiting for incoming data');
    expect(got[1]).toBe('x');
  });

  it('a cancelled read forgets its waiter; the bytes that come later go to the next read', () => {
    const reader = new StreamReader();
    const got = runVirtual(function* () {
      const blocked = createTask(reader.readexactly(4));
      yield* sleep(1);
      reader.feedData(bytes('ab'));
      blocked.cancel();
      const outcome = yield* errorOf(blocked);
      reader.feedData(bytes('cd'));
      return [outcome, (yield* reader.readexactly(4)).toString()];
    });
    expect(got[0]).toBeInstanceOf(CancelledError);
    expect(got[1]).toBe('abcd');
  });
});

describe('StreamReader.readline / readuntil / readexactly', () => {
  it('readline keeps the newline; the last line may lack one; then empty', () => {
    const reader = new StreamReader();
    const got = runVirtual(function* () {
      const feeding = createTask(feeder(reader, ['one\ntw', 'o\nthr', 'ee']));
      const lines = [];
      for (let i = 0; i < 4; i++) lines.push((yield* reader.readline()).toString());
      yield* feeding;
      return lines;
    });
    expect(got).toEqual(['one\n', 'two\n', 'three', '']);
  });

  it('readuntil finds a separator split across chunks and keeps it', () => {
    const reader = new StreamReader();
    const got = runVirtual(function* () {
      const feeding = createTask(feeder(reader, ['head', 'er\r', '\nbody\r\n'], false));
      const first = (yield* reader.readuntil(bytes('\r\n'))).toString();
      const second = (yield* reader.readuntil(bytes('\r\n'))).toString();
      yield* feeding;
      return [first, second];
    });
    expect(got).toEqual(['header\r\n', 'body\r\n']);
  });

  it('readuntil with several separators: the match that ends first wins', () => {
    const reader = new StreamReader();
    reader.feedData(bytes('abc;;def\n'));
    const got = runVirtual(function* () {
      const first = (yield* reader.readuntil([bytes('\n'), bytes(';;')])).toString();
      const second = (yield* reader.readuntil([bytes(';;'), bytes('\n')])).toString();
      return [first, second];
    });
    expect(got).toEqual(['abc;;', 'def\n']);
  });

  it('readuntil at EOF without the separator: IncompleteReadError with every byte, expected null, buffer emptied', () => {
    const reader = new StreamReader();
    reader.feedData(bytes('partial--'));
    reader.feedEof();
    const error = runVirtual(() => errorOf(reader.readuntil(bytes('---'))));
    expect(error).toBeInstanceOf(IncompleteReadError);
    expect((error as IncompleteReadError).partial.toString()).toBe('partial--');
    expect((error as IncompleteReadError).expected).toBeNull();
    expect((error as IncompleteReadError).message).toBe('9 bytes read on a total of undefined expected bytes');
    expect(reader.atEof()).toBe(true);
  });

  it('readuntil over the limit without a separator: LimitOverrunError, consumed = what was searched, data kept', () => {
    const reader = new StreamReader(8);
    reader.feedData(bytes('0123456789ab'));
    const error = runVirtual(() => errorOf(reader.readuntil(bytes('XY'))));
    expect(error).toBeInstanceOf(LimitOverrunError);
    expect((error as LimitOverrunError).message).toBe('Separator is not found, and chunk exceed the limit');
    // Everything but the last (separator length - 1) bytes: they may begin a separator.
    expect((error as LimitOverrunError).consumed).toBe(11);
    expect(reader.buffered).toBe(12);
  });

  it('readuntil with the separator past the limit: LimitOverrunError, consumed = its index, data kept', () => {
    const reader = new StreamReader(4);
    reader.feedData(bytes('0123456\nrest'));
    const error = runVirtual(() => errorOf(reader.readuntil()));
    expect(error).toBeInstanceOf(LimitOverrunError);
    expect((error as LimitOverrunError).message).toBe('Separator is found, but chunk is longer than limit');
    expect((error as LimitOverrunError).consumed).toBe(7);
    expect(reader.buffered).toBe(12);
  });

  it('a line at the limit is fine; longer: readline throws ValueError and drops the line (or the buffer)', () => {
    const reader = new StreamReader(4);
    reader.feedData(bytes('abcd\nabcdefg\nok\nxxxxxxxxxx'));
    const got = runVirtual(function* () {
      const fits = (yield* reader.readline()).toString();
      const tooLong = yield* errorOf(reader.readline());
      const next = (yield* reader.readline()).toString();
      const noNewline = yield* errorOf(reader.readline());
      return [fits, tooLong, next, noNewline, reader.buffered];
    });
    expect(got[0]).toBe('abcd\n');
    expect(got[1]).toBeInstanceOf(ValueError);
    expect((got[1] as Error).message).toBe('Separator is found, but chunk is longer than limit');
    expect(got[2]).toBe('ok\n');
    expect(got[3]).toBeInstanceOf(ValueError);
    expect(got[4]).toBe(0);
  });

  it('readexactly waits for n bytes (beyond the limit too); at EOF: IncompleteReadError with partial and expected', () => {
    const reader = new StreamReader(2);
    const got = runVirtual(function* () {
      const feeding = createTask(feeder(reader, ['abc', 'defg', 'hi']));
      const exact = (yield* reader.readexactly(6)).toString();
      const short = yield* errorOf(reader.readexactly(5));
      yield* feeding;
      return [exact, short];
    });
    expect(got[0]).toBe('abcdef');
    const error = got[1] as IncompleteReadError;
    expect(error).toBeInstanceOf(IncompleteReadError);
    expect(error.partial.toString()).toBe('ghi');
    expect(error.expected).toBe(5);
    expect(error.message).toBe('3 bytes read on a total of 5 expected bytes');
  });

  it('argument errors: empty separator, negative readexactly, limit <= 0', () => {
    const reader = new StreamReader();
    expect(runVirtual(() => errorOf(reader.readuntil(new Uint8Array(0))))).toBeInstanceOf(ValueError);
    expect(runVirtual(() => errorOf(reader.readuntil([])))).toBeInstanceOf(ValueError);
    expect(runVirtual(() => errorOf(reader.readexactly(-1)))).toBeInstanceOf(ValueError);
    expect(() => new StreamReader(0)).toThrow(ValueError);
  });

  it('feedData after feedEof is a RuntimeError', () => {
    const reader = new StreamReader();
    reader.feedEof();
    expect(() => reader.feedData(bytes('x'))).toThrow(RuntimeError);
  });
});

describe('StreamReader flow control', () => {
  it('pauses above 2 × limit, resumes once reads bring the buffer to the limit', () => {
    const reader = new StreamReader(10);
    const transport = new RecordingTransport();
    reader.setTransport(transport);
    reader.feedData(new Uint8Array(20));
    expect(transport.calls).toEqual([]);
    reader.feedData(new Uint8Array(1));
    expect(transport.calls).toEqual(['pause']);
    expect(reader.isPaused()).toBe(true);
    reader.feedData(new Uint8Array(5));
    expect(transport.calls).toEqual(['pause']);
    runVirtual(() => reader.read(15));
    expect(transport.calls).toEqual(['pause']);
    runVirtual(() => reader.read(1));
    expect(transport.calls).toEqual(['pause', 'resume']);
    expect(reader.isPaused()).toBe(false);
  });

  it('a read that must wait while paused resumes first (readexactly beyond the limit)', () => {
    const reader = new StreamReader(2);
    const transport = new RecordingTransport();
    reader.setTransport(transport);
    const got = runVirtual(function* () {
      reader.feedData(bytes('abcde'));
      expect(transport.calls).toEqual(['pause']);
      const feeding = createTask(feeder(reader, ['fgh'], false));
      const data = (yield* reader.readexactly(8)).toString();
      yield* feeding;
      return data;
    });
    expect(got).toBe('abcdefgh');
    // Resumed to wait; paused again when 'fgh' took the buffer over 4; resumed when read.
    expect(transport.calls).toEqual(['pause', 'resume', 'pause', 'resume']);
  });
});
