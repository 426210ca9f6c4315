import type ts from 'typescript';
import type { TsApi } from './host.js';
import { protocolLiteral, type Case, type EmitNames, type LowerResult } from './lower.js';

/**
 * Emit: the frame class of one lowered coroutine, and the factory that replaces the generator
 * function (same name, parameters and modifiers; parameters and their defaults evaluated by the call
 * itself, as the native generator does, before the frame exists).
 *
 *     class Name$Frame {
 *       constructor(p1, p2) { this.state = 0; this.caller = null; this.p1 = p1; this.p2 = p2; this.x = void 0; }
 *       step(fiber, mode, value, budget) {
 *         let state = this.state;                  // jumps are `state = L; continue`
 *         if (state === -2 /* RUNNING *\/) return this.throwAlreadyRunning();   // TypeError
 *         if (mode !== 0 /* NEXT *\/) return this.exitWith(mode, value);   // no try region
 *         this.state = -2 /* RUNNING *\/;          // until a suspension sets K or the end sets -1
 *         try { for (;;) switch (state) { case 0: ... } } catch (e) { this.state = -1; throw e; }
 *       }
 *     }
 *     linkFrameClass(Name$Frame);          // a flat class under Frame.prototype (protocol.ts, frame.ts)
 *     function name(p1, p2) { return new Name$Frame(p1, p2); }
 *
 * With try regions, `step` is `for (;;) { try { <resume mode> <dispatch> } catch (e) { <region table> } }`:
 * a THROW resume is thrown where the frame stopped and a RETURN resume runs the `finally` blocks
 * around it; the region table sends an exception to its catch or finally by the state it came from.
 */
