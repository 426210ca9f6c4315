/**
 * What code emitted by the transformer imports, for the runtime's own coroutines (Queue.get,
 * Lock.acquire, waitFor, ...), which the build compiles too. Emitted code elsewhere imports these from
 * 'tsyncio'; inside the runtime that would be an import cycle through index.ts, and an emitted module
 * calls linkFrameClass while it is evaluated. The frame modules come first so that they are evaluated
 * before any module with compiled coroutines that this one pulls in (delegate -> future).
 */
export { linkFrameClass } from './frame.js';
export { SUSPEND } from './protocol.js';
export { closeIterator, iteratorOf } from './iterator-frame.js';
export { delegate } from './delegate.js';
export { superReference } from './super-reference.js';
