/**
 * The frame protocol: the contract between the event loop and compiled coroutines.
 *
 * A compiled coroutine is an object of a class extending `Frame` (see frame.ts). The transformer emits
 * one such class per coroutine; the runtime's own leaf operations (`sleep`, adapters over native
 * generators) are hand-written frames. Everything a compiled coroutine can do is expressed through
 * one method and a few registers on the fiber that drives it:
 *
 *     frame.step(fiber, mode, value, budget): T | SUSPEND
 *
 * `mode` says how the frame is resumed at its current suspension point (`frame.state`):
 *   NEXT   — the suspension expression evaluates to `value` (`gen.next(value)`);
 *   THROW  — `value` is thrown at the suspension point (`gen.throw(value)`);
 *   RETURN — a return completion with `value` starts there (`gen.return(value)`): `finally` blocks run.
 * A frame that has not started (state 0) and is resumed with THROW or RETURN finishes at once without
 * running its body, exactly as a generator does; the first NEXT's value is ignored.
 *
 * `step` runs the body until the coroutine
 *   - returns: `step` returns the value (anything but SUSPEND);
 *   - throws: `step` throws (the frame is finished; the fiber resumes the caller with THROW);
 *   - suspends: `step` returns SUSPEND after setting `frame.state` to the resume label and telling the
 *     fiber why, through its registers:
 *       fiber.top     = the frame to resume next (the frame that suspended, normally `this`);
 *       fiber.signal  = YIELDED  — a bare `yield v`; fiber.yielded = v. Under a task: `undefined`
 *                                  gives up one turn, a Future or PromiseLike is waited for, anything
 *                                  else is thrown back as a TypeError (asyncio's "bad yield");
 *                       AWAITING — `yield* awaitable` (a Future, Task or sleep request);
 *                                  fiber.yielded = the awaitable. The resume value is its outcome.
 *                       CALLING  — fiber.top is a child frame that must start now (see below).
 *
 * Calls between coroutines (`yield* child`) use the hybrid call of DESIGN.md §4. The caller steps the
 * child synchronously, in the same JavaScript call, and links it (`child.caller = this`) only if it
 * suspended:
 *
 *     const child = sub(x);                         // a Frame (or anything else `yield*` accepts)
 *     let r;
 *     if (isFrame(child) && budget > 0) {           // frame.ts; inline: child?.isTsyncioFrame === SUSPEND
 *       r = child.step(fiber, NEXT, undefined, budget - 1);   // one call deeper
 *       if (r === SUSPEND) { child.caller = this; this.state = K; return SUSPEND; }  // fiber.top is set
 *     } else {
 *       r = delegate(fiber, this, child);            // futures, sleep, native generators, iterables
 *       if (r === SUSPEND) { this.state = K; return SUSPEND; }
 *     }
 *     mode = NEXT; value = r;                        // fall through into label K: no fiber work
 *
 * Linking only on suspension (changed from linking before the step): a child that returns or throws at
 * once never carries a stale `caller`, which a later resume of it (its own `next()`, a task made of
 * it) would otherwise step as if it were still waiting; and the fast path makes one store fewer.
 *
 * When a child suspends, every frame between it and the fiber's top returns SUSPEND in turn; the
 * chain stays linked through `caller`, and from then on the fiber resumes `fiber.top` directly, so a
 * resume costs the same at any depth. When the top frame returns, the fiber resumes its caller with
 * NEXT and the value (RETURN and the value if the finishing step was itself a RETURN — the spec's
 * `yield*` forwarding of `return()`); when it throws, the caller is resumed with THROW.
 *
 * Emitted code (the hand-written frames in test/frames/hand-frames.ts are the reference):
 *   - `step` copies `this.state` into a local `state` and is `for (;;) switch (state)`; a jump is
 *     `state = L; continue`. While `step` runs, `this.state` is STATE_RUNNING: a resume of a running
 *     frame (its own `next`, `yield*` into itself, a child calling its caller's `next`) throws
 *     TypeError('Generator is already running') as a generator does — at the top of `step`, in the
 *     Generator face and in `delegate` — and every way out of `step` sets `this.state` again
 *     (the resume label before SUSPEND, STATE_DONE at the end). A jump never
 *     targets a resume label: a resume label is entered from the fiber (mode and value as given) or by
 *     falling through from its own suspension site when the call did not suspend (`mode = NEXT`).
 *   - Each resume label first handles `mode !== NEXT`. Outside every try region, and in state 0, and
 *     for a finished frame (`default:`), that is `return this.exitWith(mode, value)` (frame.ts). Inside
 *     a try region, THROW is `throw value` (caught by the region table) and RETURN runs the `return
 *     value` statement it stands for (through the enclosing `finally` blocks).
 *   - try/catch/finally: the `switch` sits in a JS `try`; its `catch` is the region table, a `switch`
 *     on `state` (the state the throw came from) that jumps to the catch or finally label, else
 *     sets STATE_DONE and rethrows. So entering a region assigns `state`, never falls into it.
 *     A completion crossing a `finally` waits in two frame fields, its kind a ResumeMode (NEXT: carry
 *     on after the statement; THROW; RETURN) and its value; the end of the `finally` resumes it
 *     (`exitWith(kind, value)` when no outer region applies). An abrupt completion inside `finally`
 *     replaces the pending one, as in JavaScript.
 *   - A bare `yield v`: `fiber.top = this; fiber.signal = YIELDED; fiber.yielded = v; this.state = K;
 *     return SUSPEND`. `yield* future` / `yield* sleep(..)`: `delegate` (no hybrid check needed).
 *
 * Allocation. A loop step of a bare yield or of a resume deep in a chain allocates nothing. A call
 * that returns without suspending allocates nothing either, but only if V8 can scalar-replace the
 * child frame after inlining its `step` into the caller's, and V8 in Node 20 refuses that (measured,
 * test/frames/allocation.test.ts) when
 *   - the frame is built through a `super()` call (any derived class constructor, even the default);
 *   - the caller tests it with `instanceof` (hence `isFrame`, a property read from Frame.prototype);
 *   - the child's path reads an imported binding (its TDZ check can throw with the frame live);
 *   - the child's path calls a Frame method (`exitWith`, shared by every frame class, is not
 *     inlined), or `step` throws a new error at its top, outside its `try` (the re-entrancy check,
 *     even never taken; measured): emitted code writes a return out (`this.state = -1; return v`)
 *     and throws that error from `throwAlreadyRunning()` (test/transformer/allocation.test.ts).
 * So emitted frame classes are flat, linked under Frame.prototype by `linkFrameClass` (frame.ts),
 * initialise `state = 0; caller = null;` themselves, and write the protocol constants as literals
 * with the name in a comment (`mode !== 0`, `this.state = -1`). A child whose suspension path runs
 * at all is allocated on every call (V8 has no partial escape analysis); that is expected.
 *
 * Debug metadata (read by Task.getStack, the call graph and an error's coroutine chain; never on a
 * step). Each emitted frame class carries a static table (type FrameDebugTable, debug/frame-info.ts):
 *
 *     class fetchAll$Frame { ...
 *       static debug = { name: 'fetchAll', file: 'src/app.ts', positions: { 0: [10, 1], 2: [12, 5], 4: [14, 22] } };
 *     }
 *
 * The class is named after the coroutine as written (`fetchAll$Frame`, `Client$get$Frame` for a method;
 * fresh if that name is taken), since V8 names a frame of a method call by its receiver's class: an
 * error thrown inside the coroutine shows `at fetchAll$Frame.step (src/app.ts:14:11)` in its JS stack.
 *
 *   - `name`: the coroutine as written (`fetchAll`; a method `Client.get`; `<anonymous>` if none);
 *   - `file`: the source file as a stack trace should print it (the path the source map names, relative
 *     to the project root); optional;
 *   - `positions`: resume label -> `[line, column]`, both 1-based as in `file:line:column` of a JS stack
 *     trace: for every label a `step` can store in `this.state` before returning SUSPEND, the position
 *     of the `yield` / `yield*` expression that suspends there; label 0 -> the position of the function
 *     itself (a task not started yet). Labels that are never resume labels need no entry. Optional.
 * A frame class without a table is shown by its class name without `$Frame`, without a position.
 * The table must be a plain static property of the frame class (read as `frame.constructor.debug`);
 * emitting it as a `static debug = ...` field or `X$Frame.debug = ...` after the class is equivalent.
 *
 * The budget, `step`'s fourth parameter, bounds the depth of synchronous calls: the fiber steps a
 * frame with `fiber.budget` (CALL_BUDGET; 0 on a debug loop's tasks), a call steps its child with one
 * less, and a call made with no budget left goes through `delegate`, which suspends with CALLING
 * instead of recursing, so a chain 100,000 deep never overflows the JavaScript stack. This changes
 * no order of events: the fiber starts the child at once, without going through the ready queue.
 * Counting depth rather than calls matters for speed: a step making any number of calls in a row (a
 * loop of calls that return at once) never reaches `delegate`, so V8 sees no path on which the child
 * frame escapes and scalar-replaces it (no allocation per call). A parameter rather than a count on
 * the fiber: it lives in a register, where taking one and giving it back cost two stores to the
 * fiber at every call (S5: 5.5 -> 2.7 ns a call). A `step` called without it (3 arguments) has an
 * undefined budget, and its calls all go through `delegate`: slower, never wrong.
 */

