import type ts from 'typescript';
import type { TsApi } from './host.js';
import { Unsupported } from './diagnostics.js';
import type { NameTable } from './names.js';
import { fieldsLiveAcrossSuspensions, fieldsToLocals } from './liveness.js';
import { declarationKind, isAssignmentTarget, type Binding, type ScopeInfo } from './scope.js';

/**
 * Lowering: the body of one generator function becomes labelled states ("cases") of a resumable
 * `step` method, after the classic algorithm (TypeScript's transformers/generators.ts, regenerator's
 * emitter), targeting the frame protocol of runtime/protocol.ts:
 *
 *   - statements containing no `yield` are kept as they are (locals rewritten to frame fields, jumps
 *     that leave them routed), so only the control flow around suspensions is exploded;
 *   - expressions containing `yield` are evaluated in order, operands left of a `yield` spilled to
 *     frame temporaries before it;
 *   - `try/catch/finally` and `for-of` become exception regions: every case records its handler,
 *     and a completion (normal, throw, return, break/continue to a label) passing a `finally` is kept
 *     pending in a field of that `finally` until its end.
 *
 * What cannot be lowered faithfully throws Unsupported: the caller declines the function.
 */

/** Where a throw at some case goes. */
export type Handler = { kind: 'catch'; label: number } | { kind: 'finally'; fin: FinallyInfo };

/** A `finally` block (or the iterator close of a `for-of`) and its pending completion. */
export interface FinallyInfo {
  label: number;
  /** Field holding the pending completion: 0 normal, 1 throw, 2 return, 3+ a jump (see `jumps`). */
  fField: string;
  /** Field holding the pending return value or exception. */
  vField: string;
  jumps: { code: number; target: Target }[];
}

interface Region {
  kind: 'try' | 'catch' | 'forof';
  catchLabel: number | undefined;
  fin: FinallyInfo | undefined;
}

interface Target {
  label: number;
  /** Length of the region stack where the target lies. */
  depth: number;
}

/** A loop lowering recorded as a candidate to run natively (runLoopNatively). */
interface NativeLoop {
  node: ts.IterationStatement;
  /** A for-in is lowered as a while loop over the keys it collected. */
  kind: 'while' | 'for' | 'do' | 'forof';
  top: number;
  /** Where `continue` goes: `top` for a while, for-in or for-of loop. */
  cont: number;
  end: number;
  /** A `while`/`for` with a condition: its test opens the top case. */
  hasTest: boolean;
  /** A for-of's iterator close (a case of its own, between the body and the end). */
  fin?: number;
  /** Bookkeeping fields of a for-in or for-of the native loop may keep in locals too. */
  ownFields: string[];
}

interface Leap {
  labels: string[];
  kind: 'loop' | 'switch' | 'block';
  brk: Target;
  cont: Target | undefined;
}

export interface Case {
  label: number;
  handler: Handler | null;
  /** Innermost `finally` a `return()` resumed at this label must run first. */
  returnFin: FinallyInfo | undefined;
  /** True when at least one suspension resumes here (`return()`/`throw()` can arrive). */
  stmts: ts.Statement[];
}

/** The identifiers emitted code refers to. */
export interface EmitNames {
  fiber: string;
  mode: string;
  value: string;
  /** `step`'s fourth parameter: how many synchronous calls deep it may still go (protocol.ts, "budget"). */
  budget: string;
  /** `step`'s local copy of the label being run (`this.state` says RUNNING meanwhile). */
  state: string;
  error: string;
  result: string;
  child: string;
  dispatch: string;
  /** Local aliases of the runtime exports. */
  rt: {
    linkFrameClass: string;
    SUSPEND: string;
    delegate: string;
    closeIterator: string;
    iteratorOf: string;
    superReference: string;
  };
}

export interface LowerResult {
  cases: Case[];
  /** Every frame field, in declaration order, with its initial value kind. */
  fields: { name: string; init: 'undefined' | 'zero' }[];
  /** Locals of `step`: bindings and temporaries no resume needs (declared `let` at its top). */
  locals: string[];
  /** `const <frameAlias> = this` at the top of `step`, for nested non-arrow functions and classes. */
  frameAlias: string | undefined;
  /** Constructor parameters -> fields: `this`, `arguments`, then the parameter bindings. */
  ctorParams: { param: string; field: string }[];
  /**
   * Factory arguments, in the same order as ctorParams (`this`, `arguments`, binding names; `super`,
   * `super=` and `delete super` for the arrows of emit.ts that read, write and delete super properties).
   */
  factoryArgs: ('this' | 'arguments' | 'super' | 'super=' | 'delete super' | string)[];
  hasRegions: boolean;
  needsDispatchLabel: boolean;
  usedRuntime: Set<keyof EmitNames['rt']>;
  /** Resume label (as emitted) -> the `yield` / `yield*` of the source that suspends there (the debug table). */
  resumeSites: Map<number, ts.YieldExpression>;
  /**
   * A coroutine nested in a compiled one: the field holding the enclosing frame (the first
   * constructor parameter; the factory passes the enclosing frame's alias).
   */
  outerField: string | undefined;
  /** It names private members of a class around it (its frame class goes inside that class). */
  usesPrivateNames: boolean;
  /**
   * Environments of the enclosing coroutine's per-iteration bindings it uses: constructor parameters
   * after the factory arguments, each the enclosing frame's environment (`outerEnvField`) as it is
   * where the generator function is created.
   */
  envArgs: { field: string; outerEnvField: string }[];
  /**
   * A named function expression reading its own name: that name (the factory passes itself as the
   * last constructor argument, kept in `selfField`).
   */
  selfName: string | undefined;
}

/**
 * Generator functions nested in a compiled coroutine: given one (its original node), the factory body
 * that replaces its own (`return new Inner$Frame(outer, ...)`, `outer` the enclosing frame), or
 * undefined to leave it a native generator.
 */
export type NestedFactory = (
  fn: ts.FunctionExpression | ts.FunctionDeclaration,
) => ((outer: ts.Expression, env: (outerEnvField: string) => ts.Expression) => ts.Block) | undefined;

/** Globals emitted code itself reads: a local of `step` must not shadow them. */
const NAMES_EMITTED_CODE_READS = new Set(['TypeError', 'String', 'Object', 'Symbol', 'undefined', 'arguments', 'eval']);

/** Bound on the code a native loop duplicates (runLoopNatively), in syntax nodes. */
const NATIVE_LOOP_MAX_DUPLICATED_NODES = 1500;

const NORMAL = 0;
const THROW_CODE = 1;
const RETURN_CODE = 2;

/** Frame members and inherited names a user local must not shadow as a field. */
const RESERVED_FIELDS = new Set([
  'state', 'caller', 'standalone', 'step', 'next', 'throw', 'return', 'exitWith', 'generatorFace', 'throwAlreadyRunning', 'constructor',
  '__proto__', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__', 'hasOwnProperty',
  'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'toString', 'valueOf',
  // Iterator.prototype helpers: a frame must keep answering them like a generator object.
  'map', 'filter', 'take', 'drop', 'flatMap', 'reduce', 'toArray', 'forEach', 'some', 'every', 'find',
]);

export class Lowerer {
  private readonly f: ts.NodeFactory;
  private readonly SK: typeof ts.SyntaxKind;
  private cases: Case[] = [];
  private cur!: Case;
  private terminated = false;
  private nextLabel = 1;
  private regions: Region[] = [];
  private leaps: Leap[] = [];
  private readonly fieldNames = new Set<string>();
  private readonly fields: LowerResult['fields'] = [];
  private freeTemps: string[] = [];
  private usedTemps: string[] = [];
  private tempCount = 0;
  private readonly stableNodes = new WeakSet<ts.Node>();
  /** Labels a suspension resumes at (entered from a new `step` call). */
  private readonly resumeLabels = new Set<number>();
  /** Resume label -> the source `yield` that suspends there (renumbered with the labels). */
  private resumeSites = new Map<number, ts.YieldExpression>();
  /** Frame fields made for temporaries (`$tN`). */
  private readonly tempFields = new Set<string>();
  private locals: string[] = [];
  /** The label literal of every `this.state = L` the lowering wrote, for renumbering at the end. */
  private readonly stateLiterals = new WeakSet<ts.Node>();
  /** The same literals in the order they were made (renumberStates). */
  private readonly stateLiteralList: ts.NumericLiteral[] = [];
  private readonly jumpBlocks = new WeakSet<ts.Node>();
  private readonly yieldCache = new Map<ts.Node, boolean>();
  private readonly explodedScopes = new Set<ts.Node>();
  private readonly usedRuntime = new Set<keyof EmitNames['rt']>();
  private needsDispatchLabel = false;
  /** Loops whose body suspends only in `yield*` calls, innermost first (runLoopNatively). */
  private readonly nativeLoops: NativeLoop[] = [];
  private hasRegions = false;
  private thisField: string | undefined;
  /** The local that holds the frame for nested non-arrow functions and classes (made on first use). */
  private frameAlias: string | undefined;
  /** The local of `step` a return value is held in while the frame is marked finished (returnExit). */
  private returnedLocal: string | undefined;
  private argsField: string | undefined;
  /** The field holding the method's `(key) => super[key]` (emit.ts, superReader). */
  private superField: string | undefined;
  /** The fields holding `(key, value) => (super[key] = value)` and `(key) => delete super[key]` (emit.ts). */
  private superSetField: string | undefined;
  private superDeleteField: string | undefined;
  /** The field holding the enclosing frame, when nested in a compiled coroutine. */
  outerField: string | undefined;
  /** The field holding the function object itself (a named function expression reading its name). */
  private selfField: string | undefined;
  /** Reads of an enclosing frame's fields (`this.$outer.x`): called without the frame as `this`. */
  private readonly outerRefs = new WeakSet<ts.Node>();
  /** Scope node -> its environment object (per-iteration bindings closures capture), see envBinding. */
  private readonly envs = new Map<ts.Node, { field: string; bindings: Binding[] }>();
  /** Environment field -> the `const` a statement creating closures over it copies it into. */
  private readonly envLocals = new Map<string, string>();
  /**
   * Below ES2015 a block's `const` becomes a `var` without the checker's loop analysis (our nodes are
   * synthesized), so closures take their environments as parameters of an arrow called at once.
   */
  readonly captureByCall: boolean;
  /** Environment locals the closure being rewritten reads (captureByCall), and those of the last one. */
  private closureCaptures: Set<string> | undefined;
  private lastCaptures: Set<string> | undefined;
  /** Jumps and returns waiting for a native finally to run, by code (the `jump` local's value - 1). */
  private readonly pendingJumps: ({ kind: 'return' } | { kind: 'jump'; target: Target })[] = [];
  /** The local of `step` holding that code while a native finally runs. */
  private jumpLocal: string | undefined;
  /** Enclosing frame's environment field -> this frame's field holding that environment (see envArgs). */
  private readonly envParams = new Map<string, string>();
  /** The function declaration being turned into its hoisted assignment (not dropped as a statement). */
  private hoisting: ts.FunctionDeclaration | undefined;
  // Verbatim rewriting context.
  private verbatimLoops = 0;
  private nativeFinallyDepth = 0;

  constructor(
    private readonly tsApi: TsApi,
    private readonly context: ts.TransformationContext,
    private readonly fn: ts.FunctionDeclaration | ts.FunctionExpression | ts.MethodDeclaration,
    readonly scopes: ScopeInfo,
    private readonly names: EmitNames,
    private readonly strict: boolean,
    private readonly nameTable: NameTable,
    /** The compiled coroutine this one is nested in (its frame is reached through `outerField`). */
    private readonly enclosing?: Lowerer,
    /** Compiles the generator functions nested in this one. */
    private readonly nestedFactory?: NestedFactory,
  ) {
    this.f = context.factory;
    this.SK = tsApi.SyntaxKind;
    this.captureByCall = (context.getCompilerOptions().target ?? tsApi.ScriptTarget.ES5) < tsApi.ScriptTarget.ES2015;
  }

  lower(): LowerResult {
    const ts = this.tsApi;
    const body = this.fn.body;
    if (body === undefined) throw new Unsupported(this.fn, 'no body');
    for (const b of this.scopes.blockers) throw new Unsupported(b.node, b.reason);
    this.findExplodedScopes(body);
    const ctorParams: LowerResult['ctorParams'] = [];
    const factoryArgs: LowerResult['factoryArgs'] = [];
    if (this.enclosing !== undefined) {
      // Before the bindings' fields, so a binding named `$outer` gets another field.
      this.outerField = this.addField('$outer');
      ctorParams.push({ param: this.outerField, field: this.outerField });
    }
    this.assignFields();

    if (this.scopes.usesThis) {
      this.thisField = this.addField('$this');
      ctorParams.push({ param: this.thisField, field: this.thisField });
      factoryArgs.push('this');
    }
    if (this.scopes.usesSuper) {
      this.superField = this.addField('$super');
      ctorParams.push({ param: this.superField, field: this.superField });
      factoryArgs.push('super');
      const write = this.scopes.superWrite ?? this.scopes.superDelete;
      if (write !== undefined && (this.context.getCompilerOptions().target ?? ts.ScriptTarget.ES5) < ts.ScriptTarget.ES2015) {
        // TypeScript's ES5 classes make `super[key]` a property of the parent's prototype, not a
        // reference with the method's `this` as the receiver: a write through it would be another one.
        throw new Unsupported(write, 'writing or deleting a `super` property in a coroutine needs a target of ES2015 or later');
      }
      if (this.scopes.superWrite !== undefined) {
        this.superSetField = this.addField('$superSet');
        ctorParams.push({ param: this.superSetField, field: this.superSetField });
        factoryArgs.push('super=');
      }
      if (this.scopes.superDelete !== undefined) {
        this.superDeleteField = this.addField('$superDelete');
        ctorParams.push({ param: this.superDeleteField, field: this.superDeleteField });
        factoryArgs.push('delete super');
      }
    }
    if (this.scopes.usesArguments) {
      if (!this.strict) throw new Unsupported(this.fn, '`arguments` in sloppy-mode code is mapped to the parameters; not supported');
      this.argsField = this.addField('$arguments');
      ctorParams.push({ param: this.argsField, field: this.argsField });
      factoryArgs.push('arguments');
    }
    for (const b of this.scopes.root.bindings.values()) {
      if (b.kind !== 'param') continue;
      ctorParams.push({ param: b.field!, field: b.field! });
      factoryArgs.push(b.name);
    }
    for (const p of this.fn.parameters) {
      if (p.initializer !== undefined && this.containsFunction(p.initializer)) {
        throw new Unsupported(p, 'a parameter default creates a closure over the parameters; not supported');
      }
    }

    this.cur = { label: 0, handler: null, returnFin: undefined, stmts: [] };
    this.cases.push(this.cur);
    this.enterScope(this.fn, body.statements);
    this.lowerStatements(body.statements);
    if (!this.terminated) this.emitAll(this.returnExit(this.f.createVoidZero()), true);
    this.keepShortLivedValuesLocal();
    // After the liveness pass: a native loop is the same flow as the cases it comes from.
    for (const loop of this.nativeLoops) this.runLoopNatively(loop);
    if (this.returnedLocal !== undefined) this.locals.push(this.returnedLocal);
    this.renumberStates();
    this.captureEnvironments();
    for (const field of this.envParams.values()) ctorParams.push({ param: field, field });
    if (this.selfField !== undefined) ctorParams.push({ param: this.selfField, field: this.selfField });
    return {
      cases: this.cases,
      fields: this.fields,
      locals: this.locals,
      frameAlias: this.frameAlias,
      ctorParams,
      factoryArgs,
      hasRegions: this.hasRegions,
      needsDispatchLabel: this.needsDispatchLabel,
      usedRuntime: this.usedRuntime,
      resumeSites: this.resumeSites,
      outerField: this.outerField,
      usesPrivateNames: this.scopes.usesPrivateNames,
      envArgs: [...this.envParams].map(([outerEnvField, field]) => ({ field, outerEnvField })),
      selfName: this.selfField !== undefined ? (this.fn.name as ts.Identifier).text : undefined,
    };
    void ts;
  }

  // ---------------------------------------------------------------- analysis

  /** Does `node` contain a `yield` of this function (not of a nested function)? */
  private containsYield(node: ts.Node | undefined): boolean {
    if (node === undefined) return false;
    const cached = this.yieldCache.get(node);
    if (cached !== undefined) return cached;
    const ts = this.tsApi;
    let found = false;
    if (node.kind === this.SK.YieldExpression) found = true;
    else if (!this.isFunctionLike(node)) ts.forEachChild(node, (child) => {
      if (!found && this.containsYield(child)) found = true;
    });
    this.yieldCache.set(node, found);
    return found;
  }

  /** A function, arrow, method, accessor or constructor. */
  private isFunctionLike(node: ts.Node): boolean {
    return this.tsApi.kinds.functionLike[node.kind] === 1;
  }

