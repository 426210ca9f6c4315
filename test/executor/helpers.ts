import { expect } from 'vitest';
import type { WorkerPoolExecutor } from '../../runtime/executor/worker-pool-executor.js';
import { moduleFunction } from '../../runtime/executor/worker-callable.js';

export const WORK_MODULE = new URL('./fixtures/work.mjs', import.meta.url);

/** The fixture module's functions, typed by hand (the module is JavaScript, for the workers). */
export const work = {
  hash: moduleFunction<(data: string | Uint8Array) => string>(WORK_MODULE, 'hash'),
  busy: moduleFunction<(ms: number, tag: string) => { tag: string; threadId: number }>(WORK_MODULE, 'busy'),
  rendezvous: moduleFunction<(meeting: SharedArrayBuffer, parties: number, timeoutMs: number) => boolean>(WORK_MODULE, 'rendezvous'),
  later: moduleFunction<<T>(ms: number, value: T) => Promise<T>>(WORK_MODULE, 'later'),
  failQuota: moduleFunction<(limit: number) => never>(WORK_MODULE, 'failQuota'),
  exitWith: moduleFunction<(code: number) => never>(WORK_MODULE, 'exitWith'),
  throwLater: moduleFunction<() => Promise<never>>(WORK_MODULE, 'throwLater'),
  unsendable: moduleFunction<() => { callback: () => number }>(WORK_MODULE, 'unsendable'),
  notAFunction: moduleFunction(WORK_MODULE, 'notAFunction'),
};

/** Waits (bounded) until the pool's worker threads have all exited. */
export async function expectNoWorkers(executor: WorkerPoolExecutor): Promise<void> {
  for (let attempt = 0; attempt < 200 && executor.workerCount > 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(executor.workerCount).toBe(0);
}

/** Worker threads (and other message ports) that keep this process alive. Each test must leave none. */
export async function expectNothingKeepingNodeAlive(): Promise<void> {
  const ports = (): string[] => process.getActiveResourcesInfo().filter((name) => name === 'MessagePort' || name === 'Worker');
  for (let attempt = 0; attempt < 200 && ports().length > 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(ports()).toEqual([]);
}
