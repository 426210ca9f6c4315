import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Coroutine } from '../../runtime/coroutine.js';
import { RuntimeError } from '../../runtime/errors.js';
import { openConnection } from '../../runtime/streams/open-connection.js';
import { startServer } from '../../runtime/streams/server.js';
import { LOOPBACK, bytes, echo, expectNoOpenSockets, portOf, runCollecting } from './helpers.js';

afterEach(expectNoOpenSockets);

/** A throwaway self-signed certificate for localhost / 127.0.0.1, or null without an openssl binary. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } | null {
  const dir = mkdtempSync(join(tmpdir(), 'tsyncio-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const certificate = selfSignedCertificate();

describe.skipIf(certificate === null)('streams over TLS on 127.0.0.1', () => {
  it('echo round trip with a verified certificate; peercert and cipher; no half-close', async () => {
    const { key, cert } = certificate as { key: Buffer; cert: Buffer };
    const { value, reports } = await runCollecting(function* (): Coroutine<unknown> {
      const server = yield* startServer(echo, LOOPBACK, 0, { tls: { key, cert } });
      try {
        const [reader, writer] = yield* openConnection(LOOPBACK, portOf(server), { tls: { ca: cert } });
        writer.write(bytes('secret'));
        yield* writer.drain();
        const echoed = (yield* reader.readexactly(6)).toString();
        const info = {
          echoed,
          subject: writer.getExtraInfo('peercert')?.subject.CN,
          cipher: typeof writer.getExtraInfo('cipher')?.name,
          canWriteEof: writer.canWriteEof(),
          writeEof: (() => {
            try {
              writer.writeEof();
              return 'no error';
            } catch (error) {
              return error instanceof RuntimeError ? 'RuntimeError' : String(error);
            }
          })(),
        };
        writer.close();
        yield* writer.waitClosed();
        return info;
      } finally {
        server.closeClients();
        server.close();
        yield* server.waitClosed();
      }
    });
    expect(value).toEqual({ echoed: 'secret', subject: 'localhost', cipher: 'string', canWriteEof: false, writeEof: 'RuntimeError' });
    expect(reports).toEqual([]);
  });

  it('an untrusted certificate fails the connection (and leaves nothing open)', async () => {
    const { key, cert } = certificate as { key: Buffer; cert: Buffer };
    const { value } = await runCollecting(function* (): Coroutine<unknown> {
      const server = yield* startServer(echo, LOOPBACK, 0, { tls: { key, cert } });
      try {
        yield* openConnection(LOOPBACK, portOf(server), { tls: true });
        return 'connected';
      } catch (error) {
        return (error as NodeJS.ErrnoException).code;
      } finally {
        server.close();
        yield* server.waitClosed();
      }
    });
    expect(value).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});