  private containsFunction(node: ts.Node): boolean {
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (this.isFunctionLike(n) || n.kind === this.SK.ClassDeclaration || n.kind === this.SK.ClassExpression) found = true;
      else this.tsApi.forEachChild(n, visit);
    };
    visit(node);
    return found;
  }

  /** Scopes whose bindings live on the frame: exactly the scopes the lowering explodes. */
  private findExplodedScopes(body: ts.Block): void {
    const ts = this.tsApi;
    this.explodedScopes.add(this.fn);
    const SK = this.SK;
    const visit = (node: ts.Node): void => {
      if (this.isFunctionLike(node)) return;
      const kind = node.kind;
      if (kind === SK.Block || kind === SK.ForStatement || kind === SK.ForOfStatement || kind === SK.ForInStatement) {
        if (this.containsYield(node)) this.explodedScopes.add(node);
      } else if (kind === SK.CaseBlock) {
        if ((node as ts.CaseBlock).clauses.some((c) => this.containsYield(c))) this.explodedScopes.add(node);
      } else if (kind === SK.TryStatement) {
        const catchClause = (node as ts.TryStatement).catchClause;
        if (this.containsYield(node) && catchClause !== undefined) this.explodedScopes.add(catchClause);
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(body, visit);
  }

  private addField(base: string): string {
    let name = RESERVED_FIELDS.has(base) ? `${base}_` : base;
    for (let i = 1; this.fieldNames.has(name); i++) name = `${base}_${i}`;
    this.fieldNames.add(name);
    this.fields.push({ name, init: 'undefined' });
    return name;
  }

  /** Decides which bindings are frame fields and checks every reference to them can follow. */
  private assignFields(): void {
    // Parameters first, in order, so constructor parameters read naturally.
    const ordered = [...this.scopes.bindings].sort((a, b) => (a.kind === 'param' ? 0 : 1) - (b.kind === 'param' ? 0 : 1));
    for (const b of ordered) {
      if (b.scope.functionDepth !== 0) continue;
      const exploded = this.explodedScopes.has(b.scope.node);
      if (b.kind === 'function' && !this.strict && b.scope !== this.scopes.root) {
        throw new Unsupported(b.id, 'function declarations in blocks of sloppy-mode code are not supported');
      }
      if (b.kind === 'class' && !exploded) continue;
      const isField = b.kind === 'param' || b.kind === 'var' || exploded;
      if (!isField) continue;
      if (b.kind === 'class') {
        const decl = b.id.parent as ts.ClassDeclaration;
        if ((this.tsApi.canHaveDecorators(decl) ? this.tsApi.getDecorators(decl) : undefined) !== undefined) {
          throw new Unsupported(decl, `decorators on class declaration '${b.name}' in the coroutine's own scope are not supported`);
        }
      }
      // A loop re-enters the scope: a closure must keep the binding of the iteration that made it.
      if (exploded && b.scope.inLoop && b.kind !== 'var' && b.kind !== 'param' && b.refs.some((r) => r.closure !== undefined)) this.envBinding(b);
      else b.field = this.addField(b.name);
      this.checkFieldReferences(b);
    }
    this.checkHoistedCalls();
  }

  /**
   * A hoisted function can run before a `let`/`const`/`class` it reads is initialised: natively a
   * ReferenceError, from a frame field `undefined`. Declined unless every way to call it (a reference
   * to its name, or to another hoisted function that refers to it) comes after the declaration.
   */
  private checkHoistedCalls(): void {
    const ts = this.tsApi;
    const hoisted = this.scopes.bindings.filter((b) => b.kind === 'function' && b.scope.functionDepth === 0 && this.onFrame(b));
    if (hoisted.length === 0) return;
    const declOf = new Map<Binding, ts.Node>();
    for (const b of hoisted) {
      if (!ts.isFunctionDeclaration(b.id.parent)) throw new Unsupported(b.id, `'${b.name}' is declared both as a variable and as a function; not supported`);
      declOf.set(b, b.id.parent);
    }
    const within = (node: ts.Node, id: ts.Identifier): boolean => node.pos <= id.pos && id.end <= node.end;
    const hoistedAround = (id: ts.Identifier): Binding | undefined => hoisted.find((b) => within(declOf.get(b)!, id));
    const earliestCall = (fn: Binding): number => {
      let earliest = Infinity;
      const seen = new Set<Binding>([fn]);
      const work = [fn];
      while (work.length > 0) {
        for (const ref of work.pop()!.refs) {
          const caller = hoistedAround(ref.id);
          if (caller === undefined) earliest = Math.min(earliest, ref.id.pos);
          else if (!seen.has(caller)) {
            seen.add(caller);
            work.push(caller);
          }
        }
      }
      return earliest;
    };
    for (const b of this.scopes.bindings) {
      if ((b.kind !== 'let' && b.kind !== 'const' && b.kind !== 'class') || b.scope.functionDepth !== 0 || !this.onFrame(b)) continue;
      const initialised = b.kind === 'class' ? b.id.parent.end : b.declEnd;
      for (const ref of b.refs) {
        const fn = hoistedAround(ref.id);
        if (fn !== undefined && earliestCall(fn) < initialised) {
          throw new Unsupported(ref.id, `'${b.name}' may be read in its temporal dead zone (through the hoisted function '${fn.name}'); not supported`);
        }
      }
    }
  }

  /**
   * Per-iteration bindings (CreatePerIterationEnvironment): the captured bindings of a scope inside a
   * loop live in a small object, made anew each time the scope is entered (and copied between the
   * iterations of a `for`), which a statement creating closures over them copies into a `const` of
   * its own (captureEnvironments). Only bindings a closure captures go there: a loop without such
   * closures allocates nothing.
   */
  private envBinding(b: Binding): void {
    let env = this.envs.get(b.scope.node);
    if (env === undefined) {
      env = { field: this.addField('$env'), bindings: [] };
      this.envs.set(b.scope.node, env);
    }
    env.bindings.push(b);
    b.envField = env.field;
    // `__proto__: v` in an object literal would set the prototype.
    b.envKey = b.name === '__proto__' ? '__proto___' : b.name;
  }

  /**
   * `const f = function* () { yield* f(); }`: a reference inside a function that is the whole
   * initializer of its own binding. Evaluating that initializer only creates the function, so the
   * reference cannot run before the binding is initialised: not a temporal-dead-zone read.
   */
  private insideOwnFunctionInitializer(b: Binding, ref: ts.Identifier): boolean {
    const ts = this.tsApi;
    const decl = b.id.parent;
    if (!ts.isVariableDeclaration(decl) || decl.name !== b.id || decl.initializer === undefined) return false;
    const init = this.skipOuter(decl.initializer);
    if (!ts.isFunctionExpression(init) && !ts.isArrowFunction(init)) return false;
    return init.pos <= ref.pos && ref.end <= init.end;
  }

  private checkFieldReferences(b: Binding): void {
    const ts = this.tsApi;
    for (const ref of b.refs) {
      // A class declaration's own body sees its inner binding (left as written, see rewriteNode).
      if (b.kind === 'class' && ref.id.pos < b.id.parent.pos) {
        throw new Unsupported(ref.id, `'${b.name}' may be read in its temporal dead zone; not supported`);
      }
      if ((b.kind === 'let' || b.kind === 'const') && ref.id.pos < b.declEnd && !this.insideOwnFunctionInitializer(b, ref.id)) {
        throw new Unsupported(ref.id, `'${b.name}' may be read in its temporal dead zone; not supported`);
      }
      if ((b.kind === 'let' || b.kind === 'const' || b.kind === 'class') && ts.isCaseBlock(b.scope.node)) {
        const clause = b.scope.node.clauses.find((c) => c.pos <= b.id.pos && b.id.end <= c.end);
        if (clause === undefined || ref.id.pos < clause.pos || ref.id.end > clause.end) {
          throw new Unsupported(ref.id, `'${b.name}' is declared in one case clause and used in another (temporal dead zone); not supported`);
        }
      }
    }
  }

  // ---------------------------------------------------------------- cases and jumps

  private newLabel(): number {
    return this.nextLabel++;
  }

  private handlerOf(regions: Region[]): Handler | null {
    for (let i = regions.length - 1; i >= 0; i--) {
      const r = regions[i]!;
      if (r.kind === 'try') {
        if (r.catchLabel !== undefined) return { kind: 'catch', label: r.catchLabel };
        if (r.fin !== undefined) return { kind: 'finally', fin: r.fin };
      } else if (r.fin !== undefined) {
        return { kind: 'finally', fin: r.fin };
      }
    }
    return null;
  }

  private returnFinOf(regions: Region[]): FinallyInfo | undefined {
    for (let i = regions.length - 1; i >= 0; i--) if (regions[i]!.fin !== undefined) return regions[i]!.fin;
    return undefined;
  }

  private sameHandler(a: Handler | null, b: Handler | null): boolean {
    if (a === null || b === null) return a === b;
    if (a.kind === 'catch') return b.kind === 'catch' && a.label === b.label;
    return b.kind === 'finally' && a.fin === b.fin;
  }

  /** Starts case `label` here; a fall-through into another exception region sets the state first. */
  private mark(label: number): void {
    const handler = this.handlerOf(this.regions);
    if (!this.terminated && !this.sameHandler(handler, this.cur.handler)) this.emit(this.setState(label));
    this.cur = { label, handler, returnFin: this.returnFinOf(this.regions), stmts: [] };
    this.cases.push(this.cur);
    this.terminated = false;
  }

  private emit(statement: ts.Statement, terminates = false): void {
    this.cur.stmts.push(statement);
    this.terminated = terminates;
  }

  private emitAll(statements: ts.Statement[], terminates: boolean): void {
    for (const s of statements) this.cur.stmts.push(s);
    this.terminated = terminates;
  }

  private thisField_(name: string): ts.PropertyAccessExpression {
    return this.f.createPropertyAccessExpression(this.f.createThis(), name);
  }

  private id(name: string): ts.Identifier {
    return this.f.createIdentifier(name);
  }

  private rt(name: keyof EmitNames['rt']): ts.Identifier {
    this.usedRuntime.add(name);
    return this.id(this.names.rt[name]);
  }

  /** A protocol constant, written as a literal with its name in a comment (protocol.ts, "Allocation"). */
  private constant(name: 'NEXT' | 'THROW' | 'RETURN' | 'YIELDED'): ts.Expression {
    return protocolLiteral(this.tsApi, this.f, name);
  }

  /** A jump (with `continue`) or a region entry: `state = L`, the local the dispatch switches on. */
  private setState(label: number): ts.Statement {
    const literal = this.f.createNumericLiteral(label);
    this.stateLiterals.add(literal);
    this.stateLiteralList.push(literal);
    return this.f.createExpressionStatement(this.f.createAssignment(this.id(this.names.state), literal));
  }

  /** Before `return SUSPEND`: `this.state = K`, where the next `step` call resumes. */
  private suspendAt(label: number): ts.Statement {
    const literal = this.f.createNumericLiteral(label);
    this.stateLiterals.add(literal);
    this.stateLiteralList.push(literal);
    return this.f.createExpressionStatement(this.f.createAssignment(this.thisField_('state'), literal));
  }

  /**
   * Liveness-based spilling (DESIGN.md §5): a binding or temporary whose value no resume needs
   * becomes a local of `step` (fewer fields, smaller frames, register-allocatable); the rest stay
   * fields. Not candidates: parameters (the constructor stores them), bindings a closure reaches
   * (an arrow made in one `step` call may run after the next resume, and must see the frame's
   * current value), and the frame's own bookkeeping (iterators, pending completions).
   */
  private keepShortLivedValuesLocal(): void {
    const candidates = new Map<string, string>(); // field -> preferred local name
    const bindingNames = new Map<string, number>();
    for (const b of this.scopes.bindings) bindingNames.set(b.name, (bindingNames.get(b.name) ?? 0) + 1);
    for (const b of this.scopes.bindings) {
      if (b.field === undefined || b.kind === 'param' || b.refs.some((r) => r.closure !== undefined)) continue;
      candidates.set(b.field, b.name);
    }
    for (const temp of this.tempFields) candidates.set(temp, temp);
    if (candidates.size === 0) return;
    const { acrossSuspensions: live, mentioning, around } = fieldsLiveAcrossSuspensions(this.tsApi, this.cases, this.resumeLabels, new Set(candidates.keys()), (node) => this.stateLiterals.has(node));
    const locals = new Map<string, string>();
    const taken = new Set<string>();
    for (const [field, preferred] of candidates) {
      if (live.has(field)) continue;
      // The plain name unless something in the function could mean another variable by it.
      const clash = this.scopes.freeNames.has(preferred) || (bindingNames.get(preferred) ?? 0) > 1 || taken.has(preferred) || NAMES_EMITTED_CODE_READS.has(preferred);
      const local = clash ? this.nameTable.fresh(preferred) : preferred;
      taken.add(local);
      locals.set(field, local);
    }
    if (locals.size === 0) return;
    for (let i = this.fields.length - 1; i >= 0; i--) if (locals.has(this.fields[i]!.name)) this.fields.splice(i, 1);
    // Only statements that mention a field becoming a local are walked again (the liveness pass saw them all).
    const mentionsLocal = mentioning(locals.keys());
    this.cases.forEach((c, i) => {
      c.stmts = c.stmts.map((statement, s) => (mentionsLocal(i, s) ? fieldsToLocals(this.tsApi, this.context, statement, locals, around) : statement));
    });
    this.locals.push(...locals.values());
  }

  /**
   * Labels are handed out when a construct starts (a loop's end before its body's labels), so they
   * come out of order (0, 1, 4, 2, 3…). Renumbered here in the order the cases are emitted, a
   * small change to the source moves few numbers and the fixtures' diffs stay readable.
   */
  private renumberStates(): void {
    const ts = this.tsApi;
    const order = new Map<number, number>();
    this.cases.forEach((c, i) => order.set(c.label, i));
    const renumber = (label: number): number => {
      const to = order.get(label);
      if (to === undefined) throw new Error(`internal: state ${label} is a jump target but was never placed`);
      return to;
    };
    const finallies = new Set<FinallyInfo>();
    for (const c of this.cases) {
      if (c.handler?.kind === 'catch') c.handler = { kind: 'catch', label: renumber(c.handler.label) };
      else if (c.handler?.kind === 'finally') finallies.add(c.handler.fin);
      if (c.returnFin !== undefined) finallies.add(c.returnFin);
    }
    for (const fin of finallies) fin.label = renumber(fin.label);
    for (const c of this.cases) c.label = renumber(c.label);
    if (this.stateLiteralList.every((literal) => order.has(Number(literal.text)))) {
      // The literals are this lowering's own nodes, made for it alone (a statement a native loop
      // duplicates shares them, and its copies the same label): renumbered where they are, in
      // place of a walk over every statement that would rebuild each one holding a literal.
      for (const literal of this.stateLiteralList) (literal as { text: string }).text = String(renumber(Number(literal.text)));
    } else {
      // A literal of a label never placed: an internal error if some case still holds it, which
      // only the walk over the cases can tell.
      const visit = (node: ts.Node): ts.Node =>
        this.stateLiterals.has(node) ? this.f.createNumericLiteral(renumber(Number((node as ts.NumericLiteral).text))) : ts.visitEachChild(node, visit, this.context);
      for (const c of this.cases) c.stmts = c.stmts.map((statement) => visit(statement) as ts.Statement);
    }
    this.resumeSites = new Map([...this.resumeSites].map(([label, site]) => [renumber(label), site]));
  }

  private assignField(field: string, value: ts.Expression): ts.Statement {
    return this.f.createExpressionStatement(this.f.createAssignment(this.thisField_(field), value));
  }

  private continueDispatch(): ts.Statement {
    if (this.verbatimLoops > 0) {
      this.needsDispatchLabel = true;
      return this.f.createContinueStatement(this.names.dispatch);
    }
    return this.f.createContinueStatement();
  }

  /**
   * Finishes the frame with `v`: `this.state = -1; return v;` (`v` first into a local of `step` unless
   * reading it can run no code: the frame is still RUNNING while `v` is evaluated). Written out
   * rather than `return this.exitWith(RETURN, v)`: that call, shared by every frame class, is not
   * inlined, and a child frame it receives can no longer be scalar-replaced (protocol.ts,
   * "Allocation": a call that returns at once must allocate nothing).
   */
  private returnExit(value: ts.Expression): ts.Statement[] {
    const f = this.f;
    const done = f.createExpressionStatement(f.createAssignment(this.thisField_('state'), protocolLiteral(this.tsApi, f, 'DONE')));
    if (this.isStable(value) || this.isFieldRead(value) || this.tsApi.isIdentifier(value)) return [done, f.createReturnStatement(value)];
    const returned = this.id((this.returnedLocal ??= this.nameTable.fresh('returned')));
    return [f.createExpressionStatement(f.createAssignment(returned, value)), done, f.createReturnStatement(returned)];
  }

  /** The code of a pending return or jump (see pendingJumps); the `jump` local made on first use. */
  private pendingCode(p: { kind: 'return' } | { kind: 'jump'; target: Target }): number {
    if (this.jumpLocal === undefined) {
      this.jumpLocal = this.nameTable.fresh('jump');
      this.locals.push(this.jumpLocal);
    }
    let i = this.pendingJumps.findIndex((q) => q.kind === p.kind && (p.kind === 'return' || (q.kind === 'jump' && q.target === p.target)));
    if (i < 0) i = this.pendingJumps.push(p) - 1;
    return i + 1;
  }

  private jumpStatements(target: Target, regions: Region[]): ts.Statement[] {
    for (let i = regions.length - 1; i >= target.depth; i--) {
      const fin = regions[i]!.fin;
      if (fin === undefined) continue;
      let entry = fin.jumps.find((j) => j.target.label === target.label);
      if (entry === undefined) {
        entry = { code: 3 + fin.jumps.length, target };
        fin.jumps.push(entry);
      }
      return [this.assignField(fin.fField, this.f.createNumericLiteral(entry.code)), this.setState(fin.label), this.continueDispatch()];
    }
    return [this.setState(target.label), this.continueDispatch()];
  }

  private jump(label: number): void {
    this.emitAll([this.setState(label), this.continueDispatch()], true);
  }

  private returnStatements(value: ts.Expression, regions: Region[]): ts.Statement[] {
    const fin = this.returnFinOf(regions);
    if (fin === undefined) return this.returnExit(value);
    return [
      this.assignField(fin.vField, value),
      this.assignField(fin.fField, this.f.createNumericLiteral(RETURN_CODE)),
      this.setState(fin.label),
      this.continueDispatch(),
    ];
  }

  /** The end of a `finally`: carry on with the pending completion (normal: fall through). */
  private finallyEnd(fin: FinallyInfo, outer: Region[], withThrow: boolean): void {
    const f = this.f;
    const clauses: ts.CaseClause[] = [];
    if (withThrow) clauses.push(f.createCaseClause(f.createNumericLiteral(THROW_CODE), [f.createThrowStatement(this.thisField_(fin.vField))]));
    clauses.push(f.createCaseClause(f.createNumericLiteral(RETURN_CODE), this.returnStatements(this.thisField_(fin.vField), outer)));
    for (const j of fin.jumps) clauses.push(f.createCaseClause(f.createNumericLiteral(j.code), this.jumpStatements(j.target, outer)));
    this.emit(f.createSwitchStatement(this.thisField_(fin.fField), f.createCaseBlock(clauses)));
  }

  // ---------------------------------------------------------------- native loops

  /**
   * A loop whose head cannot suspend and whose body suspends only in `yield*`: most of its iterations
   * may not suspend at all (the hybrid call returns at once), so it is worth running them without the
   * dispatch (runLoopNatively).
   */
  private mayRunNatively(s: ts.IterationStatement, ...head: (ts.Node | undefined)[]): boolean {
    const ts = this.tsApi;
    if (head.some((e) => this.containsYield(e))) return false;
    let onlyDelegations = true;
    const visit = (node: ts.Node): void => {
      if (!onlyDelegations || this.isFunctionLike(node) || ts.isClassLike(node)) return;
      if (ts.isYieldExpression(node) && node.asteriskToken === undefined) onlyDelegations = false;
      else ts.forEachChild(node, visit);
    };
    visit(s.statement);
    return onlyDelegations;
  }

  /** `state = L; continue;` (or `continue dispatch`) at `stmts[i]`: L, else undefined. */
  private jumpAt(stmts: readonly ts.Statement[], i: number): number | undefined {
    const ts = this.tsApi;
    const s = stmts[i];
    const next = stmts[i + 1];
    if (s === undefined || next === undefined || !ts.isExpressionStatement(s) || !ts.isContinueStatement(next)) return undefined;
    if (next.label !== undefined && next.label.text !== this.names.dispatch) return undefined;
    const e = s.expression;
    if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== this.SK.EqualsToken || !ts.isIdentifier(e.left) || e.left.text !== this.names.state) return undefined;
    return this.stateLiterals.has(e.right) ? Number((e.right as ts.NumericLiteral).text) : undefined;
  }

  /**
   * Runs a loop recorded by mayRunNatively (for, while, do-while, for-in, for-of) as a native
   * JavaScript loop inside its top case, when its lowered cases (after the top one: the resume
   * labels of its `yield*` calls, the labels of branches around them, a `for`/`do` loop's continue
   * label last, a for-of's body label second) are all in one exception region and jump only forward
   * inside it. So a `try` around a `yield*`, or an inner loop with one (which may run natively
   * itself), keeps the loop as it was. The statements concatenated are then the loop's body as the
   * cases run it: jumps to the loop's end and continue label become native `break`/`continue`, a
   * forward jump to a case of the body (an `if`, `?:`, `&&`, `switch` around a `yield*`) a `break`
   * out of a block ending there (skipBlock), other jumps out of it `continue dispatch`. A call that
   * suspends returns from `step` as before, and its resume runs the loop's remaining cases,
   * unchanged, which end at the top case: the native loop again. The code duplicated is the body
   * after the first `yield*` (bounded, see below).
   *
   *     case 1: { let i = this.i; const calls = this.calls;
   *               for (; i < calls; i++) { <call>; <on suspension: this.i = i; this.state = 2; return SUSPEND>; total = value; }
   *               this.i = i; state = 4; continue; }
   *     case 2: total = value;            // resumed after a suspension in the call
   *     case 3: this.i++; state = 1; continue;
   *
   * Outside any exception region, the fields it uses become locals of the native loop (`i`, `calls`),
   * stored back on every way out of it but a throw: a throw there ends the frame (through a for-of's
   * own iterator close, which reads only the iterator), and no closure reads those fields (one that
   * does keeps its field). Inside a region a catch or finally could read them after a throw, so
   * there the fields stay fields.
   */
  private runLoopNatively(loop: NativeLoop): void {
    const ts = this.tsApi;
    const f = this.f;
    const t = this.cases.findIndex((c) => c.label === loop.top);
    const e = this.cases.findIndex((c) => c.label === loop.end);
    if (t < 0 || e <= t + 1) return;
    let loopCases = this.cases.slice(t, e);
    const first = loopCases[0]!;
    const labels = new Set(loopCases.map((c) => c.label));
    // A for-of's body is a region of its own (its iterator close, the case before the end, stays
    // outside the native loop): the top case (the iterator's `next`) sets `state` to its body's
    // label on the way in, and the back edge sets it to the top again, so that the region table
    // sends a throw from either where the cases would.
    let region = first;
    if (loop.kind === 'forof') {
      if (loopCases.length < 4 || loopCases[loopCases.length - 1]!.label !== loop.fin) return;
      loopCases = loopCases.slice(0, -1);
      labels.delete(loop.fin!);
      region = loopCases[1]!;
      if (region.handler?.kind !== 'finally' || region.handler.fin.label !== loop.fin) return;
    }
    for (const c of loopCases.slice(1)) {
      if (!this.sameHandler(c.handler, region.handler) || c.returnFin !== region.returnFin) return;
    }
    const contCase = loop.kind === 'while' || loop.kind === 'forof' ? undefined : loopCases[loopCases.length - 1]!;
    if (contCase !== undefined && contCase.label !== loop.cont) return;
    const bodyCases = contCase === undefined ? loopCases : loopCases.slice(0, -1);
    if (bodyCases.some((c) => c !== first && c.label === loop.cont)) return;
    // Bounded duplication: the statements of the cases after the top one are emitted twice.
    let size = 0;
    const count = (node: ts.Node): void => {
      size++;
      ts.forEachChild(node, count);
    };
    for (const c of loopCases.slice(1)) if (c !== region) c.stmts.forEach(count);
    if (size > NATIVE_LOOP_MAX_DUPLICATED_NODES) return;
    // Statements that copy per-iteration environments into `const`s get them once per statement
    // (captureEnvironments): one around the whole loop would keep the first iteration's.
    const envLocals = new Set(this.envLocals.values());
    let usesEnv = false;
    const findEnv = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && envLocals.has(node.text)) usesEnv = true;
      else ts.forEachChild(node, findEnv);
    };
    for (const c of loopCases) c.stmts.forEach(findEnv);
    if (usesEnv) return;

    // The head: the top case opens with `if (!(test)) { state = end; continue; }`; a `for` loop's
    // continue case is its incrementor then `state = top; continue;`, a `do` loop's its test.
    let body = bodyCases.flatMap((c) => c.stmts);
    // Where each case starts in the body: a forward jump to one becomes a `break` out of a block
    // ending there (`if`, `?:`, `&&` around a `yield*` jump forward; a backward jump declines).
    const starts = new Map<number, number>();
    let offset = 0;
    for (const c of bodyCases) {
      starts.set(c.label, offset);
      offset += c.stmts.length;
    }
    let test: ts.Expression | undefined;
    let incrementor: ts.Expression | undefined;
    if ((loop.kind === 'while' || loop.kind === 'for') && loop.hasTest) {
      const open = body[0];
      if (open === undefined || !ts.isIfStatement(open) || open.elseStatement !== undefined || !ts.isBlock(open.thenStatement)) return;
      if (!ts.isPrefixUnaryExpression(open.expression) || open.expression.operator !== this.SK.ExclamationToken) return;
      if (open.thenStatement.statements.length !== 2 || this.jumpAt(open.thenStatement.statements, 0) !== loop.end) return;
      test = open.expression.operand;
      while (ts.isParenthesizedExpression(test)) test = test.expression;
      body = body.slice(1);
      for (const [l, at] of starts) starts.set(l, at - 1);
    }
    if (loop.kind === 'for') {
      const stmts = contCase!.stmts;
      if (stmts.length < 2 || this.jumpAt(stmts, stmts.length - 2) !== loop.top) return;
      const updates: ts.Expression[] = [];
      for (const s of stmts.slice(0, -2)) {
        if (!ts.isExpressionStatement(s)) return;
        updates.push(s.expression);
      }
      if (updates.length > 0) incrementor = updates.length === 1 ? updates[0] : f.createCommaListExpression(updates);
    } else if (loop.kind === 'do') {
      const stmts = contCase!.stmts;
      const only = stmts[0];
      if (stmts.length !== 1 || only === undefined || !ts.isIfStatement(only) || only.elseStatement !== undefined || !ts.isBlock(only.thenStatement)) return;
      if (only.thenStatement.statements.length !== 2 || this.jumpAt(only.thenStatement.statements, 0) !== loop.top) return;
      test = only.expression;
    }

    // Fields kept in locals of the native loop (outside exception regions only, see above).
    const locals = new Map<string, string>();
    const written = new Set<string>();
    if (first.handler === null && first.returnFin === undefined) {
      const candidates = this.nativeLoopLocalCandidates();
      for (const field of loop.ownFields) candidates.set(field, field);
      const used: string[] = [];
      const excluded = new Set<string>();
      const fieldOf = (node: ts.Node): string | undefined =>
        ts.isPropertyAccessExpression(node) && node.expression.kind === this.SK.ThisKeyword && ts.isIdentifier(node.name) ? node.name.text : undefined;
      const markWrites = (target: ts.Node): void => {
        while (ts.isParenthesizedExpression(target)) target = target.expression;
        const field = fieldOf(target);
        if (field !== undefined) written.add(field);
        else if (ts.isObjectLiteralExpression(target)) {
          for (const p of target.properties) {
            if (ts.isPropertyAssignment(p)) markWrites(p.initializer);
            else if (ts.isSpreadAssignment(p)) markWrites(p.expression);
          }
        } else if (ts.isArrayLiteralExpression(target)) {
          for (const el of target.elements) markWrites(ts.isSpreadElement(el) ? el.expression : el);
        } else if (ts.isBinaryExpression(target) && target.operatorToken.kind === this.SK.EqualsToken) markWrites(target.left);
      };
      const scan = (node: ts.Node, inClosure: boolean): void => {
        const field = fieldOf(node);
        if (field !== undefined) {
          if (inClosure) excluded.add(field);
          else if (!used.includes(field)) used.push(field);
          return;
        }
        if (ts.isBinaryExpression(node) && node.operatorToken.kind >= this.SK.FirstAssignment && node.operatorToken.kind <= this.SK.LastAssignment) markWrites(node.left);
        else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === this.SK.PlusPlusToken || node.operator === this.SK.MinusMinusToken)) markWrites(node.operand);
        else if ((ts.isForInStatement(node) || ts.isForOfStatement(node)) && !ts.isVariableDeclarationList(node.initializer)) markWrites(node.initializer);
        // A closure made in the loop would keep the local, not the field: its fields stay fields.
        if (this.isFunctionLike(node) || ts.isClassLike(node)) {
          inClosure = true;
          if (!ts.isArrowFunction(node)) return;
        }
        ts.forEachChild(node, (child) => scan(child, inClosure));
      };
      for (const node of [...body, test, incrementor]) if (node !== undefined) scan(node, false);
      for (const field of used) {
        const preferred = candidates.get(field);
        if (preferred === undefined || excluded.has(field)) continue;
        const isBinding = this.scopes.bindings.some((b) => b.field === field);
        locals.set(field, this.nativeLoopLocalName(preferred, isBinding, locals));
      }
    }
    const local = <T extends ts.Node>(node: T): T =>
      locals.size === 0 ? node : (fieldsToLocals(ts, this.context, f.createExpressionStatement(node as unknown as ts.Expression), locals) as ts.ExpressionStatement).expression as unknown as T;
    const storeBack = (): ts.Statement[] =>
      [...locals].filter(([field]) => written.has(field)).map(([field, name]) => this.assignField(field, this.id(name)));

    // The body: jumps made native, stores before every way out.
    let label: string | undefined;
    const loopLabel = (): ts.Identifier => this.id((label ??= this.nameTable.fresh('loop')));
    let ok = true;
    let leavesByDispatch = false;
    /** The top-level statement of the body being translated (a jump's position). */
    let at = 0;
    /** Forward jump targets in the body: where their block starts and ends, and its label. */
    const blocks = new Map<number, { from: number; to: number; name: string }>();
    const translate = (stmts: readonly ts.Statement[], nested: boolean): ts.Statement[] => {
      const out: ts.Statement[] = [];
      for (let i = 0; i < stmts.length; i++) {
        const to = this.jumpAt(stmts, i);
        if (to !== undefined) {
          if (to === loop.end) out.push(f.createBreakStatement(nested ? loopLabel() : undefined));
          else if (to === loop.cont) {
            if (loop.kind === 'forof') out.push(stmts[i]!);
            out.push(f.createContinueStatement(nested ? loopLabel() : undefined));
          }
          else if (labels.has(to)) {
            const target = starts.get(to);
            if (target === undefined || target <= at) ok = false;
            else {
              let b = blocks.get(to);
              if (b === undefined) blocks.set(to, (b = { from: at, to: target, name: this.nameTable.fresh('skip') }));
              b.from = Math.min(b.from, at);
              out.push(f.createBreakStatement(b.name));
            }
          } else {
            leavesByDispatch = true;
            out.push(...storeBack(), stmts[i]!, f.createContinueStatement(this.names.dispatch));
          }
          i++;
          continue;
        }
        out.push(...translateOne(stmts[i]!, nested));
      }
      return out;
    };
    const single = (s: ts.Statement, nested: boolean): ts.Statement => {
      const out = translate([s], nested);
      return out.length === 1 ? out[0]! : f.createBlock(out, true);
    };
    const translateOne = (s: ts.Statement, nested: boolean): ts.Statement[] => {
      if (ts.isReturnStatement(s)) return [...storeBack(), s];
      // A jump of the dispatch not written as `state = L; continue` is not expected here: declined.
      if (ts.isContinueStatement(s) && (s.label === undefined ? !nested : s.label.text === this.names.dispatch)) ok = false;
      if (ts.isBreakStatement(s) && s.label === undefined && !nested) ok = false;
      if (ts.isBlock(s)) {
        const inner = translate(s.statements, nested);
        // A routed jump's block (`{ state = L; continue; }`) is one native jump now: no block around it.
        const only = inner.length === 1 ? inner[0]! : undefined;
        if (only !== undefined && (ts.isBreakStatement(only) || ts.isContinueStatement(only))) return [only];
        return [f.updateBlock(s, inner)];
      }
      if (ts.isIfStatement(s)) return [f.updateIfStatement(s, s.expression, single(s.thenStatement, nested), s.elseStatement !== undefined ? single(s.elseStatement, nested) : undefined)];
      if (ts.isLabeledStatement(s)) return [f.updateLabeledStatement(s, s.label, single(s.statement, nested))];
      if (ts.isForStatement(s)) return [f.updateForStatement(s, s.initializer, s.condition, s.incrementor, single(s.statement, true))];
      if (ts.isForInStatement(s)) return [f.updateForInStatement(s, s.initializer, s.expression, single(s.statement, true))];
      if (ts.isForOfStatement(s)) return [f.updateForOfStatement(s, s.awaitModifier, s.initializer, s.expression, single(s.statement, true))];
      if (ts.isWhileStatement(s)) return [f.updateWhileStatement(s, s.expression, single(s.statement, true))];
      if (ts.isDoStatement(s)) return [f.updateDoStatement(s, single(s.statement, true), s.expression)];
      if (ts.isSwitchStatement(s)) {
        const clauses = s.caseBlock.clauses.map((c) => (ts.isCaseClause(c) ? f.updateCaseClause(c, c.expression, translate(c.statements, true)) : f.updateDefaultClause(c, translate(c.statements, true))));
        return [f.updateSwitchStatement(s, s.expression, f.updateCaseBlock(s.caseBlock, clauses))];
      }
      if (ts.isTryStatement(s)) {
        const block = (b: ts.Block): ts.Block => f.updateBlock(b, translate(b.statements, nested));
        const c = s.catchClause;
        return [f.updateTryStatement(s, block(s.tryBlock), c !== undefined ? f.updateCatchClause(c, c.variableDeclaration, block(c.block)) : undefined, s.finallyBlock !== undefined ? block(s.finallyBlock) : undefined)];
      }
      return [s];
    };
    // Translated statement by statement (a jump pair's second statement gets nothing), then the
    // blocks put around the ranges they skip, nested: one that overlaps another starts with it.
    const localBody = body.map(local);
    const chunks: ts.Statement[][] = localBody.map(() => []);
    for (at = 0; at < localBody.length; at++) {
      const pair = this.jumpAt(localBody, at) !== undefined;
      chunks[at] = translate(pair ? localBody.slice(at, at + 2) : [localBody[at]!], false);
      if (pair) at++;
    }
    if (!ok) return;
    if (leavesByDispatch) this.needsDispatchLabel = true;
    const ranges = [...blocks.values()];
    for (let changed = true; changed; ) {
      changed = false;
      for (const a of ranges) for (const b of ranges) {
        if (a.from < b.from && b.from < a.to && a.to < b.to) {
          b.from = a.from;
          changed = true;
        }
      }
    }
    const nest = (from: number, to: number, inside: typeof ranges): ts.Statement[] => {
      const out: ts.Statement[] = [];
      for (let i = from; i < to; ) {
        const outer = inside.filter((r) => r.from === i).sort((a, b) => b.to - a.to)[0];
        if (outer === undefined) {
          out.push(...chunks[i]!);
          i++;
          continue;
        }
        const within = inside.filter((r) => r !== outer && r.from >= outer.from && r.to <= outer.to);
        out.push(this.skipBlock(outer.name, nest(i, outer.to, within)));
        inside = inside.filter((r) => r !== outer && !within.includes(r));
        i = outer.to;
      }
      return out;
    };
    const translated = nest(0, chunks.length, ranges);
    // The back edge of a while loop, now the native loop's own.
    const last = translated[translated.length - 1];
    if (last !== undefined && ts.isContinueStatement(last) && last.label === undefined) translated.pop();
    const block = f.createBlock(translated, true);
    const nativeTest = test !== undefined ? local(test) : undefined;
    let native: ts.Statement =
      loop.kind === 'while' ? f.createWhileStatement(nativeTest!, block) :
      loop.kind === 'do' ? f.createDoStatement(block, nativeTest!) :
      f.createForStatement(undefined, nativeTest, incrementor !== undefined ? local(incrementor) : undefined, block);
    // A for-of's body case is entered only from its top case, which no longer falls into it: its
    // statements would be dead (the case stays, a label the region table sends throws by).
    if (region !== first) region.stmts = [];
    ts.setSourceMapRange(native, loop.node);
    if (label !== undefined) native = f.createLabeledStatement(label, native);
    const declare = (fields: [string, string][], flags: ts.NodeFlags): ts.Statement[] =>
      fields.length === 0 ? [] : [f.createVariableStatement(undefined, f.createVariableDeclarationList(fields.map(([field, name]) => f.createVariableDeclaration(name, undefined, undefined, this.thisField_(field))), flags))];
    first.stmts = [
      f.createBlock([
        ...declare([...locals].filter(([field]) => written.has(field)), ts.NodeFlags.Let),
        ...declare([...locals].filter(([field]) => !written.has(field)), ts.NodeFlags.Const),
        native,
        ...storeBack(),
        this.setState(loop.end),
        f.createContinueStatement(),
      ], true),
    ];
  }

  /**
   * `name: { <stmts> }`, a block a forward jump leaves by `break name`, written as the `if` it was
   * where it has that shape: `name: { if (!(x)) break name; A }` is `if (x) { A }`, and then
   * `name: { if (x) { A; break name; } B }` is `if (x) { A } else { B }`.
   */
  private skipBlock(name: string, stmts: ts.Statement[]): ts.Statement {
    const ts = this.tsApi;
    const f = this.f;
    const breaksTo = (s: ts.Node | undefined): boolean => s !== undefined && ts.isBreakStatement(s) && s.label?.text === name;
    const mentions = (node: ts.Node): boolean => breaksTo(node) || (!this.isFunctionLike(node) && ts.forEachChild(node, (c) => (mentions(c) ? true : undefined)) === true);
    const [head, ...rest] = stmts;
    if (head !== undefined && ts.isIfStatement(head) && head.elseStatement === undefined && !rest.some(mentions)) {
      const cond = head.expression;
      if (breaksTo(head.thenStatement) && ts.isPrefixUnaryExpression(cond) && cond.operator === this.SK.ExclamationToken) {
        let x: ts.Expression = cond.operand;
        while (ts.isParenthesizedExpression(x)) x = x.expression;
        return f.createIfStatement(x, f.createBlock(rest, true));
      }
      const then = head.thenStatement;
      if (ts.isBlock(then) && breaksTo(then.statements[then.statements.length - 1]) && !then.statements.slice(0, -1).some(mentions)) {
        return f.createIfStatement(cond, f.createBlock(then.statements.slice(0, -1), true), f.createBlock(rest, true));
      }
    }
    return f.createLabeledStatement(name, f.createBlock(stmts, true));
  }

  /**
   * Fields a native loop may keep in locals, with the names they would like: bindings no closure
   * reaches, temporaries, and the frame's `this`/`arguments`/enclosing frame (never written).
   */
  private nativeLoopLocalCandidates(): Map<string, string> {
    const out = new Map<string, string>();
    for (const b of this.scopes.bindings) if (b.field !== undefined && b.refs.every((r) => r.closure === undefined)) out.set(b.field, b.name);
    for (const temp of this.tempFields) out.set(temp, temp);
    for (const field of [this.thisField, this.argsField, this.outerField]) if (field !== undefined) out.set(field, field);
    return out;
  }

  /** The plain name unless something in the function could mean another variable by it (as keepShortLivedValuesLocal). */
  private nativeLoopLocalName(preferred: string, isBinding: boolean, taken: ReadonlyMap<string, string>): string {
    const sameName = this.scopes.bindings.filter((b) => b.name === preferred).length;
    const clash = this.scopes.freeNames.has(preferred) || sameName > (isBinding ? 1 : 0) || this.locals.includes(preferred) || NAMES_EMITTED_CODE_READS.has(preferred) || [...taken.values()].includes(preferred);
    return clash ? this.nameTable.fresh(preferred) : preferred;
  }

  // ---------------------------------------------------------------- temporaries

  private newTemp(): string {
    let name = this.freeTemps.pop();
    if (name === undefined) {
      name = this.addField(`$t${this.tempCount++}`);
      this.tempFields.add(name);
    }
    this.usedTemps.push(name);
    return name;
  }

  /** `this.$tN = expr`, returning `this.$tN`: the value of `expr` now, whatever runs before it is used. */
  private spill(expr: ts.Expression): ts.Expression {
    if (this.isStable(expr)) return expr;
    const temp = this.newTemp();
    this.emit(this.assignField(temp, expr));
    const ref = this.thisField_(temp);
    this.stableNodes.add(ref);
    return ref;
  }

  private isStable(expr: ts.Expression): boolean {
    const ts = this.tsApi;
    if (this.stableNodes.has(expr)) return true;
    return ts.isNumericLiteral(expr) || ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr) || ts.isBigIntLiteral(expr) ||
      expr.kind === this.SK.TrueKeyword || expr.kind === this.SK.FalseKeyword || expr.kind === this.SK.NullKeyword ||
      (ts.isVoidExpression(expr) && ts.isNumericLiteral(expr.expression));
  }

  // ---------------------------------------------------------------- statements

  private lowerStatements(statements: readonly ts.Statement[]): void {
    for (const s of statements) this.lowerStatement(s);
  }

  private lowerStatement(s: ts.Statement, labels: string[] = []): void {
    const mark = this.usedTemps.length;
    try {
      this.lowerStatementInner(s, labels);
    } finally {
      const released = this.usedTemps.splice(mark);
      this.freeTemps.push(...released);
    }
  }

  private lowerStatementInner(s: ts.Statement, labels: string[]): void {
    const ts = this.tsApi;
    const f = this.f;
    if (!this.containsYield(s) && !ts.isLabeledStatement(s)) {
      for (const out of this.rewriteStatement(s)) this.emit(ts.setSourceMapRange(out, s), this.isTerminator(out));
      return;
    }
    if (ts.isBlock(s)) {
      this.enterScope(s, s.statements);
      return this.lowerStatements(s.statements);
    }
    if (ts.isExpressionStatement(s)) {
      const e = this.lowerExpr(s.expression, true);
      if (!this.isStable(e) && !(ts.isIdentifier(e) && e.text === this.names.value)) this.emit(ts.setSourceMapRange(f.createExpressionStatement(e), s));
      return;
    }
    if (ts.isVariableStatement(s)) return this.lowerDeclarationList(s.declarationList, s);
    if (ts.isIfStatement(s)) {
      const test = this.lowerExpr(s.expression);
      const elseLabel = this.newLabel();
      const end = s.elseStatement !== undefined ? this.newLabel() : elseLabel;
      this.emit(ts.setSourceMapRange(f.createIfStatement(f.createLogicalNot(test), f.createBlock([this.setState(elseLabel), this.continueDispatch()])), s.expression));
      this.lowerStatement(s.thenStatement);
      if (s.elseStatement !== undefined) {
        if (!this.terminated) this.jump(end);
        this.mark(elseLabel);
        this.lowerStatement(s.elseStatement);
      }
      this.mark(end);
      return;
    }
    if (ts.isReturnStatement(s)) {
      const value = s.expression !== undefined ? this.lowerExpr(s.expression) : f.createVoidZero();
      const out = this.returnStatements(value, this.regions);
      for (const o of out) ts.setSourceMapRange(o, s);
      this.emitAll(out, true);
      return;
    }
    if (ts.isThrowStatement(s)) {
      const value = this.lowerExpr(s.expression);
      this.emit(ts.setSourceMapRange(f.createThrowStatement(value), s), true);
      return;
    }
    if (ts.isLabeledStatement(s)) {
      const all = [...labels, s.label.text];
      const inner = s.statement;
      if (!this.containsYield(inner)) {
        for (const out of this.rewriteStatement(s)) this.emit(ts.setSourceMapRange(out, s), this.isTerminator(out));
        return;
      }
      if (ts.isIterationStatement(inner, false) || ts.isLabeledStatement(inner)) return this.lowerStatement(inner, all);
      if (ts.isSwitchStatement(inner)) return this.lowerSwitch(inner, all);
      const end = this.newLabel();
      this.leaps.push({ labels: all, kind: 'block', brk: { label: end, depth: this.regions.length }, cont: undefined });
      this.lowerStatement(inner);
      this.leaps.pop();
      this.mark(end);
      return;
    }
    if (ts.isWhileStatement(s)) {
      const top = this.newLabel();
      const end = this.newLabel();
      this.mark(top);
      const test = this.lowerExpr(s.expression);
      this.emit(ts.setSourceMapRange(f.createIfStatement(f.createLogicalNot(test), f.createBlock([this.setState(end), this.continueDispatch()])), s.expression));
      this.loopBody(s.statement, labels, end, top);
      if (!this.terminated) this.jump(top);
      this.mark(end);
      if (this.mayRunNatively(s, s.expression)) this.nativeLoops.push({ node: s, kind: 'while', top, cont: top, end, hasTest: true, ownFields: [] });
      return;
    }
    if (ts.isDoStatement(s)) {
      const top = this.newLabel();
      const cont = this.newLabel();
      const end = this.newLabel();
      this.mark(top);
      this.loopBody(s.statement, labels, end, cont);
      this.mark(cont);
      const test = this.lowerExpr(s.expression);
      this.emit(ts.setSourceMapRange(f.createIfStatement(test, f.createBlock([this.setState(top), this.continueDispatch()])), s.expression));
      this.mark(end);
      if (this.mayRunNatively(s, s.expression)) this.nativeLoops.push({ node: s, kind: 'do', top, cont, end, hasTest: true, ownFields: [] });
      return;
    }
    if (ts.isForStatement(s)) {
      const env = this.envs.get(s);
      // A `let` head is copied into a fresh environment before each iteration's test (the spec's
      // CreatePerIterationEnvironment); a `const` head keeps the one it was declared in.
      const perIteration = env !== undefined && s.initializer !== undefined && ts.isVariableDeclarationList(s.initializer) && declarationKind(ts, s.initializer) === 'let';
      this.enterScope(s, []);
      if (s.initializer !== undefined) {
        if (ts.isVariableDeclarationList(s.initializer)) this.lowerDeclarationList(s.initializer, s.initializer);
        else {
          const e = this.lowerExpr(s.initializer, true);
          if (!this.isStable(e)) this.emit(ts.setSourceMapRange(f.createExpressionStatement(e), s.initializer));
        }
      }
      // Closures made by the initializer keep its environment; without any, the first copy is unobservable.
      if (perIteration && this.containsFunction(s.initializer!)) this.copyEnv(env!);
      const top = this.newLabel();
      const cont = this.newLabel();
      const end = this.newLabel();
      this.mark(top);
      if (s.condition !== undefined) {
        const test = this.lowerExpr(s.condition);
        this.emit(ts.setSourceMapRange(f.createIfStatement(f.createLogicalNot(test), f.createBlock([this.setState(end), this.continueDispatch()])), s.condition));
      }
      this.loopBody(s.statement, labels, end, cont);
      this.mark(cont);
      if (perIteration) this.copyEnv(env!);
      if (s.incrementor !== undefined) {
        const e = this.lowerExpr(s.incrementor, true);
        if (!this.isStable(e)) this.emit(ts.setSourceMapRange(f.createExpressionStatement(e), s.incrementor));
      }
      this.jump(top);
      this.mark(end);
      if (this.mayRunNatively(s, s.condition, s.incrementor)) this.nativeLoops.push({ node: s, kind: 'for', top, cont, end, hasTest: s.condition !== undefined, ownFields: [] });
      return;
    }
    if (ts.isForOfStatement(s)) return this.lowerForOf(s, labels);
    if (ts.isSwitchStatement(s)) return this.lowerSwitch(s, labels);
    if (ts.isTryStatement(s)) return this.lowerTry(s);
    if (ts.isForInStatement(s)) return this.lowerForIn(s, labels);
    throw new Unsupported(s, `a ${ts.SyntaxKind[s.kind]} containing \`yield\` is not supported`);
  }

  private isTerminator(s: ts.Statement): boolean {
    const ts = this.tsApi;
    return ts.isReturnStatement(s) || ts.isThrowStatement(s) || ts.isContinueStatement(s) || ts.isBreakStatement(s) || this.jumpBlocks.has(s);
  }

  private loopBody(body: ts.Statement, labels: string[], brk: number, cont: number): void {
    this.leaps.push({ labels, kind: 'loop', brk: { label: brk, depth: this.regions.length }, cont: { label: cont, depth: this.regions.length } });
    this.lowerStatement(body);
    this.leaps.pop();
  }

  private lowerDeclarationList(list: ts.VariableDeclarationList, rangeNode: ts.Node): void {
    const ts = this.tsApi;
    const f = this.f;
    const isVar = !(list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const));
    for (const d of list.declarations) {
      if (d.initializer === undefined) {
        if (!isVar) for (const target of this.bindingTargets(d.name)) this.emit(ts.setSourceMapRange(f.createExpressionStatement(f.createAssignment(target, f.createVoidZero())), d));
        continue;
      }
      const value = this.lowerExpr(d.initializer);
      if (!ts.isIdentifier(d.name) && this.containsYield(d.name)) this.destructure(d.name, this.spill(value));
      else this.emit(ts.setSourceMapRange(f.createExpressionStatement(f.createAssignment(this.bindingToTarget(d.name), this.keepName(d.name, value, d.initializer))), d));
    }
    void rangeNode;
  }

  /**
   * An array pattern with `yield` inside: its iterator stepped element by element, kept in a region
   * like a for-of's, so that any abrupt completion while it is not done (a throw, or a `return()`
   * while suspended in a default) closes it, and a normal end closes it unless it is done. `$done`
   * is set before each step and cleared once a value is read, so an iterator whose `next` or `value`
   * throws is not closed, as the spec says.
   */
  private destructureArray(target: ts.ArrayBindingPattern | ts.ArrayLiteralExpression, value: ts.Expression): void {
    const ts = this.tsApi;
    const f = this.f;
    const it = this.addField('$iterator');
    const nextField = this.addField('$next');
    const done = this.addField('$done');
    const fin: FinallyInfo = { label: this.newLabel(), fField: this.addField('$completion'), vField: this.addField('$completionValue'), jumps: [] };
    this.fields.find((x) => x.name === fin.fField)!.init = 'zero';
    this.hasRegions = true;
    this.emit(ts.setSourceMapRange(this.assignField(it, f.createCallExpression(this.rt('iteratorOf'), undefined, [value])), target));
    this.emit(this.assignField(nextField, f.createPropertyAccessExpression(this.thisField_(it), 'next')));
    this.emit(this.assignField(done, f.createFalse()));
    const outer = [...this.regions];
    const end = this.newLabel();
    this.regions.push({ kind: 'forof', catchLabel: undefined, fin });
    this.mark(this.newLabel());
    const r = this.id(this.names.result);
    // `{ this.$done = true; const result = next(); <object check>; if (!result.done) { into = result.value; this.$done = false; } }`
    const step = (into: ts.Expression | undefined, push: boolean): ts.Statement[] => {
      const notObject = f.createLogicalOr(
        f.createStrictEquality(r, f.createNull()),
        f.createLogicalAnd(f.createStrictInequality(f.createTypeOfExpression(r), f.createStringLiteral('object')), f.createStrictInequality(f.createTypeOfExpression(r), f.createStringLiteral('function'))),
      );
      const got: ts.Statement[] = [];
      if (into !== undefined) got.push(f.createExpressionStatement(push ? f.createCallExpression(f.createPropertyAccessExpression(into, 'push'), undefined, [f.createPropertyAccessExpression(r, 'value')]) : f.createAssignment(into, f.createPropertyAccessExpression(r, 'value'))));
      got.push(this.assignField(done, f.createFalse()));
      return [
        this.assignField(done, f.createTrue()),
        f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(r, undefined, undefined, f.createCallExpression(f.createPropertyAccessExpression(this.thisField_(nextField), 'call'), undefined, [this.thisField_(it)]))], ts.NodeFlags.Const)),
        f.createIfStatement(notObject, f.createThrowStatement(f.createNewExpression(f.createIdentifier('TypeError'), undefined, [f.createBinaryExpression(f.createBinaryExpression(f.createStringLiteral('Iterator result '), this.SK.PlusToken, f.createCallExpression(f.createIdentifier('String'), undefined, [r])), this.SK.PlusToken, f.createStringLiteral(' is not an object'))]))),
        f.createIfStatement(f.createLogicalNot(f.createPropertyAccessExpression(r, 'done')), f.createBlock(got, true)),
      ];
    };
    const elements = ts.isArrayBindingPattern(target) ? target.elements : target.elements;
    for (const element of elements) {
      if (ts.isOmittedExpression(element)) {
        this.emit(f.createIfStatement(f.createLogicalNot(this.thisField_(done)), f.createBlock(step(undefined, false), true)));
        continue;
      }
      let sub: ts.BindingName | ts.Expression;
      let init: ts.Expression | undefined;
      let rest = false;
      if (ts.isBindingElement(element)) {
        sub = element.name;
        init = element.initializer;
        rest = element.dotDotDotToken !== undefined;
      } else if (ts.isSpreadElement(element)) {
        sub = element.expression;
        rest = true;
      } else if (ts.isBinaryExpression(element) && element.operatorToken.kind === this.SK.EqualsToken) {
        sub = element.left;
        init = element.right;
      } else sub = element;
      const place = this.assignmentPlace(sub);
      const temp = this.newTemp();
      if (rest) {
        // The rest: every remaining value, in one go (nothing suspends while it is collected).
        this.emit(this.assignField(temp, f.createArrayLiteralExpression([])));
        this.emit(f.createWhileStatement(f.createLogicalNot(this.thisField_(done)), f.createBlock(step(this.thisField_(temp), true), true)));
      } else {
        this.emit(this.assignField(temp, f.createVoidZero()));
        this.emit(ts.setSourceMapRange(f.createIfStatement(f.createLogicalNot(this.thisField_(done)), f.createBlock(step(this.thisField_(temp), false), true)), element));
      }
      if (init !== undefined) {
        const skip = this.newLabel();
        this.emit(f.createIfStatement(f.createStrictInequality(this.thisField_(temp), f.createVoidZero()), f.createBlock([this.setState(skip), this.continueDispatch()])));
        this.emit(ts.setSourceMapRange(this.assignField(temp, this.keepName(sub, this.lowerExpr(init), init)), init));
        this.mark(skip);
      }
      const v = this.stable(this.thisField_(temp));
      if (place !== undefined) this.emit(ts.setSourceMapRange(f.createExpressionStatement(f.createAssignment(place, v)), element));
      else this.destructure(sub, v);
    }
    if (!this.terminated) {
      this.emit(this.assignField(fin.fField, f.createNumericLiteral(NORMAL)));
      this.jump(fin.label);
    }
    this.regions.pop();
    // Closing: quietly on a throw (then rethrown), checked otherwise; not at all once done.
    this.mark(fin.label);
    const close = f.createExpressionStatement(f.createCallExpression(this.rt('closeIterator'), undefined, [this.thisField_(it)]));
    this.emit(
      f.createIfStatement(
        f.createLogicalNot(this.thisField_(done)),
        f.createBlock([
          f.createIfStatement(
            f.createStrictEquality(this.thisField_(fin.fField), f.createNumericLiteral(THROW_CODE)),
            f.createBlock([f.createTryStatement(f.createBlock([close]), f.createCatchClause(undefined, f.createBlock([])), undefined), f.createThrowStatement(this.thisField_(fin.vField))], true),
          ),
          close,
        ], true),
      ),
    );
    this.finallyEnd(fin, outer, true);
    this.mark(end);
  }

  /**
   * An assignment pattern's property or element target, its object and key evaluated before its value
   * is read (the spec's order); undefined for a binding, a plain name or a nested pattern.
   */
  private assignmentPlace(sub: ts.BindingName | ts.Expression): ts.Expression | undefined {
    const ts = this.tsApi;
    const f = this.f;
    const subIsPattern = ts.isObjectBindingPattern(sub) || ts.isArrayBindingPattern(sub) || ts.isObjectLiteralExpression(sub) || ts.isArrayLiteralExpression(sub);
    if (subIsPattern || (ts.isIdentifier(sub) && this.scopes.bindings.some((b) => b.id === sub))) return undefined;
    const t = this.skipOuter(sub as ts.Expression);
    // `super[k]`: its key now (converted when written, as natively), a place for the store.
    if (this.isSuperProperty(t)) return this.superPlace(this.superKeyOf(t, (k) => this.spill(this.lowerExpr(k))));
    if (ts.isPropertyAccessExpression(t)) return f.createPropertyAccessExpression(this.spill(this.lowerExpr(t.expression)), t.name);
    if (ts.isElementAccessExpression(t)) {
      const [obj, k] = this.lowerList([t.expression, t.argumentExpression]).map((x) => this.spill(x));
      return f.createElementAccessExpression(obj!, k!);
    }
    if (this.containsYield(t)) throw new Unsupported(t, 'unsupported destructuring target around `yield`');
    return undefined;
  }

  /**
   * Destructuring with `yield` inside (a default, a computed key, an assignment target), for object
   * patterns: property by property, in the order of the spec's KeyedDestructuringAssignmentEvaluation
   * (the key; an assignment target's reference; the value read; the default if it is undefined; the
   * store or the nested pattern). A pattern without `yield` is left to the native destructuring.
   * Array patterns with `yield` (an iterator to keep and close across suspensions) and rest
   * properties among yields are declined.
   */
  private destructure(target: ts.BindingName | ts.Expression, value: ts.Expression): void {
    const ts = this.tsApi;
    const f = this.f;
    const isPattern = ts.isObjectBindingPattern(target) || ts.isArrayBindingPattern(target) || ts.isObjectLiteralExpression(target) || ts.isArrayLiteralExpression(target);
    if (!this.containsYield(target)) {
      const place = ts.isObjectBindingPattern(target) || ts.isArrayBindingPattern(target) || (ts.isIdentifier(target) && this.scopes.bindings.some((b) => b.id === target))
        ? this.bindingToTarget(target as ts.BindingName)
        : this.rewriteExpr(target as ts.Expression);
      const assign = f.createAssignment(place, value);
      this.emit(ts.setSourceMapRange(f.createExpressionStatement(isPattern && !ts.isObjectBindingPattern(target) && !ts.isArrayBindingPattern(target) ? f.createParenthesizedExpression(assign) : assign), target));
      return;
    }
    if (ts.isArrayBindingPattern(target) || ts.isArrayLiteralExpression(target)) return this.destructureArray(target, value);
    if (!ts.isObjectBindingPattern(target) && !ts.isObjectLiteralExpression(target)) {
      if (isPattern) throw new Unsupported(target, '`yield` inside an array destructuring pattern is not supported');
      // A simple assignment target with `yield` in it (`o[yield k]`): its reference, then the store.
      this.emit(ts.setSourceMapRange(f.createExpressionStatement(f.createAssignment(this.lowerReference(target as ts.Expression), value)), target));
      return;
    }
    // RequireObjectCoercible, as the native pattern does before reading anything.
    const nullish = f.createLogicalOr(f.createStrictEquality(value, f.createNull()), f.createStrictEquality(value, f.createVoidZero()));
    const plus = (a: ts.Expression, b: ts.Expression): ts.Expression => f.createBinaryExpression(a, this.SK.PlusToken, b);
    const shown = f.createCallExpression(f.createIdentifier('String'), undefined, [value]);
    const message = plus(plus(plus(plus(f.createStringLiteral('Cannot destructure \''), shown), f.createStringLiteral('\' as it is ')), shown), f.createStringLiteral('.'));
    this.emit(ts.setSourceMapRange(f.createIfStatement(nullish, f.createThrowStatement(f.createNewExpression(f.createIdentifier('TypeError'), undefined, [message]))), target));
    const parts: { name: ts.PropertyName; target: ts.BindingName | ts.Expression; init: ts.Expression | undefined; node: ts.Node }[] = [];
    let rest: { target: ts.BindingName | ts.Expression; node: ts.Node } | undefined;
    if (ts.isObjectBindingPattern(target)) {
      for (const e of target.elements) {
        if (e.dotDotDotToken !== undefined) {
          rest = { target: e.name, node: e };
          continue;
        }
        parts.push({ name: e.propertyName ?? (e.name as ts.Identifier), target: e.name, init: e.initializer, node: e });
      }
    } else {
      for (const p of target.properties) {
        if (ts.isShorthandPropertyAssignment(p)) parts.push({ name: p.name, target: p.name, init: p.objectAssignmentInitializer, node: p });
        else if (ts.isPropertyAssignment(p)) {
          const init = p.initializer;
          const withDefault = ts.isBinaryExpression(init) && init.operatorToken.kind === this.SK.EqualsToken;
          parts.push({ name: p.name, target: withDefault ? init.left : init, init: withDefault ? init.right : undefined, node: p });
        } else if (ts.isSpreadAssignment(p)) rest = { target: p.expression, node: p };
        else throw new Unsupported(p, 'a method in a destructuring pattern');
      }
    }
    // The rest excludes the keys taken, as property keys: known here unless computed.
    const excluded: string[] = [];
    if (rest !== undefined) {
      for (const part of parts) {
        const name = part.name;
        if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) excluded.push(name.text);
        else if (ts.isNumericLiteral(name)) excluded.push(String(Number(name.text)));
        else throw new Unsupported(name, 'a computed key beside a rest property in a destructuring pattern with `yield` is not supported');
      }
    }
    for (const part of parts) {
      const name = part.name;
      let key: ts.Expression;
      if (ts.isComputedPropertyName(name)) key = this.spill(this.lowerExpr(name.expression));
      else if (ts.isIdentifier(name)) key = f.createStringLiteral(name.text);
      else key = ts.isNumericLiteral(name) ? f.createNumericLiteral(name.text) : f.createStringLiteral((name as ts.StringLiteral).text);
      const sub = part.target;
      // An assignment target's reference comes before the read (a binding's name resolves to its field).
      const place = this.assignmentPlace(sub);
      const temp = this.newTemp();
      const read = ts.isIdentifier(name) ? f.createPropertyAccessExpression(value, name.text) : f.createElementAccessExpression(value, key);
      this.emit(ts.setSourceMapRange(this.assignField(temp, read), part.node));
      if (part.init !== undefined) {
        const skip = this.newLabel();
        this.emit(f.createIfStatement(f.createStrictInequality(this.thisField_(temp), f.createVoidZero()), f.createBlock([this.setState(skip), this.continueDispatch()])));
        this.emit(ts.setSourceMapRange(this.assignField(temp, this.keepName(sub, this.lowerExpr(part.init), part.init)), part.init));
        this.mark(skip);
      }
      const v = this.stable(this.thisField_(temp));
      if (place !== undefined) this.emit(ts.setSourceMapRange(f.createExpressionStatement(f.createAssignment(place, v)), part.node));
      else this.destructure(sub, v);
    }
    if (rest !== undefined) {
      // CopyDataProperties: the own enumerable properties not taken, in their order, as data properties.
      const place = this.assignmentPlace(rest.target);
      const temp = this.newTemp();
      const from = this.id(this.nameTable.fresh('from'));
      const key = this.id(this.nameTable.fresh('key'));
      const desc = this.id(this.nameTable.fresh('desc'));
      const call = (obj: string, method: string, args: ts.Expression[]): ts.Expression => f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(obj), method), undefined, args);
      const skip = excluded.length === 0 ? undefined : excluded.map((k) => f.createStrictEquality(key, f.createStringLiteral(k))).reduce((a, b) => f.createLogicalOr(a, b));
      const copy = f.createBlock([
        ...(skip !== undefined ? [f.createIfStatement(skip, f.createContinueStatement())] : []),
        f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(desc, undefined, undefined, call('Reflect', 'getOwnPropertyDescriptor', [from, key]))], ts.NodeFlags.Const)),
        f.createIfStatement(
          f.createLogicalAnd(f.createStrictInequality(desc, f.createVoidZero()), f.createPropertyAccessExpression(desc, 'enumerable')),
          f.createExpressionStatement(call('Object', 'defineProperty', [this.thisField_(temp), key, f.createObjectLiteralExpression([
            f.createPropertyAssignment('value', f.createElementAccessExpression(from, key)),
            f.createPropertyAssignment('writable', f.createTrue()),
            f.createPropertyAssignment('enumerable', f.createTrue()),
            f.createPropertyAssignment('configurable', f.createTrue()),
          ], false)])),
        ),
      ], true);
      this.emit(this.assignField(temp, f.createObjectLiteralExpression([])));
      this.emit(ts.setSourceMapRange(f.createBlock([
        f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(from, undefined, undefined, f.createCallExpression(f.createIdentifier('Object'), undefined, [value]))], ts.NodeFlags.Const)),
        f.createForOfStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(key)], ts.NodeFlags.Const), call('Reflect', 'ownKeys', [from]), copy),
      ], true), rest.node));
      const v = this.stable(this.thisField_(temp));
      if (place !== undefined) this.emit(ts.setSourceMapRange(f.createExpressionStatement(f.createAssignment(place, v)), rest.node));
      else this.destructure(rest.target, v);
    }
  }

  private bindingTargets(name: ts.BindingName): ts.Expression[] {
    const ts = this.tsApi;
    if (ts.isIdentifier(name)) return [this.placeOfDeclaration(name)];
    const out: ts.Expression[] = [];
    for (const e of name.elements) if (ts.isBindingElement(e)) out.push(...this.bindingTargets(e.name));
    return out;
  }

  private placeOfDeclaration(id: ts.Identifier): ts.Expression {
    const b = this.scopes.bindings.find((x) => x.id === id);
    if (b === undefined || !this.onFrame(b)) throw new Unsupported(id, `internal: '${id.text}' has no frame field`);
    return this.ownRef(b, id);
  }

  private onFrame(b: Binding | undefined): boolean {
    return b !== undefined && (b.field !== undefined || b.envField !== undefined);
  }

  /** Where the coroutine's own code reads and writes `b`: `this.x`, or `this.$env.x` for a per-iteration one. */
  private ownRef(b: Binding, at: ts.Node): ts.Expression {
    const place = b.field !== undefined ? this.thisField_(b.field) : this.f.createPropertyAccessExpression(this.thisField_(b.envField!), b.envKey!);
    return this.tsApi.setSourceMapRange(place, at);
  }

  /**
   * A closure's reference to a per-iteration binding: through the `const` its statement copies the
   * current environment into (captureEnvironments), so the closure keeps its iteration's binding.
   */
  private capturedRef(b: Binding, at: ts.Node): ts.Expression {
    return this.tsApi.setSourceMapRange(this.f.createPropertyAccessExpression(this.capturedEnv(b.envField!, at, b.name), b.envKey!), at);
  }

  /** The `const` (or parameter) a closure made here reads the environment in `envField` through. */
  private capturedEnv(envField: string, at: ts.Node, name = 'a per-iteration binding'): ts.Identifier {
    let local = this.envLocals.get(envField);
    if (local === undefined) {
      local = this.nameTable.fresh('env');
      this.envLocals.set(envField, local);
    }
    if (this.captureByCall) {
      if (this.closureCaptures === undefined) throw new Unsupported(at, `a closure over '${name}', a per-iteration binding, here needs a target of ES2015 or later`);
      this.closureCaptures.add(local);
    }
    return this.id(local);
  }

  /**
   * Entering a scope of the coroutine's own code: its environment object, made anew (each iteration
   * of a loop gets its own), then its function declarations, hoisted as a JavaScript scope does.
   */
  private enterScope(node: ts.Node, statements: readonly ts.Statement[]): void {
    const ts = this.tsApi;
    const f = this.f;
    const env = this.envs.get(node);
    if (env !== undefined) {
      const fresh = f.createObjectLiteralExpression(env.bindings.map((b) => f.createPropertyAssignment(b.envKey!, f.createVoidZero())), false);
      this.emit(this.assignField(env.field, fresh));
    }
    for (const s of statements) {
      if (!ts.isFunctionDeclaration(s) || s.body === undefined || s.name === undefined) continue;
      const b = this.scopes.scopes.get(node)?.bindings.get(s.name.text);
      if (b === undefined || !this.onFrame(b)) continue;
      this.hoisting = s;
      let out: ts.FunctionDeclaration;
      try {
        out = this.rewriteNode(s) as ts.FunctionDeclaration;
      } finally {
        this.hoisting = undefined;
      }
      const modifiers = out.modifiers?.filter((m) => m.kind === this.SK.AsyncKeyword);
      const fn = f.createFunctionExpression(modifiers, out.asteriskToken, out.name, undefined, out.parameters, undefined, out.body!);
      const value = this.withCaptures(ts.setSourceMapRange(fn, s), this.lastCaptures);
      this.lastCaptures = undefined;
      this.emit(ts.setSourceMapRange(f.createExpressionStatement(f.createAssignment(this.ownRef(b, s.name), value)), s));
    }
  }

  /**
   * `const f = () => {}` names the function `f`; `this.f = () => {}` would not (a property is no
   * identifier reference). An anonymous function or class stored in a frame field gets its name from a
   * property definition instead, which names it the same way: `({ f: () => {} }).f`.
   */
  private keepName(name: ts.Node, value: ts.Expression, original: ts.Expression | undefined): ts.Expression {
    const ts = this.tsApi;
    const f = this.f;
    if (original === undefined || !ts.isIdentifier(name)) return value;
    const b = this.scopes.bindings.find((x) => x.id === name) ?? this.scopes.refs.get(name);
    if (b !== undefined && !this.onFrame(b)) return value;
    const inner = this.skipOuter(original);
    const anonymous = ts.isArrowFunction(inner) || ((ts.isFunctionExpression(inner) || ts.isClassExpression(inner)) && inner.name === undefined);
    if (!anonymous) return value;
    const text = name.text;
    // `__proto__: v` would set the prototype; a computed key names the function all the same (below
    // ES2015 TypeScript writes that key as an assignment, which names nothing).
    if (text === '__proto__' && this.captureByCall) throw new Unsupported(original, 'an anonymous function named `__proto__` by its binding needs a target of ES2015 or later');
    const key = text === '__proto__' ? f.createComputedPropertyName(f.createStringLiteral(text)) : f.createIdentifier(text);
    const holder = f.createParenthesizedExpression(f.createObjectLiteralExpression([f.createPropertyAssignment(key, value)], false));
    return text === '__proto__' ? f.createElementAccessExpression(holder, f.createStringLiteral(text)) : f.createPropertyAccessExpression(holder, text);
  }

  /** `((env) => closure)(this.$env)`: the closure keeps the environments current where it is made. */
  private withCaptures(closure: ts.Expression, captures: Set<string> | undefined): ts.Expression {
    if (captures === undefined || captures.size === 0) return closure;
    const f = this.f;
    const fieldOfLocal = new Map([...this.envLocals].map(([field, local]) => [local, field]));
    const params = [...captures].map((local) => f.createParameterDeclaration(undefined, undefined, local));
    const arrow = f.createArrowFunction(undefined, undefined, params, undefined, f.createToken(this.SK.EqualsGreaterThanToken), closure);
    return f.createCallExpression(f.createParenthesizedExpression(arrow), undefined, [...captures].map((local) => this.thisField_(fieldOfLocal.get(local)!)));
  }

  /** Would `node`, an anonymous function or class, take a name from where it stands (`const f = () => {}`)? */
  private namedByContext(node: ts.Node): boolean {
    const ts = this.tsApi;
    let n = node;
    let p = n.parent;
    while (p !== undefined && ts.isParenthesizedExpression(p)) {
      n = p;
      p = p.parent;
    }
    if (p === undefined) return true;
    if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isBindingElement(p) || ts.isParameter(p) || ts.isPropertyDeclaration(p)) return p.initializer === n;
    if (ts.isShorthandPropertyAssignment(p)) return p.objectAssignmentInitializer === n;
    if (ts.isBinaryExpression(p)) return p.right === n && p.operatorToken.kind >= this.SK.FirstAssignment && p.operatorToken.kind <= this.SK.LastAssignment;
    return false;
  }

  /** The next iteration's environment: a copy of this one (its closures keep the old). */
  private copyEnv(env: { field: string; bindings: Binding[] }): void {
    const f = this.f;
    const copy = f.createObjectLiteralExpression(env.bindings.map((b) => f.createPropertyAssignment(b.envKey!, f.createPropertyAccessExpression(this.thisField_(env.field), b.envKey!))), false);
    this.emit(this.assignField(env.field, copy));
  }

  /**
   * Every statement that makes closures over per-iteration bindings starts by copying the current
   * environments into `const`s of its own block: a block's `const` is a fresh binding each time the
   * statement runs, so each closure keeps the environment of the iteration that created it.
   */
  private captureEnvironments(): void {
    const ts = this.tsApi;
    const f = this.f;
    if (this.envLocals.size === 0 || this.captureByCall) return;
    const fieldOfLocal = new Map([...this.envLocals].map(([field, local]) => [local, field]));
    for (const c of this.cases) {
      c.stmts = c.stmts.map((statement) => {
        const used = new Set<string>();
        const visit = (node: ts.Node): void => {
          if (ts.isIdentifier(node) && fieldOfLocal.has(node.text)) used.add(node.text);
          ts.forEachChild(node, visit);
        };
        visit(statement);
        if (used.size === 0) return statement;
        const decls = [...used].map((local) => f.createVariableDeclaration(local, undefined, undefined, this.thisField_(fieldOfLocal.get(local)!)));
        return f.createBlock([f.createVariableStatement(undefined, f.createVariableDeclarationList(decls, ts.NodeFlags.Const)), statement], true);
      });
    }
  }

  /** A binding pattern as the equivalent assignment target (fields for the bound names). */
  private bindingToTarget(name: ts.BindingName): ts.Expression {
    const ts = this.tsApi;
    const f = this.f;
    if (ts.isIdentifier(name)) {
      const b = this.scopes.bindings.find((x) => x.id === name);
      if (b !== undefined && this.onFrame(b)) return this.ownRef(b, name);
      return f.createIdentifier(name.text);
    }
    const withDefault = (target: ts.Expression, init: ts.Expression | undefined, bound: ts.BindingName): ts.Expression => {
      if (init === undefined) return target;
      if (this.containsYield(init)) throw new Unsupported(init, '`yield` in a destructuring default is not supported yet');
      return f.createAssignment(target, this.keepName(bound, this.rewriteExpr(init), init));
    };
    if (ts.isObjectBindingPattern(name)) {
      return f.createObjectLiteralExpression(
        name.elements.map((e) => {
          if (e.dotDotDotToken !== undefined) return f.createSpreadAssignment(this.bindingToTarget(e.name));
          let key: ts.PropertyName;
          if (e.propertyName === undefined) key = f.createIdentifier((e.name as ts.Identifier).text);
          else if (ts.isComputedPropertyName(e.propertyName)) {
            if (this.containsYield(e.propertyName)) throw new Unsupported(e, '`yield` in a computed destructuring key is not supported yet');
            key = f.createComputedPropertyName(this.rewriteExpr(e.propertyName.expression));
          } else key = e.propertyName;
          return f.createPropertyAssignment(key, withDefault(this.bindingToTarget(e.name), e.initializer, e.name));
        }),
      );
    }
    return f.createArrayLiteralExpression(
      name.elements.map((e) => {
        if (ts.isOmittedExpression(e)) return e;
        if (e.dotDotDotToken !== undefined) return f.createSpreadElement(this.bindingToTarget(e.name));
        return withDefault(this.bindingToTarget(e.name), e.initializer, e.name);
      }),
    );
  }

  private lowerForOf(s: ts.ForOfStatement, labels: string[]): void {
    const ts = this.tsApi;
    const f = this.f;
    if (s.awaitModifier !== undefined) throw new Unsupported(s, '`for await` is not supported in coroutines');
    const iterable = this.lowerExpr(s.expression);
    const it = this.addField('$iterator');
    const nextField = this.addField('$next');
    const fin: FinallyInfo = { label: this.newLabel(), fField: this.addField('$completion'), vField: this.addField('$completionValue'), jumps: [] };
    this.fields.find((x) => x.name === fin.fField)!.init = 'zero';
    this.hasRegions = true;
    this.emit(ts.setSourceMapRange(this.assignField(it, f.createCallExpression(this.rt('iteratorOf'), undefined, [iterable])), s.expression));
    this.emit(this.assignField(nextField, f.createPropertyAccessExpression(this.thisField_(it), 'next')));
    const top = this.newLabel();
    const bodyLabel = this.newLabel();
    const end = this.newLabel();
    const outer = [...this.regions];
    this.mark(top);
    // { const r = this.$next.call(this.$iterator); if (!(r is an object)) throw TypeError; if (r.done) exit; value = r.value; }
    const r = this.id(this.names.result);
    const notObject = f.createLogicalOr(
      f.createStrictEquality(r, f.createNull()),
      f.createLogicalAnd(
        f.createStrictInequality(f.createTypeOfExpression(r), f.createStringLiteral('object')),
        f.createStrictInequality(f.createTypeOfExpression(r), f.createStringLiteral('function')),
      ),
    );
    this.emit(
      ts.setSourceMapRange(
        f.createBlock(
          [
            f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(r, undefined, undefined, f.createCallExpression(f.createPropertyAccessExpression(this.thisField_(nextField), 'call'), undefined, [this.thisField_(it)]))], ts.NodeFlags.Const)),
            f.createIfStatement(notObject, f.createThrowStatement(f.createNewExpression(f.createIdentifier('TypeError'), undefined, [f.createBinaryExpression(f.createBinaryExpression(f.createStringLiteral('Iterator result '), this.SK.PlusToken, f.createCallExpression(f.createIdentifier('String'), undefined, [r])), this.SK.PlusToken, f.createStringLiteral(' is not an object'))]))),
            f.createIfStatement(f.createPropertyAccessExpression(r, 'done'), f.createBlock([this.setState(end), this.continueDispatch()])),
            f.createExpressionStatement(f.createAssignment(this.id(this.names.value), f.createPropertyAccessExpression(r, 'value'))),
          ],
          true,
        ),
        s.initializer,
      ),
    );
    // The body and the loop variable's assignment close the iterator on any abrupt exit.
    this.regions.push({ kind: 'forof', catchLabel: undefined, fin });
    this.mark(bodyLabel);
    const value = this.id(this.names.value);
    this.enterScope(s, []);
    if (ts.isVariableDeclarationList(s.initializer)) {
      const d = s.initializer.declarations[0]!;
      if (!ts.isIdentifier(d.name) && this.containsYield(d.name)) this.destructure(d.name, this.spill(value));
      else this.emit(ts.setSourceMapRange(f.createExpressionStatement(f.createAssignment(this.bindingToTarget(d.name), value)), d));
    } else {
      if (this.containsYield(s.initializer)) throw new Unsupported(s.initializer, '`yield` in a for-of target is not supported');
      this.emit(ts.setSourceMapRange(f.createExpressionStatement(f.createAssignment(this.rewriteExpr(s.initializer), value)), s.initializer));
    }
    this.leaps.push({ labels, kind: 'loop', brk: { label: end, depth: outer.length }, cont: { label: top, depth: this.regions.length } });
    this.lowerStatement(s.statement);
    this.leaps.pop();
    if (!this.terminated) this.jump(top);
    this.regions.pop();
    // The close block: a throw closes quietly and rethrows; a return or jump closes, then carries on.
    this.terminated = true;
    this.mark(fin.label);
    const close = f.createExpressionStatement(f.createCallExpression(this.rt('closeIterator'), undefined, [this.thisField_(it)]));
    this.emit(
      f.createIfStatement(
        f.createStrictEquality(this.thisField_(fin.fField), f.createNumericLiteral(THROW_CODE)),
        f.createBlock([f.createTryStatement(f.createBlock([close]), f.createCatchClause(undefined, f.createBlock([])), undefined), f.createThrowStatement(this.thisField_(fin.vField))], true),
      ),
    );
    this.emit(close);
    this.finallyEnd(fin, outer, false);
    this.terminated = true;
    this.mark(end);
    if (this.mayRunNatively(s, s.initializer)) this.nativeLoops.push({ node: s, kind: 'forof', top, cont: top, end, hasTest: false, fin: fin.label, ownFields: [it, nextField] });
  }

  /**
   * `for (k in o)` across suspensions, as V8 runs it: the keys are those a native for-in lists when
   * the loop starts (collected by one, so order, prototype keys and shadowing are its own), and each
   * is visited only if `o` still has it then (a key deleted before its turn is skipped, one added
   * later never comes). Nothing to close on an early exit.
   */
  private lowerForIn(s: ts.ForInStatement, labels: string[]): void {
    const ts = this.tsApi;
    const f = this.f;
    const source = this.lowerExpr(s.expression);
    const object = this.addField('$forIn');
    const keys = this.addField('$keys');
    const index = this.addField('$index');
    const key = this.id(this.nameTable.fresh('key'));
    this.emit(ts.setSourceMapRange(this.assignField(object, f.createCallExpression(f.createIdentifier('Object'), undefined, [source])), s.expression));
    this.emit(this.assignField(keys, f.createArrayLiteralExpression([])));
    this.emit(
      f.createForInStatement(
        f.createVariableDeclarationList([f.createVariableDeclaration(key)], ts.NodeFlags.Const),
        this.thisField_(object),
        f.createExpressionStatement(f.createCallExpression(f.createPropertyAccessExpression(this.thisField_(keys), 'push'), undefined, [key])),
      ),
    );
    this.emit(this.assignField(index, f.createNumericLiteral(0)));
    const top = this.newLabel();
    const end = this.newLabel();
    this.mark(top);
    const value = this.id(this.names.value);
    this.emit(f.createIfStatement(f.createLogicalNot(f.createLessThan(this.thisField_(index), f.createPropertyAccessExpression(this.thisField_(keys), 'length'))), f.createBlock([this.setState(end), this.continueDispatch()])));
    this.emit(f.createExpressionStatement(f.createAssignment(value, f.createElementAccessExpression(this.thisField_(keys), f.createPostfixIncrement(this.thisField_(index))))));
    this.emit(f.createIfStatement(f.createLogicalNot(f.createParenthesizedExpression(f.createBinaryExpression(value, this.SK.InKeyword, this.thisField_(object)))), f.createBlock([this.setState(top), this.continueDispatch()])));
    this.enterScope(s, []);
    if (ts.isVariableDeclarationList(s.initializer)) {
      const d = s.initializer.declarations[0]!;
      this.emit(ts.setSourceMapRange(f.createExpressionStatement(f.createAssignment(this.bindingToTarget(d.name), value)), d));
    } else {
      if (this.containsYield(s.initializer)) throw new Unsupported(s.initializer, '`yield` in a for-in target is not supported');
      this.emit(ts.setSourceMapRange(f.createExpressionStatement(f.createAssignment(this.rewriteExpr(s.initializer), value)), s.initializer));
    }
    this.loopBody(s.statement, labels, end, top);
    if (!this.terminated) this.jump(top);
    this.mark(end);
    if (this.mayRunNatively(s, s.initializer)) this.nativeLoops.push({ node: s, kind: 'while', top, cont: top, end, hasTest: true, ownFields: [object, keys, index] });
  }

  private lowerSwitch(s: ts.SwitchStatement, labels: string[]): void {
    const ts = this.tsApi;
    const f = this.f;
    const testsHaveYield = s.caseBlock.clauses.some((c) => ts.isCaseClause(c) && this.containsYield(c.expression));
    const discValue = this.lowerExpr(s.expression);
    const disc = testsHaveYield ? this.spill(discValue) : discValue;
    this.enterScope(s.caseBlock, s.caseBlock.clauses.flatMap((c) => [...c.statements]));
    const end = this.newLabel();
    const clauseLabels = s.caseBlock.clauses.map(() => this.newLabel());
    let defaultLabel = end;
    s.caseBlock.clauses.forEach((c, i) => {
      if (ts.isDefaultClause(c)) defaultLabel = clauseLabels[i]!;
    });
    if (!testsHaveYield) {
      // A native switch only picks the clause; its body runs as states.
      const clauses: ts.CaseOrDefaultClause[] = [];
      s.caseBlock.clauses.forEach((c, i) => {
        const jump = [this.setState(clauseLabels[i]!), this.continueDispatch()];
        clauses.push(ts.isCaseClause(c) ? ts.setSourceMapRange(f.createCaseClause(this.rewriteExpr(c.expression), jump), c) : f.createDefaultClause(jump));
      });
      if (defaultLabel === end) clauses.push(f.createDefaultClause([this.setState(end), this.continueDispatch()]));
      this.emit(ts.setSourceMapRange(f.createSwitchStatement(disc, f.createCaseBlock(clauses)), s), true);
    } else {
      s.caseBlock.clauses.forEach((c, i) => {
        if (!ts.isCaseClause(c)) return;
        const test = this.lowerExpr(c.expression);
        this.emit(ts.setSourceMapRange(f.createIfStatement(f.createStrictEquality(disc, test), f.createBlock([this.setState(clauseLabels[i]!), this.continueDispatch()])), c));
      });
      this.jump(defaultLabel);
    }
    this.leaps.push({ labels, kind: 'switch', brk: { label: end, depth: this.regions.length }, cont: undefined });
    s.caseBlock.clauses.forEach((c, i) => {
      this.mark(clauseLabels[i]!);
      this.lowerStatements(c.statements);
    });
    this.leaps.pop();
    this.mark(end);
  }

  private lowerTry(s: ts.TryStatement): void {
    const ts = this.tsApi;
    const f = this.f;
    this.hasRegions = true;
    const outer = [...this.regions];
    const catchLabel = s.catchClause !== undefined ? this.newLabel() : undefined;
    let fin: FinallyInfo | undefined;
    if (s.finallyBlock !== undefined) {
      fin = { label: this.newLabel(), fField: this.addField('$completion'), vField: this.addField('$completionValue'), jumps: [] };
      this.fields.find((x) => x.name === fin!.fField)!.init = 'zero';
    }
    const end = this.newLabel();
    const normalExit = (): void => {
      if (this.terminated) return;
      if (fin !== undefined) {
        this.emit(this.assignField(fin.fField, f.createNumericLiteral(NORMAL)));
        this.jump(fin.label);
      } else this.jump(end);
    };
    this.regions.push({ kind: 'try', catchLabel, fin });
    this.mark(this.newLabel());
    this.lowerStatement(s.tryBlock);
    normalExit();
    this.regions.pop();
    if (s.catchClause !== undefined && catchLabel !== undefined) {
      this.regions.push({ kind: 'catch', catchLabel: undefined, fin });
      this.mark(catchLabel);
      this.enterScope(s.catchClause, []);
      const decl = s.catchClause.variableDeclaration;
      if (decl !== undefined) {
        this.emit(ts.setSourceMapRange(f.createExpressionStatement(f.createAssignment(this.bindingToTarget(decl.name), this.id(this.names.value))), decl));
      }
      this.lowerStatement(s.catchClause.block);
      normalExit();
      this.regions.pop();
    }
    if (fin !== undefined && s.finallyBlock !== undefined) {
      this.mark(fin.label);
      this.lowerStatement(s.finallyBlock);
      if (!this.terminated) this.finallyEnd(fin, outer, true);
    }
    this.mark(end);
  }

  // ---------------------------------------------------------------- expressions

  /**
   * Lowers an expression that may contain `yield`: emits what must run before, returns what computes
   * its value. The result reads `value` only when it is the value of the last suspension.
   */
  private lowerExpr(e: ts.Expression, discard = false): ts.Expression {
    const ts = this.tsApi;
    const f = this.f;
    if (!this.containsYield(e)) return this.rewriteExpr(e);
    if (ts.isYieldExpression(e)) return this.lowerYield(e);
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)) {
      return this.lowerExpr(e.expression, discard);
    }
    if (ts.isBinaryExpression(e)) return this.lowerBinary(e, discard);
    if (ts.isConditionalExpression(e)) {
      const test = this.lowerExpr(e.condition);
      const temp = this.newTemp();
      const elseLabel = this.newLabel();
      const end = this.newLabel();
      this.emit(f.createIfStatement(f.createLogicalNot(test), f.createBlock([this.setState(elseLabel), this.continueDispatch()])));
      this.emit(this.assignField(temp, this.lowerExpr(e.whenTrue)));
      this.jump(end);
      this.mark(elseLabel);
      this.emit(this.assignField(temp, this.lowerExpr(e.whenFalse)));
      this.mark(end);
      return this.stable(this.thisField_(temp));
    }
    if (ts.isCallExpression(e)) return this.lowerCall(e);
    if (ts.isNewExpression(e)) {
      const [callee, ...args] = this.lowerList([e.expression, ...(e.arguments ?? [])]);
      return f.createNewExpression(callee!, undefined, args);
    }
    if ((ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isCallExpression(e) || ts.isNonNullExpression(e)) && (e.flags & ts.NodeFlags.OptionalChain) !== 0) {
      return this.lowerOptionalChain(e);
    }
    if (ts.isPropertyAccessExpression(e)) {
      return f.createPropertyAccessExpression(this.lowerExpr(e.expression), e.name);
    }
    if (ts.isElementAccessExpression(e)) {
      if (e.expression.kind === this.SK.SuperKeyword) return this.superGet(this.lowerExpr(e.argumentExpression));
      const [obj, key] = this.lowerList([e.expression, e.argumentExpression]);
      return f.createElementAccessExpression(obj!, key!);
    }
    if (ts.isArrayLiteralExpression(e)) return f.createArrayLiteralExpression(this.lowerList(e.elements), false);
    if (ts.isObjectLiteralExpression(e)) return this.lowerObject(e);
    if (ts.isTemplateExpression(e)) {
      const parts = this.lowerList(e.templateSpans.map((span) => span.expression), true);
      return f.createTemplateExpression(
        e.head,
        e.templateSpans.map((span, i) => f.createTemplateSpan(parts[i]!, span.literal)),
      );
    }
    if ((ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) && (e.operator === this.SK.PlusPlusToken || e.operator === this.SK.MinusMinusToken)) {
      // The reference's parts evaluated (and suspended in) first; then the native ++/-- on them.
      const target = this.lowerReference(e.operand);
      return ts.isPrefixUnaryExpression(e) ? f.createPrefixUnaryExpression(e.operator, target) : f.createPostfixUnaryExpression(target, e.operator);
    }
    if (ts.isPrefixUnaryExpression(e)) return f.createPrefixUnaryExpression(e.operator, this.lowerExpr(e.operand));
    if (ts.isTypeOfExpression(e)) return f.createTypeOfExpression(this.lowerExpr(e.expression));
    if (ts.isVoidExpression(e)) return f.createVoidExpression(this.lowerExpr(e.expression));
    if (ts.isDeleteExpression(e)) {
      if ((this.skipOuter(e.expression).flags & ts.NodeFlags.OptionalChain) !== 0) throw new Unsupported(e, '`delete` of an optional chain containing `yield` is not supported');
      const operand = this.skipOuter(e.expression);
      // `delete super[yield k]`: the key, then the deleter's ReferenceError.
      if (this.isSuperProperty(operand)) return this.superDelete(this.superKeyOf(operand, (k) => this.lowerExpr(k)));
      if (ts.isPropertyAccessExpression(operand) || ts.isElementAccessExpression(operand)) return f.createDeleteExpression(this.lowerExpr(e.expression));
      // `delete <value>` evaluates it and is true; `delete <local>` would not even parse in strict code.
      const value = this.lowerExpr(operand);
      if (!this.isStable(value)) this.emit(f.createExpressionStatement(value));
      return f.createTrue();
    }
    if (ts.isSpreadElement(e)) return f.createSpreadElement(this.lowerExpr(e.expression));
    throw new Unsupported(e, `\`yield\` inside a ${ts.SyntaxKind[e.kind]} is not supported yet`);
  }

  private stable<T extends ts.Expression>(e: T): T {
    this.stableNodes.add(e);
    return e;
  }

  /**
   * Lowers operands evaluated left to right: each operand before the last one containing `yield` is
   * spilled (its value taken before the suspension). Spread elements are spread into an array first;
   * template substitutions are converted to strings at their turn.
   */
  private lowerList(items: readonly ts.Expression[], templateParts = false): ts.Expression[] {
    const ts = this.tsApi;
    const f = this.f;
    let last = -1;
    items.forEach((item, i) => {
      if (this.containsYield(item)) last = i;
    });
    for (const item of items) if (item.kind === this.SK.SuperKeyword) throw new Unsupported(item, '`super` in this position around `yield` is not supported');
    return items.map((item, i) => {
      if (i > last) return ts.isOmittedExpression(item) ? item : this.rewriteExpr(item);
      if (ts.isOmittedExpression(item)) return item;
      if (ts.isSpreadElement(item)) {
        const inner = this.lowerExpr(item.expression);
        if (i === last) return f.createSpreadElement(inner);
        return f.createSpreadElement(this.spill(f.createArrayLiteralExpression([f.createSpreadElement(inner)])));
      }
      const value = this.lowerExpr(item);
      if (i === last) return value;
      if (templateParts) return this.spill(f.createTemplateExpression(f.createTemplateHead(''), [f.createTemplateSpan(value, f.createTemplateTail(''))]));
      return this.spill(value);
    });
  }

  private lowerYield(e: ts.YieldExpression): ts.Expression {
    const ts = this.tsApi;
    const f = this.f;
    const operand = e.expression !== undefined ? this.lowerExpr(e.expression) : f.createVoidZero();
    const label = this.newLabel();
    this.resumeLabels.add(label);
    this.resumeSites.set(label, e);
    const fiber = this.id(this.names.fiber);
    if (e.asteriskToken === undefined) {
      this.emitAll(
        [
          f.createExpressionStatement(f.createAssignment(f.createPropertyAccessExpression(fiber, 'yielded'), operand)),
          f.createExpressionStatement(f.createAssignment(f.createPropertyAccessExpression(fiber, 'signal'), this.constant('YIELDED'))),
          f.createExpressionStatement(f.createAssignment(f.createPropertyAccessExpression(fiber, 'top'), f.createThis())),
          this.suspendAt(label),
          f.createReturnStatement(this.rt('SUSPEND')),
        ].map((s) => ts.setSourceMapRange(s, e)),
        true,
      );
    } else {
      // The hybrid call of protocol.ts: a frame is stepped at once, in this JavaScript call.
      const child = this.id(this.names.child);
      const value = this.id(this.names.value);
      const suspendHere = (link: boolean): ts.Statement =>
        f.createIfStatement(
          f.createStrictEquality(value, this.rt('SUSPEND')),
          f.createBlock(
            [
              ...(link ? [f.createExpressionStatement(f.createAssignment(f.createPropertyAccessExpression(child, 'caller'), f.createThis()))] : []),
              this.suspendAt(label),
              f.createReturnStatement(this.rt('SUSPEND')),
            ],
            true,
          ),
        );
      const block = f.createBlock(
        [
          f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(child, undefined, undefined, operand)], ts.NodeFlags.Const)),
          f.createIfStatement(
            f.createLogicalAnd(
              // The brand is the runtime copy's SUSPEND: only frames of the runtime this code imports take the fast path.
              f.createStrictEquality(f.createPropertyAccessChain(child, f.createToken(this.SK.QuestionDotToken), 'isTsyncioFrame'), this.rt('SUSPEND')),
              // The budget, a parameter, bounds the depth of synchronous calls (protocol.ts).
              f.createGreaterThan(this.id(this.names.budget), f.createNumericLiteral(0)),
            ),
            f.createBlock(
              [
                // Mapped to the `yield*`: a JS stack through a synchronous call shows the caller there.
                f.createExpressionStatement(
                  f.createAssignment(
                    value,
                    ts.setSourceMapRange(
                      f.createCallExpression(f.createPropertyAccessExpression(child, 'step'), undefined, [
                        fiber,
                        this.constant('NEXT'),
                        f.createVoidZero(),
                        f.createSubtract(this.id(this.names.budget), f.createNumericLiteral(1)),
                      ]),
                      e,
                    ),
                  ),
                ),
                suspendHere(true),
              ],
              true,
            ),
            f.createBlock(
              [f.createExpressionStatement(f.createAssignment(value, ts.setSourceMapRange(f.createCallExpression(this.rt('delegate'), undefined, [fiber, f.createThis(), child]), e))), suspendHere(false)],
              true,
            ),
          ),
        ],
        true,
      );
      this.emit(ts.setSourceMapRange(block, e));
    }
    // Resumed here (or, after a call that returned at once, fallen into): `value` is the result.
    this.mark(label);
    return this.id(this.names.value);
  }

  private lowerBinary(e: ts.BinaryExpression, discard: boolean): ts.Expression {
    const ts = this.tsApi;
    const f = this.f;
    const op = e.operatorToken.kind;
    const SK = this.SK;
    if (op === SK.CommaToken) {
      const left = this.lowerExpr(e.left, true);
      if (!this.isStable(left) && !(ts.isIdentifier(left) && left.text === this.names.value)) this.emit(f.createExpressionStatement(left));
      return this.lowerExpr(e.right, discard);
    }
    if (op === SK.AmpersandAmpersandToken || op === SK.BarBarToken || op === SK.QuestionQuestionToken) {
      const left = this.lowerExpr(e.left);
      if (!this.containsYield(e.right)) return f.createBinaryExpression(left, op, this.rewriteExpr(e.right));
      const temp = this.newTemp();
      const end = this.newLabel();
      this.emit(this.assignField(temp, left));
      const t = this.thisField_(temp);
      const skip =
        op === SK.AmpersandAmpersandToken ? f.createLogicalNot(t) :
        op === SK.BarBarToken ? t :
        f.createLogicalAnd(f.createStrictInequality(t, f.createNull()), f.createStrictInequality(this.thisField_(temp), f.createVoidZero()));
      this.emit(f.createIfStatement(skip, f.createBlock([this.setState(end), this.continueDispatch()])));
      this.emit(this.assignField(temp, this.lowerExpr(e.right)));
      this.mark(end);
      return this.stable(this.thisField_(temp));
    }
    if (op >= SK.FirstAssignment && op <= SK.LastAssignment && this.isSuperProperty(this.skipOuter(e.left))) return this.lowerSuperAssignment(e);
    if (op === SK.EqualsToken) {
      const target = this.skipOuter(e.left);
      if (ts.isPropertyAccessExpression(target)) {
        if (target.questionDotToken !== undefined) throw new Unsupported(target, 'optional chain as an assignment target');
        const obj = this.spillIf(this.lowerExpr(target.expression), true);
        return f.createAssignment(f.createPropertyAccessExpression(obj, target.name), this.lowerExpr(e.right));
      }
      if (ts.isElementAccessExpression(target)) {
        const [obj, key] = this.lowerList([target.expression, target.argumentExpression]).map((x) => this.spillIf(x, true));
        return f.createAssignment(f.createElementAccessExpression(obj!, key!), this.lowerExpr(e.right));
      }
      if (this.containsYield(target)) {
        // The right side first, then the pattern; the assignment's value is the right side's.
        const value = this.spill(this.lowerExpr(e.right));
        this.destructure(target, value);
        return value;
      }
      const value = this.lowerExpr(e.right);
      return f.createAssignment(this.rewriteExpr(target as ts.Expression), value);
    }
    if (op >= SK.FirstCompoundAssignment && op <= SK.LastCompoundAssignment) {
      if (op === SK.AmpersandAmpersandEqualsToken || op === SK.BarBarEqualsToken || op === SK.QuestionQuestionEqualsToken) return this.lowerLogicalAssignment(e);
      const binaryOp = compoundToBinary(SK, op);
      const target = this.skipOuter(e.left);
      if (ts.isIdentifier(target)) {
        const old = this.spillIf(this.rewriteExpr(target), this.containsYield(e.right));
        const right = this.lowerExpr(e.right);
        return f.createAssignment(this.rewriteExpr(target), f.createBinaryExpression(old, binaryOp, right));
      }
      if (ts.isPropertyAccessExpression(target) && target.questionDotToken === undefined) {
        const obj = this.spillIf(this.lowerExpr(target.expression), true);
        const old = this.spill(f.createPropertyAccessExpression(obj, target.name));
        const right = this.lowerExpr(e.right);
        return f.createAssignment(f.createPropertyAccessExpression(obj, target.name), f.createBinaryExpression(old, binaryOp, right));
      }
      if (ts.isElementAccessExpression(target) && target.questionDotToken === undefined) {
        const [obj, key] = this.lowerList([target.expression, target.argumentExpression]).map((x) => this.spillIf(x, true));
        const old = this.spill(f.createElementAccessExpression(obj!, key!));
        const right = this.lowerExpr(e.right);
        return f.createAssignment(f.createElementAccessExpression(obj!, key!), f.createBinaryExpression(old, binaryOp, right));
      }
      throw new Unsupported(target, 'unsupported compound assignment target around `yield`');
    }
    const [left, right] = this.lowerList([e.left, e.right]);
    return f.createBinaryExpression(left!, op, right!);
  }

  /**
   * `super[k] = v`, `super[k] op= v`, `super[k] ??= v` with `yield` in `k` or `v`: the key (kept
   * if `v` suspends), the old value read through the reader before `v` (compound and logical), the
   * store through the writer after it. The key goes to the reader and the writer unconverted: each
   * converts it, and each looks the home object's prototype up, when it runs, as V8 does natively.
   */
  private lowerSuperAssignment(e: ts.BinaryExpression): ts.Expression {
    const f = this.f;
    const SK = this.SK;
    const target = this.skipOuter(e.left) as ts.PropertyAccessExpression | ts.ElementAccessExpression;
    const op = e.operatorToken.kind;
    const rightYields = this.containsYield(e.right);
    const key = this.superKeyOf(target, (k) => this.spillIf(this.lowerExpr(k), rightYields || op !== SK.EqualsToken));
    if (op === SK.EqualsToken) return this.superSet(key, this.lowerExpr(e.right));
    if (op === SK.AmpersandAmpersandEqualsToken || op === SK.BarBarEqualsToken || op === SK.QuestionQuestionEqualsToken) {
      const temp = this.newTemp();
      const end = this.newLabel();
      this.emit(this.assignField(temp, this.superGet(key)));
      const t = (): ts.Expression => this.thisField_(temp);
      const skip =
        op === SK.AmpersandAmpersandEqualsToken ? f.createLogicalNot(t()) :
        op === SK.BarBarEqualsToken ? t() :
        f.createLogicalAnd(f.createStrictInequality(t(), f.createNull()), f.createStrictInequality(t(), f.createVoidZero()));
      this.emit(f.createIfStatement(skip, f.createBlock([this.setState(end), this.continueDispatch()])));
      this.emit(this.assignField(temp, this.superSet(key, this.lowerExpr(e.right))));
      this.mark(end);
      return this.stable(t());
    }
    const old = this.spill(this.superGet(key));
    return this.superSet(key, f.createBinaryExpression(old, compoundToBinary(SK, op), this.lowerExpr(e.right)));
  }

  /** `o[k]` or `o.p` with its object and key evaluated (suspending as needed), ready to be read and written at once. */
  private lowerReference(operand: ts.Expression): ts.Expression {
    const ts = this.tsApi;
    const target = this.skipOuter(operand);
    if (this.isSuperProperty(target)) return this.superPlace(this.superKeyOf(target, (k) => this.lowerExpr(k)));
    if (ts.isPropertyAccessExpression(target) && (target.flags & ts.NodeFlags.OptionalChain) === 0) return this.f.createPropertyAccessExpression(this.lowerExpr(target.expression), target.name);
    if (ts.isElementAccessExpression(target) && (target.flags & ts.NodeFlags.OptionalChain) === 0) {
      const [obj, key] = this.lowerList([target.expression, target.argumentExpression]);
      return this.f.createElementAccessExpression(obj!, key!);
    }
    throw new Unsupported(operand, 'unsupported assignment target around `yield`');
  }

  /**
   * `a ||= b`, `a &&= b`, `a ??= b`: the reference once, its value read; the right side evaluated
   * and assigned only if that value does not short-circuit. The value of the whole is the one read,
   * or the one assigned.
   */
  private lowerLogicalAssignment(e: ts.BinaryExpression): ts.Expression {
    const ts = this.tsApi;
    const f = this.f;
    const SK = this.SK;
    const target = this.skipOuter(e.left);
    let place: () => ts.Expression;
    if (ts.isIdentifier(target)) place = () => this.rewriteExpr(target);
    else if (ts.isPropertyAccessExpression(target) && (target.flags & ts.NodeFlags.OptionalChain) === 0) {
      const obj = this.spill(this.lowerExpr(target.expression));
      place = () => f.createPropertyAccessExpression(obj, target.name);
    } else if (ts.isElementAccessExpression(target) && (target.flags & ts.NodeFlags.OptionalChain) === 0) {
      const [obj, key] = this.lowerList([target.expression, target.argumentExpression]).map((x) => this.spill(x));
      place = () => f.createElementAccessExpression(obj!, key!);
    } else throw new Unsupported(target, 'unsupported logical assignment target around `yield`');
    const temp = this.newTemp();
    const end = this.newLabel();
    this.emit(this.assignField(temp, place()));
    const t = (): ts.Expression => this.thisField_(temp);
    const op = e.operatorToken.kind;
    const skip =
      op === SK.AmpersandAmpersandEqualsToken ? f.createLogicalNot(t()) :
      op === SK.BarBarEqualsToken ? t() :
      f.createLogicalAnd(f.createStrictInequality(t(), f.createNull()), f.createStrictInequality(t(), f.createVoidZero()));
    this.emit(f.createIfStatement(skip, f.createBlock([this.setState(end), this.continueDispatch()])));
    const right = this.lowerExpr(e.right);
    this.emit(this.assignField(temp, f.createAssignment(place(), right)));
    this.mark(end);
    return this.stable(t());
  }

  /**
   * An optional chain containing `yield` (`o?.m(yield a)`, `o?.[yield k]`): its links evaluated in
   * order into temporaries; at a `?.` whose left side is null or undefined the whole chain is
   * `undefined` and nothing to its right runs (no suspension either). A method call keeps its receiver.
   */
  private lowerOptionalChain(e: ts.Expression): ts.Expression {
    const ts = this.tsApi;
    const f = this.f;
    const links: (ts.PropertyAccessExpression | ts.ElementAccessExpression | ts.CallExpression)[] = [];
    let root: ts.Expression = e;
    for (;;) {
      if (ts.isNonNullExpression(root) && (root.flags & ts.NodeFlags.OptionalChain) !== 0) root = root.expression;
      else if ((ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root) || ts.isCallExpression(root)) && (root.flags & ts.NodeFlags.OptionalChain) !== 0) {
        links.unshift(root);
        root = root.expression;
      } else break;
    }
    // `o.m?.(x)`: the link before the chain is a member read, so the call keeps `o` as its receiver.
    root = this.skipOuter(root);
    if ((ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) && root.expression.kind !== this.SK.SuperKeyword) {
      links.unshift(root);
      root = root.expression;
    }
    const result = this.newTemp();
    const end = this.newLabel();
    let current = this.spill(this.lowerExpr(root));
    // `super.m?.(x)`: the method is read through the reader and called with the coroutine's `this`.
    let receiver: ts.Expression | undefined = this.isSuperProperty(root) ? this.thisField_(this.thisField!) : undefined;
    for (const link of links) {
      if (link.questionDotToken !== undefined) {
        const nullish = f.createLogicalOr(f.createStrictEquality(current, f.createNull()), f.createStrictEquality(current, f.createVoidZero()));
        this.emit(f.createIfStatement(nullish, f.createBlock([this.assignField(result, f.createVoidZero()), this.setState(end), this.continueDispatch()])));
      }
      if (ts.isPropertyAccessExpression(link)) {
        receiver = current;
        current = this.spill(f.createPropertyAccessExpression(current, link.name));
      } else if (ts.isElementAccessExpression(link)) {
        const key = this.lowerExpr(link.argumentExpression);
        receiver = current;
        current = this.spill(f.createElementAccessExpression(current, key));
      } else {
        const args = this.lowerList(link.arguments);
        const call = receiver !== undefined
          ? f.createCallExpression(f.createPropertyAccessExpression(current, 'call'), undefined, [receiver, ...args])
          : f.createCallExpression(f.createParenthesizedExpression(f.createCommaListExpression([f.createNumericLiteral(0), current])), undefined, args);
        receiver = undefined;
        current = this.spill(call);
      }
    }
    this.emit(this.assignField(result, current));
    this.mark(end);
    return this.stable(this.thisField_(result));
  }

  private spillIf(e: ts.Expression, cond: boolean): ts.Expression {
    return cond ? this.spill(e) : e;
  }

  private skipOuter(e: ts.Expression): ts.Expression {
    const ts = this.tsApi;
    while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
    return e;
  }

  private lowerCall(e: ts.CallExpression): ts.Expression {
    const ts = this.tsApi;
    const f = this.f;
    if (e.questionDotToken !== undefined || (e.flags & ts.NodeFlags.OptionalChain)) return this.lowerOptionalChain(e);
    if (e.expression.kind === this.SK.SuperKeyword || e.expression.kind === this.SK.ImportKeyword) throw new Unsupported(e, 'unsupported call around `yield`');
    const callee = this.skipOuter(e.expression);
    const argsYield = e.arguments.some((a) => this.containsYield(a));
    if ((ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) && callee.expression.kind === this.SK.SuperKeyword) {
      // `super.m(...)`: the method is read (with `this` as the receiver) before the arguments.
      const key = ts.isPropertyAccessExpression(callee) ? this.f.createStringLiteral(callee.name.text) : this.spillIf(this.lowerExpr(callee.argumentExpression), argsYield);
      const fn = this.spillIf(this.superGet(key), argsYield);
      const args = this.lowerList(e.arguments);
      return f.createCallExpression(f.createPropertyAccessExpression(fn, 'call'), undefined, [this.thisField_(this.thisField!), ...args]);
    }
    if ((ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) && !(callee.flags & ts.NodeFlags.OptionalChain)) {
      // The receiver and the method are read before the arguments; `this` is the receiver.
      if (!argsYield) {
        const obj = this.lowerExpr(callee.expression);
        if (ts.isPropertyAccessExpression(callee)) return f.createCallExpression(f.createPropertyAccessExpression(obj, callee.name), undefined, e.arguments.map((a) => this.rewriteExpr(a)));
        const spilledObj = this.spillIf(obj, this.containsYield(callee.argumentExpression));
        return f.createCallExpression(f.createElementAccessExpression(spilledObj, this.lowerExpr(callee.argumentExpression)), undefined, e.arguments.map((a) => this.rewriteExpr(a)));
      }
      const obj = this.spill(this.lowerExpr(callee.expression));
      let method: ts.Expression;
      if (ts.isPropertyAccessExpression(callee)) method = f.createPropertyAccessExpression(obj, callee.name);
      else {
        const key = this.spillIf(this.lowerExpr(callee.argumentExpression), true);
        method = f.createElementAccessExpression(obj, key);
      }
      const fn = this.spill(method);
      const args = this.lowerList(e.arguments);
      return f.createCallExpression(f.createPropertyAccessExpression(fn, 'call'), undefined, [obj, ...args]);
    }
    const [fnExpr, ...args] = this.lowerList([callee, ...e.arguments]);
    // A spilled callee is a field read: call it without the frame as `this`.
    const target = this.isFieldRead(fnExpr!) ? f.createParenthesizedExpression(f.createCommaListExpression([f.createNumericLiteral(0), fnExpr!])) : fnExpr!;
    return f.createCallExpression(target, undefined, args);
  }

  /** `super[key]` read through the method's reader: `this.$super(key)`. */
  private superGet(key: ts.Expression): ts.Expression {
    return this.f.createCallExpression(this.thisField_(this.superField!), undefined, [key]);
  }

  /** `super[key] = value` through the method's writer: `this.$superSet(key, value)`, whose value is `value`. */
  private superSet(key: ts.Expression, value: ts.Expression): ts.Expression {
    return this.f.createCallExpression(this.thisField_(this.superWriterField('superSetField')), undefined, [key, value]);
  }

  /** `delete super[key]` through the method's deleter (it throws the engine's ReferenceError). */
  private superDelete(key: ts.Expression): ts.Expression {
    return this.f.createCallExpression(this.thisField_(this.superWriterField('superDeleteField')), undefined, [key]);
  }

  /**
   * The writer's or deleter's field, made when scope analysis saw a write or delete (ScopeInfo.superWrite);
   * a write it did not see declines the coroutine rather than emit a call of nothing.
   */
  private superWriterField(which: 'superSetField' | 'superDeleteField'): string {
    const field = this[which];
    if (field === undefined) throw new Unsupported(this.fn, 'internal: a `super` property written where the scope analysis saw none');
    return field;
  }

  /**
   * `superReference(this.$super, this.$superSet, key).value`: a place standing for `super[key]` that
   * native compound and logical assignment, `++`/`--` and destructuring read and write in their own
   * order (runtime/super-reference.ts).
   */
  private superPlace(key: ts.Expression): ts.Expression {
    const f = this.f;
    return f.createPropertyAccessExpression(f.createCallExpression(this.rt('superReference'), undefined, [this.thisField_(this.superField!), this.thisField_(this.superWriterField('superSetField')), key]), 'value');
  }

  /** `super.x` or `super[k]` (inside parentheses and type assertions). */
  private isSuperProperty(e: ts.Node): e is ts.PropertyAccessExpression | ts.ElementAccessExpression {
    const ts = this.tsApi;
    return (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) && e.expression.kind === this.SK.SuperKeyword;
  }

  /** The key of a super property as a string literal (`super.x`) or as `key` (`super[k]`'s `k`, evaluated by the caller). */
  private superKeyOf(e: ts.PropertyAccessExpression | ts.ElementAccessExpression, key: (k: ts.Expression) => ts.Expression): ts.Expression {
    return this.tsApi.isPropertyAccessExpression(e) ? this.f.createStringLiteral(e.name.text) : key(e.argumentExpression);
  }

  private isFieldRead(e: ts.Expression): boolean {
    return (this.tsApi.isPropertyAccessExpression(e) && e.expression.kind === this.SK.ThisKeyword) || this.outerRefs.has(e);
  }

  private lowerObject(e: ts.ObjectLiteralExpression): ts.Expression {
    const ts = this.tsApi;
    const f = this.f;
    // `{...source}` alone (what a spread part below becomes): the source is its only part. Going on
    // would wrap it again and recurse without end.
    const only = e.properties.length === 1 ? e.properties[0]! : undefined;
    if (only !== undefined && ts.isSpreadAssignment(only)) return f.createObjectLiteralExpression([f.createSpreadAssignment(this.lowerExpr(only.expression))]);
    // The evaluated parts, in order: computed keys, values, spread sources.
    const parts: ts.Expression[] = [];
    for (const p of e.properties) {
      if (p.name !== undefined && ts.isComputedPropertyName(p.name)) parts.push(p.name.expression);
      if (ts.isPropertyAssignment(p)) parts.push(p.initializer);
      else if (ts.isShorthandPropertyAssignment(p)) parts.push(p.name);
      else if (ts.isSpreadAssignment(p)) parts.push(f.createObjectLiteralExpression([f.createSpreadAssignment(p.expression)]));
      else if (this.containsYield(p)) throw new Unsupported(p, '`yield` inside an object literal method is not supported');
    }
    const values = this.lowerList(parts);
    let i = 0;
    const props = e.properties.map((p): ts.ObjectLiteralElementLike => {
      let name = p.name;
      if (name !== undefined && ts.isComputedPropertyName(name)) name = f.createComputedPropertyName(values[i++]!);
      if (ts.isPropertyAssignment(p)) return f.createPropertyAssignment(name as ts.PropertyName, values[i++]!);
      if (ts.isShorthandPropertyAssignment(p)) return f.createPropertyAssignment(p.name.text, values[i++]!);
      if (ts.isSpreadAssignment(p)) return f.createSpreadAssignment(values[i++]!);
      if (name !== p.name && ts.isMethodDeclaration(p)) return f.updateMethodDeclaration(p, p.modifiers, p.asteriskToken, name as ts.PropertyName, p.questionToken, p.typeParameters, p.parameters, p.type, p.body);
      if (name !== p.name && ts.isGetAccessorDeclaration(p)) return f.updateGetAccessorDeclaration(p, p.modifiers, name as ts.PropertyName, p.parameters, p.type, p.body);
      if (name !== p.name && ts.isSetAccessorDeclaration(p)) return f.updateSetAccessorDeclaration(p, p.modifiers, name as ts.PropertyName, p.parameters, p.body);
      return this.rewriteNode(p) as ts.ObjectLiteralElementLike;
    });
    return f.createObjectLiteralExpression(props, e.properties.length > 1);
  }

  // ---------------------------------------------------------------- code without yield

  private rewriteExpr(e: ts.Expression): ts.Expression {
    return this.rewriteNode(e) as ts.Expression;
  }

  /** A statement without `yield`: kept as is, locals read from fields, jumps leaving it routed. */
  private rewriteStatement(s: ts.Statement): ts.Statement[] {
    const ts = this.tsApi;
    const out = this.rewriteNode(s) as ts.Statement;
    if (ts.isEmptyStatement(out) && !ts.isEmptyStatement(s)) return [];
    if (this.jumpBlocks.has(out)) return [...(out as ts.Block).statements];
    return [out];
  }

  private bindingTargets2(name: ts.BindingName): ts.Identifier[] {
    const ts = this.tsApi;
    if (ts.isIdentifier(name)) return [name];
    const out: ts.Identifier[] = [];
    for (const e of name.elements) if (ts.isBindingElement(e)) out.push(...this.bindingTargets2(e.name));
    return out;
  }

  /**
   * A frame field read where `b` is named. Inside a non-arrow function or a class `this` is another
   * object, so the field is reached through a local alias of the frame (`const frame = this` at the
   * top of `step`): the closure sees the frame's current value whenever it runs, as it would the
   * binding's.
   */
  private fieldRef(b: Binding, at: ts.Node, throughAlias = false): ts.Expression {
    const owner = throughAlias ? this.id((this.frameAlias ??= this.nameTable.fresh('frame'))) : this.f.createThis();
    return this.tsApi.setSourceMapRange(this.f.createPropertyAccessExpression(owner, b.field!), at);
  }

  /** A reference to a class declaration's name inside its own body: the class's inner binding. */
  private isClassOwnName(b: Binding, id: ts.Identifier): boolean {
    if (b.kind !== 'class' || id.pos < 0) return false;
    const decl = b.id.parent;
    return decl.pos <= id.pos && id.end <= decl.end;
  }

  /**
   * An identifier free in this function that names a binding of an enclosing compiled coroutine (or,
   * in a named function expression, its own name): the read of that binding's field through the
   * chain of enclosing frames (`this.$outer.x`, `frame.$outer.$outer.x`, `this.$self`), which sees
   * and sets the binding's current value whenever it runs, as the closure would. Undefined when the
   * name is free in every enclosing coroutine too (visible where the frame classes are placed).
   */
  private enclosingRef(id: ts.Identifier, throughAlias: boolean): ts.Expression | undefined {
    const ts = this.tsApi;
    if (this.enclosing === undefined || id.text === 'arguments' || this.scopes.refs.has(id)) return undefined;
    let path: string[];
    if (ts.isFunctionExpression(this.fn) && this.fn.name !== undefined && this.fn.name.text === id.text) {
      // The name of a named function expression is read-only (a write throws or is ignored).
      if (isWriteReference(ts, id)) throw new Unsupported(id, `it assigns its own name '${id.text}'; not supported`);
      path = [(this.selfField ??= this.addField('$self'))];
    } else {
      path = [this.outerField!];
      let level: Lowerer = this.enclosing;
      for (;;) {
        const b = level.scopes.refs.get(id);
        if (b !== undefined && b.field === undefined && b.envField !== undefined && level === this.enclosing && !level.captureByCall) {
          // A per-iteration binding of the enclosing coroutine: the environment it is in when this
          // generator function is made, passed to the frame (the function keeps it, as a closure would).
          let own = this.envParams.get(b.envField);
          if (own === undefined) {
            own = this.addField('$env');
            this.envParams.set(b.envField, own);
          }
          const owner = throughAlias ? this.id((this.frameAlias ??= this.nameTable.fresh('frame'))) : this.f.createThis();
          const ref = this.f.createPropertyAccessExpression(this.f.createPropertyAccessExpression(owner, own), b.envKey!);
          this.outerRefs.add(ref);
          return ts.setSourceMapRange(ref, id);
        }
        if (b !== undefined) {
          if (b.field === undefined) throw new Unsupported(id, `it uses '${id.text}', a binding of the enclosing coroutine that does not live on its frame`);
          path.push(b.field);
          break;
        }
        if (level.enclosing === undefined) return undefined;
        path.push(level.outerField!);
        level = level.enclosing;
      }
    }
    let out: ts.Expression = throughAlias ? this.id((this.frameAlias ??= this.nameTable.fresh('frame'))) : this.f.createThis();
    for (const name of path) out = this.f.createPropertyAccessExpression(out, name);
    this.outerRefs.add(out);
    return ts.setSourceMapRange(out, id);
  }

  /**
   * The rewriting visitor for code without `yield`. Tracks: nested functions (`this`/`arguments`/jumps
   * are their own in non-arrow functions; jumps are their own in arrows too), loops and labels inside
   * the verbatim code (jumps that stay inside it are untouched), native try/finally (a jump leaving
   * through it is declined, see below).
   */
  private rewriteNode(root: ts.Node): ts.Node | ts.Node[] {
    const ts = this.tsApi;
    const f = this.f;
    const SK = this.SK;
    let fnDepth = 0; // function-likes entered (any kind)
    let nonArrowDepth = 0; // non-arrow function-likes or classes entered
    const innerLabels: string[] = [];
    let innerBreakable = 0;
    let innerLoops = 0;
    /** Native try/finally statements around the code being rewritten (jumps leave them by `break label`). */
    const tryStack: { label: string; used: boolean; codes: Set<number> }[] = [];

    const routeJump = (node: ts.BreakStatement | ts.ContinueStatement): ts.Statement => {
      const isBreak = ts.isBreakStatement(node);
      const labelName = node.label?.text;
      if (labelName !== undefined ? innerLabels.includes(labelName) : isBreak ? innerBreakable > 0 : innerLoops > 0) return node;
      let target: Target | undefined;
      for (let i = this.leaps.length - 1; i >= 0; i--) {
        const leap = this.leaps[i]!;
        if (labelName !== undefined ? !leap.labels.includes(labelName) : isBreak ? leap.kind === 'block' : leap.kind !== 'loop') continue;
        target = isBreak ? leap.brk : leap.cont;
        break;
      }
      if (target === undefined) throw new Unsupported(node, 'jump target not found');
      if (tryStack.length > 0) return throughFinally(node, this.pendingCode({ kind: 'jump', target }), undefined);
      const block = ts.setSourceMapRange(f.createBlock(this.jumpStatements(target, this.regions), false), node);
      this.jumpBlocks.add(block);
      return block;
    };

    // Without a `super` of its own (no superField), no rule below is for a property access or a `delete`.
    const rewritten = this.superField !== undefined ? ts.kinds.rewritten : ts.kinds.rewrittenWithoutSuper;
    const visit = (node: ts.Node): ts.VisitResult<ts.Node> => {
      // Every rule below is for a kind in the table (host.ts, kindTables): a rule for a kind missing
      // there would never run, so a new rule's kind goes into the table with it.
      if (rewritten[node.kind] !== 1) return ts.visitEachChild(node, visit, this.context);
      if (ts.isIdentifier(node)) {
        const b = this.scopes.refs.get(node);
        if (b !== undefined && this.isClassOwnName(b, node)) return node;
        if (b?.field !== undefined) return this.fieldRef(b, node, nonArrowDepth > 0);
        if (b?.envField !== undefined) return fnDepth > 0 ? this.capturedRef(b, node) : this.ownRef(b, node);
        if (node.text === 'arguments' && b === undefined && nonArrowDepth === 0 && this.argsField !== undefined) {
          return ts.setSourceMapRange(this.thisField_(this.argsField), node);
        }
        return this.enclosingRef(node, nonArrowDepth > 0) ?? node;
      }
      if (node.kind === SK.ThisKeyword && nonArrowDepth === 0 && this.thisField !== undefined) return this.stable(ts.setSourceMapRange(this.thisField_(this.thisField), node));
      if (ts.isMetaProperty(node) && node.keywordToken === SK.NewKeyword && nonArrowDepth === 0) return f.createVoidZero();
      // Every `super` the lowering handles is replaced with its whole property access; any other is declined.
      if (node.kind === SK.SuperKeyword && nonArrowDepth === 0) throw new Unsupported(node, '`super` in this position in a coroutine is not supported');
      const ownSuper = nonArrowDepth === 0 && this.superField !== undefined;
      if (ownSuper && ts.isBinaryExpression(node) && node.operatorToken.kind === SK.EqualsToken && this.isSuperProperty(this.skipOuter(node.left)) && !isAssignmentTarget(ts, node)) {
        // `super[k] = v` (not a default in a pattern): the key, the value, then the writer's set.
        const key = this.superKeyOf(this.skipOuter(node.left) as ts.PropertyAccessExpression | ts.ElementAccessExpression, visitExpr);
        return ts.setSourceMapRange(this.superSet(key, visitExpr(node.right)), node);
      }
      if (ownSuper && ts.isDeleteExpression(node) && this.isSuperProperty(this.skipOuter(node.expression))) {
        const key = this.superKeyOf(this.skipOuter(node.expression) as ts.PropertyAccessExpression | ts.ElementAccessExpression, visitExpr);
        return ts.setSourceMapRange(this.superDelete(key), node);
      }
      if (ownSuper && this.isSuperProperty(node)) {
        const key = this.superKeyOf(node, visitExpr);
        // Any other write (compound, logical, `++`, a destructuring or for-in/of target): a place the native operator writes through.
        return ts.setSourceMapRange(isAssignmentTarget(ts, node) ? this.superPlace(key) : this.superGet(key), node);
      }
      if (ts.isBinaryExpression(node) && ts.isIdentifier(node.left)) {
        const op = node.operatorToken.kind;
        if (op === SK.EqualsToken || op === SK.BarBarEqualsToken || op === SK.AmpersandAmpersandEqualsToken || op === SK.QuestionQuestionEqualsToken) {
          const visited = ts.visitEachChild(node, visit, this.context) as ts.BinaryExpression;
          if (ts.isIdentifier(visited.left)) return visited;
          return f.updateBinaryExpression(visited, visited.left, visited.operatorToken, this.keepName(node.left, visited.right, node.right));
        }
      }
      if (ts.isShorthandPropertyAssignment(node)) {
        const b = this.scopes.refs.get(node.name);
        if (b !== undefined && this.onFrame(b) && !this.isClassOwnName(b, node.name)) {
          const target = b.field !== undefined ? this.fieldRef(b, node.name, nonArrowDepth > 0) : fnDepth > 0 ? this.capturedRef(b, node.name) : this.ownRef(b, node.name);
          const value = node.objectAssignmentInitializer !== undefined ? f.createAssignment(target, this.keepName(node.name, visitExpr(node.objectAssignmentInitializer), node.objectAssignmentInitializer)) : target;
          return ts.setSourceMapRange(f.createPropertyAssignment(node.name.text, value), node);
        }
        if (b === undefined && node.objectAssignmentInitializer === undefined) {
          const ref = this.enclosingRef(node.name, nonArrowDepth > 0);
          if (ref !== undefined) return ts.setSourceMapRange(f.createPropertyAssignment(node.name.text, ref), node);
        }
        if (b === undefined && node.objectAssignmentInitializer !== undefined && this.enclosing !== undefined && this.enclosingRef(node.name, nonArrowDepth > 0) !== undefined) {
          throw new Unsupported(node, 'a shorthand default naming a binding of the enclosing coroutine is not supported');
        }
        if (node.name.text === 'arguments' && b === undefined && nonArrowDepth === 0 && this.argsField !== undefined) {
          return f.createPropertyAssignment('arguments', this.thisField_(this.argsField));
        }
      }
      if (ts.isCallExpression(node) || ts.isTaggedTemplateExpression(node)) {
        // `x()` with `x` on the frame must not call it with the frame as `this`.
        const callee = ts.isCallExpression(node) ? node.expression : node.tag;
        const inner = this.skipOuter(callee);
        if ((ts.isPropertyAccessExpression(inner) || ts.isElementAccessExpression(inner)) && inner.expression.kind === SK.SuperKeyword && nonArrowDepth === 0 && this.superField !== undefined) {
          if (!ts.isCallExpression(node)) throw new Unsupported(node, 'a `super` method as a template tag in a coroutine is not supported');
          // `super.m(a)`: the method called with the coroutine's `this`; `super.m?.(a)`: not at all
          // (nor its arguments evaluated) when the method is null or undefined.
          const method = visitExpr(inner);
          const args = node.arguments.map(visitExpr);
          const call = node.questionDotToken !== undefined
            ? f.createCallChain(f.createPropertyAccessChain(method, f.createToken(SK.QuestionDotToken), 'call'), undefined, undefined, [this.thisField_(this.thisField!), ...args])
            : f.createCallExpression(f.createPropertyAccessExpression(method, 'call'), undefined, [this.thisField_(this.thisField!), ...args]);
          return ts.setSourceMapRange(call, node);
        }
        const onFrame =
          ts.isIdentifier(inner) &&
          ((this.onFrame(this.scopes.refs.get(inner)) && !this.isClassOwnName(this.scopes.refs.get(inner)!, inner)) ||
            (nonArrowDepth === 0 && inner.text === 'arguments' && this.argsField !== undefined && !this.scopes.refs.has(inner)) ||
            this.enclosingRef(inner, nonArrowDepth > 0) !== undefined);
        if (onFrame) {
          const updated = ts.visitEachChild(node, visit, this.context) as ts.CallExpression | ts.TaggedTemplateExpression;
          const wrapped = f.createParenthesizedExpression(f.createCommaListExpression([f.createNumericLiteral(0), ts.isCallExpression(updated) ? updated.expression : updated.tag]));
          return ts.isCallExpression(updated)
            ? f.updateCallExpression(updated, wrapped, updated.typeArguments, updated.arguments)
            : f.updateTaggedTemplateExpression(updated, wrapped, updated.typeArguments, updated.template);
        }
      }
      if (ts.isFunctionDeclaration(node) && node.name !== undefined && node !== this.hoisting && this.onFrame(this.scopes.bindings.find((b) => b.id === node.name))) {
        // Hoisted: assigned when its scope is entered (enterScope).
        return f.createEmptyStatement();
      }
      if ((ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node)) && node.asteriskToken !== undefined && node.body !== undefined && this.nestedFactory !== undefined) {
        // A generator function compiled too: its body becomes `return new Inner$Frame(frame, ...)`;
        // its parameters (defaults evaluated by the call, as natively) are rewritten here.
        const makeBody = this.nestedFactory(node);
        if (makeBody !== undefined) {
          fnDepth++;
          nonArrowDepth++;
          let parameters: ts.NodeArray<ts.ParameterDeclaration>;
          try {
            parameters = ts.visitNodes(node.parameters, visit, ts.isParameter) as ts.NodeArray<ts.ParameterDeclaration>;
          } finally {
            fnDepth--;
            nonArrowDepth--;
          }
          const body = makeBody(this.id((this.frameAlias ??= this.nameTable.fresh('frame'))), (envField) => this.capturedEnv(envField, node));
          const out = ts.isFunctionExpression(node)
            ? f.updateFunctionExpression(node, node.modifiers, undefined, node.name, node.typeParameters, parameters, node.type, body)
            : f.updateFunctionDeclaration(node, node.modifiers, undefined, node.name, node.typeParameters, parameters, node.type, body);
          return ts.setSourceMapRange(ts.setTextRange(out, node), node);
        }
      }
      if (ts.isClassDeclaration(node) && node.name !== undefined && this.onFrame(this.scopes.bindings.find((b) => b.id === node.name))) {
        // `this.K = class K {...}` where the declaration stands: the binding is initialised there (its
        // temporal dead zone ends), and the class body keeps its own immutable `K`.
        const b = this.scopes.bindings.find((x) => x.id === node.name)!;
        const visited = visitFunctionLike(node) as ts.ClassDeclaration;
        const expr = this.withCaptures(ts.setSourceMapRange(f.createClassExpression(undefined, visited.name, undefined, visited.heritageClauses, visited.members), node), this.lastCaptures);
        this.lastCaptures = undefined;
        return ts.setSourceMapRange(f.createExpressionStatement(f.createAssignment(this.ownRef(b, node.name), expr)), node);
      }
      if (this.isFunctionLike(node) || ts.isClassLike(node)) {
        const out = visitFunctionLike(node);
        const captures = this.lastCaptures;
        this.lastCaptures = undefined;
        if (captures === undefined || captures.size === 0 || node === this.hoisting) {
          if (node === this.hoisting) this.lastCaptures = captures;
          return out;
        }
        if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node) && !ts.isClassExpression(node)) {
          throw new Unsupported(node, 'a declaration or method closing over a per-iteration binding here needs a target of ES2015 or later');
        }
        if (node.name === undefined && this.namedByContext(node)) {
          throw new Unsupported(node, 'an anonymous closure over a per-iteration binding named by where it stands needs a target of ES2015 or later');
        }
        return this.withCaptures(out as ts.Expression, captures);
      }
      if (fnDepth > 0) return ts.visitEachChild(node, visit, this.context);
      if (ts.isReturnStatement(node)) {
        const value = node.expression !== undefined ? visitExpr(node.expression) : f.createVoidZero();
        if (tryStack.length > 0) return throughFinally(node, this.pendingCode({ kind: 'return' }), value);
        const out = this.returnStatements(value, this.regions);
        if (out.length === 1) return ts.setSourceMapRange(out[0]!, node);
        const block = ts.setSourceMapRange(f.createBlock(out, false), node);
        this.jumpBlocks.add(block);
        return block;
      }
      if (ts.isBreakStatement(node) || ts.isContinueStatement(node)) return routeJump(node);
      if (ts.isVariableStatement(node)) {
        const out = this.rewriteDeclarationListWith(node.declarationList, visitExpr);
        if (out === undefined) return f.createEmptyStatement();
        if (ts.isVariableDeclarationList(out)) return f.updateVariableStatement(node, node.modifiers, out);
        return ts.setSourceMapRange(f.createExpressionStatement(out), node);
      }
      if ((ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node)) && node.initializer !== undefined && ts.isVariableDeclarationList(node.initializer)) {
        const init = this.rewriteDeclarationListWith(node.initializer, visitExpr, !ts.isForStatement(node));
        return withLoop(() => {
          const rest = ts.visitEachChild(node, visit, this.context) as ts.ForStatement | ts.ForInStatement | ts.ForOfStatement;
          if (ts.isForStatement(rest)) return f.updateForStatement(rest, init, rest.condition, rest.incrementor, rest.statement);
          if (ts.isForInStatement(rest)) return f.updateForInStatement(rest, init as ts.ForInitializer, rest.expression, rest.statement);
          return f.updateForOfStatement(rest, rest.awaitModifier, init as ts.ForInitializer, rest.expression, rest.statement);
        });
      }
      if (ts.isIterationStatement(node, false)) return withLoop(() => ts.visitEachChild(node, visit, this.context));
      if (ts.isSwitchStatement(node)) {
        innerBreakable++;
        try {
          return ts.visitEachChild(node, visit, this.context);
        } finally {
          innerBreakable--;
        }
      }
      if (ts.isLabeledStatement(node)) {
        innerLabels.push(node.label.text);
        try {
          return ts.visitEachChild(node, visit, this.context);
        } finally {
          innerLabels.pop();
        }
      }
      if (ts.isTryStatement(node) && node.finallyBlock !== undefined) {
        const guard = { label: '', used: false, codes: new Set<number>() };
        tryStack.push(guard);
        this.nativeFinallyDepth++;
        let tryBlock: ts.Block;
        let catchClause: ts.CatchClause | undefined;
        try {
          tryBlock = ts.visitNode(node.tryBlock, visit) as ts.Block;
          catchClause = node.catchClause !== undefined ? (ts.visitNode(node.catchClause, visit) as ts.CatchClause) : undefined;
        } finally {
          this.nativeFinallyDepth--;
          tryStack.pop();
        }
        const finallyBlock = ts.visitNode(node.finallyBlock, visit) as ts.Block;
        const updated = f.updateTryStatement(node, tryBlock, catchClause, finallyBlock);
        if (!guard.used) return updated;
        // A return/break/continue inside left through `break guard`, so the finally runs while the
        // label being run is still this one (a throw from it goes to this case's handler); then it
        // goes on: out through the next native finally, or to where it was going.
        const jump = this.id(this.jumpLocal!);
        const pending = f.createStrictInequality(jump, f.createVoidZero());
        const outer = tryStack[tryStack.length - 1];
        let onward: ts.Statement;
        if (outer !== undefined) {
          outer.used = true;
          outer.label ||= this.nameTable.fresh('guarded');
          for (const code of guard.codes) outer.codes.add(code);
          onward = f.createBreakStatement(outer.label);
        } else {
          const clauses = [...guard.codes].sort((a, b) => a - b).map((code) => {
            const p = this.pendingJumps[code - 1]!;
            const reset = f.createExpressionStatement(f.createAssignment(this.id(this.jumpLocal!), f.createVoidZero()));
            const go = p.kind === 'return' ? this.returnStatements(this.id((this.returnedLocal ??= this.nameTable.fresh('returned'))), this.regions) : this.jumpStatements(p.target, this.regions);
            return f.createCaseClause(f.createNumericLiteral(code), [reset, ...go]);
          });
          onward = f.createSwitchStatement(jump, f.createCaseBlock(clauses));
        }
        return ts.setSourceMapRange(
          f.createBlock([
            f.createExpressionStatement(f.createAssignment(this.id(this.jumpLocal!), f.createVoidZero())),
            f.createLabeledStatement(guard.label, updated),
            f.createIfStatement(pending, onward),
          ], true),
          node,
        );
      }
      return ts.visitEachChild(node, visit, this.context);
    };

    const visitFunctionLike = (node: ts.Node): ts.Node => {
      const arrow = ts.isArrowFunction(node);
      const outermost = fnDepth === 0 && this.captureByCall;
      const captures = new Set<string>();
      if (outermost) this.closureCaptures = captures;
      fnDepth++;
      if (!arrow) nonArrowDepth++;
      const savedLabels = innerLabels.splice(0);
      const savedBreakable = innerBreakable;
      const savedLoops = innerLoops;
      const savedVerbatimLoops = this.verbatimLoops;
      const savedFinally = this.nativeFinallyDepth;
      innerBreakable = 0;
      innerLoops = 0;
      try {
        // Non-arrow functions and classes have their own `this`, `arguments` and jumps: only their
        // references to frame locals change (through the frame alias, see fieldRef).
        return ts.visitEachChild(node, visit, this.context);
      } finally {
        if (outermost) {
          this.closureCaptures = undefined;
          this.lastCaptures = captures;
        }
        fnDepth--;
        if (!arrow) nonArrowDepth--;
        innerLabels.push(...savedLabels);
        innerBreakable = savedBreakable;
        innerLoops = savedLoops;
        this.verbatimLoops = savedVerbatimLoops;
        this.nativeFinallyDepth = savedFinally;
      }
    };

    /** `{ returned = v; jump = code; break guard; }`: leaving through the innermost native finally. */
    const throughFinally = (node: ts.Node, code: number, value: ts.Expression | undefined): ts.Statement => {
      const guard = tryStack[tryStack.length - 1]!;
      guard.used = true;
      guard.codes.add(code);
      guard.label ||= this.nameTable.fresh('guarded');
      const out: ts.Statement[] = [];
      if (value !== undefined) out.push(f.createExpressionStatement(f.createAssignment(this.id((this.returnedLocal ??= this.nameTable.fresh('returned'))), value)));
      out.push(f.createExpressionStatement(f.createAssignment(this.id(this.jumpLocal!), f.createNumericLiteral(code))), f.createBreakStatement(guard.label));
      const block = ts.setSourceMapRange(f.createBlock(out, false), node);
      this.jumpBlocks.add(block);
      return block;
    };

    const withLoop = (body: () => ts.Node): ts.Node => {
      innerBreakable++;
      innerLoops++;
      this.verbatimLoops++;
      try {
        return body();
      } finally {
        innerBreakable--;
        innerLoops--;
        this.verbatimLoops--;
      }
    };

    const visitExpr = (e: ts.Expression): ts.Expression => ts.visitNode(e, visit) as ts.Expression;
    const result = ts.visitNode(root, visit);
    return result as ts.Node;
  }

  private rewriteDeclarationListWith(list: ts.VariableDeclarationList, visitExpr: (e: ts.Expression) => ts.Expression, asTarget = false): ts.VariableDeclarationList | ts.Expression | undefined {
    const ts = this.tsApi;
    const f = this.f;
    const first = list.declarations[0];
    const onFrame = first !== undefined && this.bindingTargets2(first.name).some((id) => this.onFrame(this.scopes.bindings.find((b) => b.id === id)));
    if (!onFrame) {
      return f.updateVariableDeclarationList(
        list,
        list.declarations.map((d) => f.updateVariableDeclaration(d, d.name, d.exclamationToken, d.type, d.initializer !== undefined ? visitExpr(d.initializer) : undefined)),
      );
    }
    if (asTarget) return this.bindingToTarget(first!.name);
    const isVar = !(list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const));
    const exprs: ts.Expression[] = [];
    for (const d of list.declarations) {
      if (d.initializer !== undefined) exprs.push(ts.setSourceMapRange(f.createAssignment(this.bindingToTarget(d.name), this.keepName(d.name, visitExpr(d.initializer), d.initializer)), d));
      else if (!isVar) for (const target of this.bindingTargets(d.name)) exprs.push(f.createAssignment(target, f.createVoidZero()));
    }
    if (exprs.length === 0) return undefined;
    return exprs.length === 1 ? exprs[0]! : f.createCommaListExpression(exprs);
  }

}

