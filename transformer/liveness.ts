import type ts from 'typescript';
import type { TsApi } from './host.js';
import type { Case } from './lower.js';

/**
 * Liveness over a lowered coroutine's cases (DESIGN.md §5, "spill only what lives across a
 * suspension"): which candidate frame fields may be read after a resume before being written again.
 * Those must stay fields; every other candidate can be a plain local of `step`, because a value that
 * no resume needs only ever flows between statements of one `step` call (jumps between cases are a
 * `continue` of the dispatch loop, exceptions go through the region table in the same call).
 *
 * The analysis is a backward data flow over the cases, conservative wherever it is coarse (it may
 * keep a field that could have been a local, never the reverse):
 *   - a case's successors: every state it assigns anywhere in it (`state = L` jumps, `this.state = K`
 *     before a suspension), the next case (fall-through), its exception handler and the
 *     `finally` a `return()` resumed there runs;
 *   - within a case, only a top-level `this.F = e;` (or a comma list of them) kills F; any other
 *     mention of `this.F` — read or write, at any depth — counts as a read;
 *   - what the handler and the `finally` need is live at every statement of the case (an exception
 *     may come from anywhere in it).
 * A resume label K is entered from a new `step` call, so what is live into K (including its handler
 * and `finally`, where THROW and RETURN resumes go) lives across the suspension.
 */
export function fieldsLiveAcrossSuspensions(
  tsApi: TsApi,
  cases: readonly Case[],
  resumeLabels: ReadonlySet<number>,
  candidates: ReadonlySet<string>,
  isStateLiteral: (node: ts.Node) => boolean,
): Liveness {
  const SK = tsApi.SyntaxKind;
  const PROPERTY_ACCESS = SK.PropertyAccessExpression;
  const THIS = SK.ThisKeyword;
  const IDENTIFIER = SK.Identifier;
  const NUMERIC_LITERAL = SK.NumericLiteral;
  const ownThisScope = tsApi.kinds.ownThisScope;
  const indexOf = new Map<number, number>();
  cases.forEach((c, i) => indexOf.set(c.label, i));
  const liveIn: Set<string>[] = cases.map(() => new Set());

  const fieldOf = (node: ts.Node): string | undefined => {
    if (node.kind !== PROPERTY_ACCESS) return undefined;
    const { expression, name } = node as ts.PropertyAccessExpression;
    return expression.kind === THIS && name.kind === IDENTIFIER && candidates.has(name.text) ? name.text : undefined;
  };

  /**
   * One walk of `node` for both: the candidate fields it mentions (outside non-arrow functions and
   * classes, whose `this` is another object) into `reads`, and the states it assigns (the label
   * literals the lowering wrote) into `targets`. A field access holds no label literal.
   */
  let reads: Set<string>;
  let targets: number[];
  const scan = (node: ts.Node): void => {
    const field = fieldOf(node);
    if (field !== undefined) {
      reads.add(field);
      return;
    }
    if (node.kind === NUMERIC_LITERAL) {
      if (isStateLiteral(node)) targets.push(Number((node as ts.NumericLiteral).text));
      return;
    }
    if (ownThisScope[node.kind] === 1) return;
    tsApi.forEachChild(node, scan);
  };

  // Per case, per top-level statement: the states it may jump to, whether it ends the case, and its
  // effect (kills then reads, in evaluation order reversed for the backward walk).
  interface StatementFlow {
    targets: number[];
    terminates: boolean;
    /** Applied last to first: ['kill', F] or ['read', fields]. */
    effects: (['kill', string] | ['read', Set<string>])[];
  }
  const mentioned: Set<string>[][] = [];
  const flows: StatementFlow[][] = cases.map((c) => {
    const mentionedHere: Set<string>[] = [];
    mentioned.push(mentionedHere);
    return c.stmts.map((statement): StatementFlow => {
      targets = [];
      const terminates = statement.kind === SK.ReturnStatement || statement.kind === SK.ThrowStatement || statement.kind === SK.ContinueStatement;
      const effects: StatementFlow['effects'] = [];
      const all = new Set<string>();
      const expression = statement.kind === SK.ExpressionStatement ? (statement as ts.ExpressionStatement).expression : undefined;
      const parts = expression !== undefined ? commaParts(tsApi, expression) : undefined;
      if (parts !== undefined && parts.length > 0) {
        for (const part of parts) {
          const assigned = part.kind === SK.BinaryExpression && (part as ts.BinaryExpression).operatorToken.kind === SK.EqualsToken ? fieldOf((part as ts.BinaryExpression).left) : undefined;
          reads = new Set<string>();
          scan(assigned !== undefined ? (part as ts.BinaryExpression).right : part);
          effects.push(['read', reads]);
          for (const f of reads) all.add(f);
          if (assigned !== undefined) {
            effects.push(['kill', assigned]);
            all.add(assigned);
          }
        }
      } else {
        reads = all;
        scan(statement);
        effects.push(['read', all]);
      }
      mentionedHere.push(all);
      return { targets, terminates, effects };
    });
  });

  const liveAt = (label: number): Set<string> => {
    const i = indexOf.get(label);
    return i === undefined ? new Set() : liveIn[i]!;
  };
  const exceptional = (c: Case): number[] => {
    const out: number[] = [];
    if (c.handler !== null) out.push(c.handler.kind === 'catch' ? c.handler.label : c.handler.fin.label);
    if (c.returnFin !== undefined) out.push(c.returnFin.label);
    return out;
  };

  for (let changed = true; changed; ) {
    changed = false;
    for (let i = cases.length - 1; i >= 0; i--) {
      const c = cases[i]!;
      const handlerLive = new Set<string>();
      for (const label of exceptional(c)) for (const f of liveAt(label)) handlerLive.add(f);
      const live = new Set<string>(i + 1 < cases.length ? liveIn[i + 1] : []);
      const statements = flows[i]!;
      for (let s = statements.length - 1; s >= 0; s--) {
        const flow = statements[s]!;
        if (flow.terminates) live.clear();
        for (const label of flow.targets) for (const f of liveAt(label)) live.add(f);
        for (let e = flow.effects.length - 1; e >= 0; e--) {
          const effect = flow.effects[e]!;
          if (effect[0] === 'kill') live.delete(effect[1]);
          else for (const f of effect[1]) live.add(f);
        }
        for (const f of handlerLive) live.add(f);
      }
      for (const f of handlerLive) live.add(f);
      if (live.size !== liveIn[i]!.size || [...live].some((f) => !liveIn[i]!.has(f))) {
        liveIn[i] = live;
        changed = true;
      }
    }
  }

  const acrossSuspensions = new Set<string>();
  for (const label of resumeLabels) for (const f of liveAt(label)) acrossSuspensions.add(f);
  return { acrossSuspensions, mentioned };
}