/*
 * Constants in hot code: the runtime's hot modules copy these into module-local consts
 * (`const { SUSPEND, NEXT } = protocol;`) rather than use the imported bindings. V8 reads an imported
 * binding through its module cell, with a hole check, at every use, and does not fold it; a
 * module-local const it does. Measured on the loop's commonest step: 2-3 ns of about 15. The
 * transformer's emitted code does the same with what it imports from the runtime.
 */

/** How a frame is resumed. */
export type ResumeMode = 0 | 1 | 2;
export const NEXT = 0;
export const THROW = 1;
export const RETURN = 2;

/** Returned by `Frame.step` when the coroutine suspended instead of finishing. */
export const SUSPEND: unique symbol = Symbol('tsyncio.suspend');
export type Suspend = typeof SUSPEND;

/** Why the top frame suspended (the fiber's `signal` register). */
export type Signal = 0 | 1 | 2;
export const YIELDED = 0;
export const AWAITING = 1;
export const CALLING = 2;

/** Synchronous calls allowed per step before a call goes through the fiber instead of the JS stack. */
export const CALL_BUDGET = 512;

/** Frame states with a meaning of their own; labels chosen by the transformer are positive. */
export const STATE_INITIAL = 0;
export const STATE_DONE = -1;
/** `this.state` of a compiled frame while its `step` runs (its label is in a local meanwhile). */
export const STATE_RUNNING = -2;