export function emitFrameClass(
  tsApi: TsApi,
  f: ts.NodeFactory,
  className: string,
  lowered: LowerResult,
  names: EmitNames,
  range: ts.Node,
  debug: FrameDebugInfo,
): ts.Statement[] {
  const thisProp = (name: string): ts.PropertyAccessExpression => f.createPropertyAccessExpression(f.createThis(), name);
  const assign = (target: ts.Expression, value: ts.Expression): ts.Statement => f.createExpressionStatement(f.createAssignment(target, value));
  const id = (name: string): ts.Identifier => f.createIdentifier(name);

  // constructor
  const ctorParamFields = new Set(lowered.ctorParams.map((p) => p.field));
  const ctorBody: ts.Statement[] = [assign(thisProp('state'), f.createNumericLiteral(0)), assign(thisProp('caller'), f.createNull())];
  for (const p of lowered.ctorParams) ctorBody.push(assign(thisProp(p.field), id(p.param)));
  for (const field of lowered.fields) {
    if (ctorParamFields.has(field.name)) continue;
    ctorBody.push(assign(thisProp(field.name), field.init === 'zero' ? f.createNumericLiteral(0) : f.createVoidZero()));
  }
  const ctor = f.createConstructorDeclaration(
    undefined,
    lowered.ctorParams.map((p) => f.createParameterDeclaration(undefined, undefined, p.param)),
    f.createBlock(ctorBody, true),
  );

  // step
  const mode = id(names.mode);
  const value = id(names.value);
  const lit = (name: 'NEXT' | 'THROW' | 'RETURN'): ts.Expression => protocolLiteral(tsApi, f, name);
  const clauses: ts.CaseOrDefaultClause[] = lowered.cases.map((c) => f.createCaseClause(f.createNumericLiteral(c.label), c.stmts));
  // A finished frame (`this.state` was -1): the end again, which also takes RUNNING off.
  clauses.push(f.createDefaultClause([f.createReturnStatement(exitWith(f, mode, value))]));
  const state = id(names.state);
  const dispatchSwitch = f.createSwitchStatement(state, f.createCaseBlock(clauses));
  const loop = (body: ts.Statement): ts.Statement => {
    const forever = f.createForStatement(undefined, undefined, undefined, body);
    return lowered.needsDispatchLabel ? f.createLabeledStatement(names.dispatch, forever) : forever;
  };
  // The label to run is a local (`state`): `this.state` says RUNNING while `step` runs, so a
  // re-entrant resume (the body calling its own `next`, `yield*` into itself, a child calling its
  // caller's `next`) throws the TypeError a generator throws, and every way out of `step` sets it
  // again (a suspension to its resume label, the end to DONE). Values no resume needs live in
  // `step` itself too (lower.ts, keepShortLivedValuesLocal).
  const running = protocolLiteral(tsApi, f, 'RUNNING');
  const stepBody: ts.Statement[] = [
    f.createVariableStatement(
      undefined,
      f.createVariableDeclarationList([f.createVariableDeclaration(state, undefined, undefined, thisProp('state')), ...lowered.locals.map((name) => f.createVariableDeclaration(name))], tsApi.NodeFlags.Let),
    ),
    // Thrown by a Frame method, not inline: a `throw` in `step` stops V8 from scalar-replacing a
    // child frame that returns at once (measured; protocol.ts, "Allocation").
    f.createIfStatement(f.createStrictEquality(state, protocolLiteral(tsApi, f, 'RUNNING')), f.createReturnStatement(f.createCallExpression(thisProp('throwAlreadyRunning'), undefined, []))),
  ];
  if (lowered.frameAlias !== undefined) {
    stepBody.push(f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(lowered.frameAlias, undefined, undefined, f.createThis())], tsApi.NodeFlags.Const)));
  }
  const markRunning = assign(thisProp('state'), running);
  const error = id(names.error);
  const done = (): ts.Statement => assign(thisProp('state'), protocolLiteral(tsApi, f, 'DONE'));
  if (!lowered.hasRegions) {
    stepBody.push(
      f.createIfStatement(f.createStrictInequality(mode, lit('NEXT')), f.createReturnStatement(exitWith(f, mode, value))),
      markRunning,
      f.createTryStatement(
        f.createBlock([loop(dispatchSwitch)], true),
        f.createCatchClause(error, f.createBlock([done(), f.createThrowStatement(error)], true)),
        undefined,
      ),
    );
  } else {
    // Resume with THROW/RETURN: thrown where the frame stopped / a `return` from there.
    const returnRoutes = groupBy(lowered.cases, (c) => c.returnFin);
    const returnClauses: ts.CaseClause[] = [];
    for (const [fin, cases] of returnRoutes) {
      if (fin === undefined) continue;
      returnClauses.push(
        ...caseLabels(f, cases, [
          assign(thisProp(fin.vField), value),
          assign(thisProp(fin.fField), lit('RETURN')),
          assign(state, f.createNumericLiteral(fin.label)),
          f.createContinueStatement(lowered.needsDispatchLabel ? names.dispatch : undefined),
        ]),
      );
    }
    const resumeMode = f.createIfStatement(
      f.createStrictInequality(mode, lit('NEXT')),
      f.createBlock(
        [
          f.createIfStatement(f.createStrictEquality(mode, lit('THROW')), f.createBlock([assign(mode, lit('NEXT')), f.createThrowStatement(value)], true)),
          assign(mode, lit('NEXT')),
          ...(returnClauses.length > 0 ? [f.createSwitchStatement(state, f.createCaseBlock(returnClauses))] : []),
          f.createReturnStatement(exitWith(f, lit('RETURN'), value)),
        ],
        true,
      ),
    );
    // The region table.
    const handlerRoutes = groupBy(lowered.cases, (c) => (c.handler === null ? undefined : c.handler.kind === 'catch' ? `c${c.handler.label}` : c.handler.fin));
    const tableClauses: ts.CaseClause[] = [];
    for (const [key, cases] of handlerRoutes) {
      if (key === undefined) continue;
      const handler = cases[0]!.handler!;
      const body =
        handler.kind === 'catch'
          ? [assign(value, error), assign(state, f.createNumericLiteral(handler.label))]
          : [assign(thisProp(handler.fin.vField), error), assign(thisProp(handler.fin.fField), lit('THROW')), assign(state, f.createNumericLiteral(handler.fin.label))];
      tableClauses.push(...caseLabels(f, cases, [...body, f.createContinueStatement(lowered.needsDispatchLabel ? names.dispatch : undefined)]));
    }
    const catchBody: ts.Statement[] = [];
    if (tableClauses.length > 0) catchBody.push(f.createSwitchStatement(state, f.createCaseBlock(tableClauses)));
    catchBody.push(done(), f.createThrowStatement(error));
    stepBody.push(
      markRunning,
      loop(
        f.createBlock(
          [f.createTryStatement(f.createBlock([resumeMode, dispatchSwitch], true), f.createCatchClause(error, f.createBlock(catchBody, true)), undefined)],
          true,
        ),
      ),
    );
  }
  const step = f.createMethodDeclaration(
    undefined,
    undefined,
    'step',
    undefined,
    undefined,
    [
      f.createParameterDeclaration(undefined, undefined, names.fiber),
      f.createParameterDeclaration(undefined, undefined, names.mode),
      f.createParameterDeclaration(undefined, undefined, names.value),
      f.createParameterDeclaration(undefined, undefined, names.budget),
    ],
    undefined,
    f.createBlock(stepBody, true),
  );
  const classDecl = tsApi.setSourceMapRange(f.createClassDeclaration(undefined, className, undefined, undefined, [debugTable(tsApi, f, debug), ctor, step]), range);
  // The runtime's own call rather than an inline Object.setPrototypeOf: how a flat class joins Frame
  // is the runtime's business (frame.ts), and the emitted line says what it does.
  const link = f.createExpressionStatement(f.createCallExpression(id(names.rt.linkFrameClass), undefined, [id(className)]));
  return [classDecl, link];
}

/** What the frame class's debug table says (protocol.ts, "Debug metadata"). */
export interface FrameDebugInfo {
  name: string;
  file: string | undefined;
  /** [resume label, line, column], 1-based; label 0 is the function itself. */
  positions: [label: number, line: number, column: number][];
}

