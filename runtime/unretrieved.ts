import type { Future } from './future.js';
import type { EventLoop, ExceptionContext } from './loop.js';
import { reportToStderr } from './report.js';
import { creationSiteOf } from './debug/debug-mode.js';

/** What is reported when a future whose exception nobody retrieved goes away. */
interface UnretrievedReport {
  loop: EventLoop | null;
  ref: WeakRef<Future<unknown>>;
  context: ExceptionContext;
}

const collected = new FinalizationRegistry<UnretrievedReport>((report) => {
  report.loop?.forgetUnretrieved(report.ref);
  deliver(report.loop, report.context);
});

/** Tracks a failed future until its exception is retrieved; reports it if it is collected first. */
export function trackUnretrieved(future: Future<unknown>): void {
  const ref = new WeakRef(future);
  future.unretrievedRef = ref;
  const loop = future.getLoop();
  // The context must not reference the future, or it could never be collected.
  const context = unretrievedContext(future);
  collected.register(future, { loop, ref, context }, ref);
  loop?.rememberUnretrieved(ref);
}

export function untrackUnretrieved(future: Future<unknown>): void {
  const ref = future.unretrievedRef;
  if (ref === null) return;
  future.unretrievedRef = null;
  collected.unregister(ref);
  future.getLoop()?.forgetUnretrieved(ref);
}

/** The report for a failed future whose exception was never retrieved. */
export function unretrievedContext(future: Future<unknown>): ExceptionContext {
  const taskName = (future as { getName?: () => string }).getName?.();
  const createdAt = creationSiteOf(future);
  return {
    ...(createdAt !== undefined ? { createdAt } : {}),
    message: taskName !== undefined ? `Task exception was never retrieved (task ${taskName})` : 'Future exception was never retrieved',
    exception: future.errorValue,
    ...(taskName !== undefined ? { taskName } : {}),
  };
}

function deliver(loop: EventLoop | null, context: ExceptionContext): void {
  if (loop !== null) loop.callExceptionHandler(context);
  else reportToStderr(context);
}
