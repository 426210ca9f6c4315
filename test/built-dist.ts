/**
 * For tests that run the built files in dist/ as child processes (the CLI's bin, the benchmarks'
 * harnesses): they rebuild what is missing or older than its sources, and hold the lock that
 * test/integration holds while its `npm pack` (whose `prepare` rebuilds dist/) has dist/ half written.
 * The lock is a directory (test/integration/helpers.ts makes the same one).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('..', import.meta.url));

const PACK_LOCK = join(tmpdir(), 'tsyncio-integration', createHash('sha256').update(REPO).digest('hex').slice(0, 12), 'pack.lock');
/** A lock older than this was left by a killed process. */
const STALE_LOCK_MS = 300_000;

/** Runs `body` holding the pack lock. */
export async function holdingPackLock<T>(body: () => T): Promise<T> {
  mkdirSync(join(PACK_LOCK, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(PACK_LOCK);
      break;
    } catch {
      const age = Date.now() - (statSync(PACK_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(PACK_LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return body();
  } finally {
    rmSync(PACK_LOCK, { recursive: true, force: true });
  }
}

/** The newest modification time of the .ts files under the repository's folders `dirs`. */
export function newestSource(dirs: readonly string[]): number {
  let newest = 0;
  for (const dir of dirs) {
    for (const name of readdirSync(join(REPO, dir), { recursive: true, encoding: 'utf8' })) {
      if (name.endsWith('.ts')) newest = Math.max(newest, statSync(join(REPO, dir, name)).mtimeMs);
    }
  }
  return newest;
}

/** True if any of `builtFiles` is missing or older than the .ts sources under `sourceDirs`. */
export function isStale(builtFiles: readonly string[], sourceDirs: readonly string[]): boolean {
  const newest = newestSource(sourceDirs);
  return builtFiles.some((file) => !existsSync(file) || statSync(file).mtimeMs < newest);
}