/**
 * `static debug = { name: 'fetchAll', file: 'src/app.ts', positions: { 0: [10, 1], 1: [12, 5] } };`:
 * a property of the class, read only by introspection and on the error path, so it costs no step and
 * no frame anything. Below ES2022 TypeScript writes it as an assignment after the class.
 */
function debugTable(tsApi: TsApi, f: ts.NodeFactory, debug: FrameDebugInfo): ts.PropertyDeclaration {
  const properties: ts.ObjectLiteralElementLike[] = [f.createPropertyAssignment('name', f.createStringLiteral(debug.name))];
  if (debug.file !== undefined) properties.push(f.createPropertyAssignment('file', f.createStringLiteral(debug.file)));
  if (debug.positions.length > 0) {
    const positions = debug.positions.map(([label, line, column]) =>
      f.createPropertyAssignment(f.createNumericLiteral(label), f.createArrayLiteralExpression([f.createNumericLiteral(line), f.createNumericLiteral(column)])),
    );
    properties.push(f.createPropertyAssignment('positions', f.createObjectLiteralExpression(positions, false)));
  }
  return f.createPropertyDeclaration([f.createModifier(tsApi.SyntaxKind.StaticKeyword)], 'debug', undefined, undefined, f.createObjectLiteralExpression(properties, false));
}

/**
 * `{ return new Name$Frame(this, arguments, a, b); }`; nested in a compiled coroutine, the enclosing
 * frame first (`outer`) and, for a named function expression reading its name, itself last.
 */
export function factoryBody(f: ts.NodeFactory, className: string, lowered: LowerResult, outer?: ts.Expression, env?: (outerEnvField: string) => ts.Expression): ts.Block {
  const args: ts.Expression[] = lowered.factoryArgs.map((a) =>
    a === 'this' ? f.createThis() : a === 'super' ? superReader(f) : a === 'super=' ? superWriter(f) : a === 'delete super' ? superDeleter(f) : f.createIdentifier(a),
  );
  if (lowered.outerField !== undefined) {
    if (outer === undefined) throw new Error('internal: a nested frame needs its enclosing frame');
    args.unshift(outer);
  }
  for (const e of lowered.envArgs) {
    if (env === undefined) throw new Error('internal: a nested frame needs the environments it closes over');
    args.push(env(e.outerEnvField));
  }
  if (lowered.selfName !== undefined) args.push(f.createIdentifier(lowered.selfName));
  return f.createBlock([f.createReturnStatement(f.createNewExpression(f.createIdentifier(className), undefined, args))], true);
}

/**
 * `(key) => super[key]`: the method's `super` for its frame. A super property lookup starts at the
 * prototype of the method's home object, which only the method itself can reach; the arrow reads it
 * with the method's `this` as the receiver, as `super.x` does.
 */
function superReader(f: ts.NodeFactory): ts.Expression {
  const key = f.createIdentifier('key');
  return f.createArrowFunction(undefined, undefined, [f.createParameterDeclaration(undefined, undefined, key)], undefined, undefined, f.createElementAccessExpression(f.createSuper(), key));
}

/**
 * `(key, value) => (super[key] = value)`, made in the method as superReader is: the engine does the
 * set itself (the prototype looked up when it runs, the method's `this` the receiver, a failed set
 * throwing in strict code and ignored in sloppy code, as the method's own `super.x = v` would).
 */
function superWriter(f: ts.NodeFactory): ts.Expression {
  const key = f.createIdentifier('key');
  const value = f.createIdentifier('value');
  return f.createArrowFunction(
    undefined,
    undefined,
    [f.createParameterDeclaration(undefined, undefined, key), f.createParameterDeclaration(undefined, undefined, value)],
    undefined,
    undefined,
    f.createParenthesizedExpression(f.createAssignment(f.createElementAccessExpression(f.createSuper(), key), value)),
  );
}

/** `(key) => delete super[key]`: the engine throws its own ReferenceError, as `delete super.x` does. */
function superDeleter(f: ts.NodeFactory): ts.Expression {
  const key = f.createIdentifier('key');
  return f.createArrowFunction(undefined, undefined, [f.createParameterDeclaration(undefined, undefined, key)], undefined, undefined, f.createDeleteExpression(f.createElementAccessExpression(f.createSuper(), key)));
}

function exitWith(f: ts.NodeFactory, mode: ts.Expression, value: ts.Expression): ts.Expression {
  return f.createCallExpression(f.createPropertyAccessExpression(f.createThis(), 'exitWith'), undefined, [mode, value]);
}

function groupBy<K>(cases: Case[], key: (c: Case) => K): Map<K, Case[]> {
  const out = new Map<K, Case[]>();
  for (const c of cases) {
    const k = key(c);
    const list = out.get(k);
    if (list === undefined) out.set(k, [c]);
    else list.push(c);
  }
  return out;
}

/** `case 1: case 2: <body>` */
function caseLabels(f: ts.NodeFactory, cases: Case[], body: ts.Statement[]): ts.CaseClause[] {
  return cases.map((c, i) => f.createCaseClause(f.createNumericLiteral(c.label), i === cases.length - 1 ? body : []));
}