/** What fieldsLiveAcrossSuspensions finds. */
export interface Liveness {
  /** The candidate fields that must stay fields. */
  acrossSuspensions: Set<string>;
  /**
   * Per case, per statement: the candidate fields it mentions (read or written; outside non-arrow
   * functions and classes). fieldsToLocals changes nothing in a statement that mentions none of its
   * fields, so keepShortLivedValuesLocal skips those statements instead of walking them again.
   */
  mentioned: Set<string>[][];
}

/**
 * Rewrites `this.F` to the local `locals.get(F)` in `node` (not inside non-arrow functions and
 * classes: their `this` is not the frame).
 */
export function fieldsToLocals(tsApi: TsApi, context: ts.TransformationContext, node: ts.Statement, locals: ReadonlyMap<string, string>): ts.Statement {
  const f = context.factory;
  const SK = tsApi.SyntaxKind;
  const PROPERTY_ACCESS = SK.PropertyAccessExpression;
  const THIS = SK.ThisKeyword;
  const IDENTIFIER = SK.Identifier;
  const ownThisScope = tsApi.kinds.ownThisScope;
  const visit = (n: ts.Node): ts.Node => {
    if (n.kind === PROPERTY_ACCESS) {
      const { expression, name } = n as ts.PropertyAccessExpression;
      if (expression.kind === THIS && name.kind === IDENTIFIER) {
        const local = locals.get(name.text);
        if (local !== undefined) return tsApi.setSourceMapRange(tsApi.setTextRange(f.createIdentifier(local), n), tsApi.getSourceMapRange(n));
      }
    }
    if (ownThisScope[n.kind] === 1) return n;
    return tsApi.visitEachChild(n, visit, context);
  };
  return visit(node) as ts.Statement;
}

/** `a, b, c` as [a, b, c] (a comma expression or TypeScript's synthesized comma list). */
function commaParts(tsApi: TsApi, e: ts.Expression): ts.Expression[] {
  while (tsApi.isParenthesizedExpression(e)) e = e.expression;
  if (tsApi.isCommaListExpression(e)) return e.elements.flatMap((x) => commaParts(tsApi, x));
  if (tsApi.isBinaryExpression(e) && e.operatorToken.kind === tsApi.SyntaxKind.CommaToken) return [...commaParts(tsApi, e.left), ...commaParts(tsApi, e.right)];
  return [e];
}
