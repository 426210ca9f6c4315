/**
 * The errors of asyncio's streams, and Python's ConnectionError family for the socket errors Node
 * reports by `code`, so that `catch (e) { if (e instanceof ConnectionResetError) ... }` reads as in
 * Python.
 */

/**
 * The stream ended before a read was satisfied (asyncio.IncompleteReadError). `partial` holds the
 * bytes read before the end of the stream; `expected` is how many were asked for (null: a
 * `readuntil` that did not find its separator).
 */
export class IncompleteReadError extends Error {
  override name = 'IncompleteReadError';
  readonly partial: Buffer;
  readonly expected: number | null;

  constructor(partial: Buffer, expected: number | null) {
    super(`${partial.length} bytes read on a total of ${expected === null ? 'undefined' : expected} expected bytes`);
    this.partial = partial;
    this.expected = expected;
  }
}

/**
 * `readuntil` reached the stream's limit while looking for its separator (asyncio.LimitOverrunError).
 * The data stays in the buffer; `consumed` is how many bytes would have to be consumed.
 */
export class LimitOverrunError extends Error {
  override name = 'LimitOverrunError';
  readonly consumed: number;

  constructor(message: string, consumed: number) {
    super(message);
    this.consumed = consumed;
  }
}

/** Python's ConnectionError: the base of the connection failures below. `code` is Node's (ECONNRESET...). */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
  readonly code: string | undefined;

  constructor(message: string, options?: { code?: string; cause?: unknown }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = options?.code;
  }
}

/** The peer reset the connection (ECONNRESET), or `drain()` found it lost. */
export class ConnectionResetError extends ConnectionError {
  override name = 'ConnectionResetError';
}

/** Writing to a connection the peer has closed (EPIPE). */
export class BrokenPipeError extends ConnectionError {
  override name = 'BrokenPipeError';
}

/** Nothing listens at the address (ECONNREFUSED). */
export class ConnectionRefusedError extends ConnectionError {
  override name = 'ConnectionRefusedError';
}

/** The connection was aborted on this side (ECONNABORTED). */
export class ConnectionAbortedError extends ConnectionError {
  override name = 'ConnectionAbortedError';
}

const byCode: Record<string, new (message: string, options?: { code?: string; cause?: unknown }) => ConnectionError> = {
  ECONNRESET: ConnectionResetError,
  EPIPE: BrokenPipeError,
  ECONNREFUSED: ConnectionRefusedError,
  ECONNABORTED: ConnectionAbortedError,
};

/**
 * The error to show for a Node socket error: a ConnectionError subclass for the codes Python names
 * (the Node error kept as `cause`), anything else unchanged (Python's OSError has no better name).
 */
export function toConnectionError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof ConnectionError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const errorClass = code !== undefined ? byCode[code] : undefined;
  if (errorClass === undefined) return error;
  return new errorClass(error.message, { code, cause: error });
}