const PROTOCOL_VALUES = { NEXT: 0, THROW: 1, RETURN: 2, YIELDED: 0, DONE: -1, RUNNING: -2 } as const;

/** `0 /* NEXT *\/`: protocol constants are literals in emitted code, named in a comment. */
export function protocolLiteral(tsApi: TsApi, f: ts.NodeFactory, name: keyof typeof PROTOCOL_VALUES): ts.Expression {
  const v = PROTOCOL_VALUES[name];
  const lit = v < 0 ? f.createPrefixUnaryExpression(tsApi.SyntaxKind.MinusToken, f.createNumericLiteral(-v)) : f.createNumericLiteral(v);
  return tsApi.addSyntheticTrailingComment(lit, tsApi.SyntaxKind.MultiLineCommentTrivia, ` ${name} `, false);
}

function compoundToBinary(SK: typeof ts.SyntaxKind, op: ts.SyntaxKind): ts.BinaryOperator {
  switch (op) {
    case SK.PlusEqualsToken: return SK.PlusToken;
    case SK.MinusEqualsToken: return SK.MinusToken;
    case SK.AsteriskEqualsToken: return SK.AsteriskToken;
    case SK.AsteriskAsteriskEqualsToken: return SK.AsteriskAsteriskToken;
    case SK.SlashEqualsToken: return SK.SlashToken;
    case SK.PercentEqualsToken: return SK.PercentToken;
    case SK.LessThanLessThanEqualsToken: return SK.LessThanLessThanToken;
    case SK.GreaterThanGreaterThanEqualsToken: return SK.GreaterThanGreaterThanToken;
    case SK.GreaterThanGreaterThanGreaterThanEqualsToken: return SK.GreaterThanGreaterThanGreaterThanToken;
    case SK.AmpersandEqualsToken: return SK.AmpersandToken;
    case SK.BarEqualsToken: return SK.BarToken;
    case SK.CaretEqualsToken: return SK.CaretToken;
    default: throw new Error(`not a compound assignment: ${op}`);
  }
}

/** Is `id` assigned (`=`, compound, `++`/`--`, a destructuring or for-in/of target)? */
function isWriteReference(tsApi: TsApi, id: ts.Node): boolean {
  let node: ts.Node = id;
  let parent = node.parent;
  while (parent !== undefined && (tsApi.isParenthesizedExpression(parent) || tsApi.isNonNullExpression(parent) || tsApi.isAsExpression(parent) || tsApi.isTypeAssertionExpression(parent) || tsApi.isSatisfiesExpression(parent))) {
    node = parent;
    parent = parent.parent;
  }
  if (parent === undefined) return true; // no parent links: cannot tell, so not taken as a read
  if (tsApi.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    return parent.left === node && op >= tsApi.SyntaxKind.FirstAssignment && op <= tsApi.SyntaxKind.LastAssignment;
  }
  if (tsApi.isPrefixUnaryExpression(parent) || tsApi.isPostfixUnaryExpression(parent)) {
    return parent.operator === tsApi.SyntaxKind.PlusPlusToken || parent.operator === tsApi.SyntaxKind.MinusMinusToken;
  }
  if ((tsApi.isForOfStatement(parent) || tsApi.isForInStatement(parent)) && parent.initializer === node) return true;
  // Inside an array or object literal that may be a destructuring target, or a spread / shorthand in one.
  return tsApi.isArrayLiteralExpression(parent) || tsApi.isShorthandPropertyAssignment(parent) || tsApi.isSpreadElement(parent) || tsApi.isPropertyAssignment(parent) || tsApi.isSpreadAssignment(parent);
}
