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
  const NUMERIC_LITERAL = SK.NumericLiteral;
  const ownThisScope = tsApi.kinds.ownThisScope;
  const fieldName = thisFieldName(tsApi);
  const indexOf = new Map<number, number>();
  cases.forEach((c, i) => indexOf.set(c.label, i));

  // Sets of candidates are bit sets (FieldSet): candidate i is bit i % 30 of word i / 30 (30 bits
  // keep a word a small integer, so the arrays stay arrays of them).
  const names = [...candidates];
  const bitOf = new Map<string, number>(names.map((name, i) => [name, i]));
  const words = Math.max(1, Math.ceil(names.length / WORD_BITS));
  const empty = (): FieldSet => {
    const set: FieldSet = [];
    for (let w = 0; w < words; w++) set.push(0);
    return set;
  };
  const mask = (bit: number): number => 1 << bit % WORD_BITS;
  const add = (set: FieldSet, bit: number): void => {
    set[Math.floor(bit / WORD_BITS)]! |= mask(bit);
  };

  /** The candidate `this.F` as F's bit, else -1. */
  const fieldOf = (node: ts.Node): number => {
    const name = fieldName(node);
    return name !== undefined ? (bitOf.get(name) ?? -1) : -1;
  };

  /**
   * One walk of `node` for both: the candidate fields it mentions (outside non-arrow functions and
   * classes, whose `this` is another object) into `reads`, and the states it assigns (the label
   * literals the lowering wrote) into `targets`. A field access holds no label literal. The nodes
   * above a mention (`path` holds those of the walk) go in `around`, for fieldsToLocals.
   */
  let reads: FieldSet;
  let targets: number[];
  const path: ts.Node[] = [];
  const around = new Set<ts.Node>();
  const scan = (node: ts.Node): void => {
    const field = fieldOf(node);
    if (field >= 0) {
      add(reads, field);
      // Up to the first one already in: those above it are in too.
      for (let i = path.length - 1; i >= 0 && !around.has(path[i]!); i--) around.add(path[i]!);
      return;
    }
    if (node.kind === NUMERIC_LITERAL) {
      if (isStateLiteral(node)) targets.push(Number((node as ts.NumericLiteral).text));
      return;
    }
    if (ownThisScope[node.kind] === 1) return;
    path.push(node);
    tsApi.forEachChild(node, scan);
    path.pop();
  };

  // Per case, per top-level statement: the cases it may jump to, whether it ends the case, and its
  // effect on what is live after it, `gen | (live & ~kill)` (its kills and reads, composed).
  interface StatementFlow {
    targets: number[];
    terminates: boolean;
    gen: FieldSet;
    kill: FieldSet;
  }
  const mentioned: FieldSet[][] = [];
  const flows: StatementFlow[][] = cases.map((c) => {
    const mentionedHere: FieldSet[] = [];
    mentioned.push(mentionedHere);
    return c.stmts.map((statement): StatementFlow => {
      targets = [];
      const terminates = statement.kind === SK.ReturnStatement || statement.kind === SK.ThrowStatement || statement.kind === SK.ContinueStatement;
      const all = empty();
      const gen = empty();
      const kill = empty();
      const expression = statement.kind === SK.ExpressionStatement ? (statement as ts.ExpressionStatement).expression : undefined;
      const spine: ts.Node[] = [statement];
      const parts = expression !== undefined ? commaParts(tsApi, expression, spine) : undefined;
      if (parts !== undefined && parts.length > 0) {
        // In evaluation order: each part reads, then kills what it assigns (a top-level `this.F = e`).
        const effects: { reads: FieldSet; kills: number }[] = [];
        for (const part of parts) {
          const assigned = part.kind === SK.BinaryExpression && (part as ts.BinaryExpression).operatorToken.kind === SK.EqualsToken ? fieldOf((part as ts.BinaryExpression).left) : -1;
          reads = empty();
          scan(assigned >= 0 ? (part as ts.BinaryExpression).right : part);
          effects.push({ reads, kills: assigned });
          for (let w = 0; w < words; w++) all[w]! |= reads[w]!;
          if (assigned >= 0) add(all, assigned);
        }
        // Composed last to first (the backward walk applies the last one first): a kill of F
        // takes F out of what the later parts read, a read adds to it.
        for (let e = effects.length - 1; e >= 0; e--) {
          const { reads: read, kills } = effects[e]!;
          if (kills >= 0) {
            gen[Math.floor(kills / WORD_BITS)]! &= ~mask(kills);
            add(kill, kills);
          }
          for (let w = 0; w < words; w++) gen[w]! |= read[w]!;
        }
        // The statement, its parentheses and commas, and its parts hold whatever the parts mention.
        if (all.some((word) => word !== 0)) for (const node of [...spine, ...parts]) around.add(node);
      } else {
        reads = all;
        scan(statement);
        for (let w = 0; w < words; w++) gen[w] = all[w]!;
      }
      mentionedHere.push(all);
      const targetCases: number[] = [];
      for (const label of targets) {
        const i = indexOf.get(label);
        if (i !== undefined) targetCases.push(i);
      }
      return { targets: targetCases, terminates, gen, kill };
    });
  });

  // Where a throw (the handler) and a `return()` (the finally) resumed in each case go.
  const exceptional = cases.map((c): number[] => {
    const out: number[] = [];
    const labels = [c.handler === null ? undefined : c.handler.kind === 'catch' ? c.handler.label : c.handler.fin.label, c.returnFin?.label];
    for (const label of labels) {
      const i = label === undefined ? undefined : indexOf.get(label);
      if (i !== undefined) out.push(i);
    }
    return out;
  });

  const liveIn: FieldSet[] = cases.map(empty);
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = cases.length - 1; i >= 0; i--) {
      const handlerLive = empty();
      for (const h of exceptional[i]!) for (let w = 0; w < words; w++) handlerLive[w]! |= liveIn[h]![w]!;
      const live = i + 1 < cases.length ? liveIn[i + 1]!.slice() : empty();
      const statements = flows[i]!;
      for (let s = statements.length - 1; s >= 0; s--) {
        const flow = statements[s]!;
        if (flow.terminates) live.fill(0);
        for (const t of flow.targets) for (let w = 0; w < words; w++) live[w]! |= liveIn[t]![w]!;
        for (let w = 0; w < words; w++) live[w] = flow.gen[w]! | (live[w]! & ~flow.kill[w]!) | handlerLive[w]!;
      }
      const before = liveIn[i]!;
      let differs = false;
      for (let w = 0; w < words; w++) {
        live[w]! |= handlerLive[w]!;
        if (live[w] !== before[w]) differs = true;
      }
      if (differs) {
        liveIn[i] = live;
        changed = true;
      }
    }
  }

  const acrossSuspensions = new Set<string>();
  for (const label of resumeLabels) {
    const i = indexOf.get(label);
    if (i === undefined) continue;
    const set = liveIn[i]!;
    names.forEach((name, bit) => {
      if ((set[Math.floor(bit / WORD_BITS)]! & mask(bit)) !== 0) acrossSuspensions.add(name);
    });
  }
  const mentioning = (fields: Iterable<string>): ((caseIndex: number, statementIndex: number) => boolean) => {
    const wanted = empty();
    for (const field of fields) {
      const bit = bitOf.get(field);
      if (bit !== undefined) add(wanted, bit);
    }
    return (caseIndex, statementIndex) => {
      const set = mentioned[caseIndex]![statementIndex]!;
      for (let w = 0; w < words; w++) if ((set[w]! & wanted[w]!) !== 0) return true;
      return false;
    };
  };
  return { acrossSuspensions, mentioning, around };
}

/** A set of candidate fields, as bits (see fieldsLiveAcrossSuspensions). */
type FieldSet = number[];
const WORD_BITS = 30;

/** What fieldsLiveAcrossSuspensions finds. */
export interface Liveness {
  /** The candidate fields that must stay fields. */
  acrossSuspensions: Set<string>;
  /**
   * Does a statement (by its case's and its own index) mention one of `fields` (read or written;
   * outside non-arrow functions and classes)? fieldsToLocals changes nothing in a statement that
   * mentions none of its fields, so keepShortLivedValuesLocal skips those instead of walking them
   * again.
   */
  mentioning(fields: Iterable<string>): (caseIndex: number, statementIndex: number) => boolean;
  /**
   * The nodes of the cases' statements with a mention of a candidate field below them: fieldsToLocals
   * need not look into any other (none holds a field it would change).
   */
  around: ReadonlySet<ts.Node>;
}

/**
 * Rewrites `this.F` to the local `locals.get(F)` in `node` (not inside non-arrow functions and
 * classes: their `this` is not the frame). With `around` (Liveness.around: it holds every node with
 * a `this.F` below it), only those nodes are looked into.
 */
export function fieldsToLocals(tsApi: TsApi, context: ts.TransformationContext, node: ts.Statement, locals: ReadonlyMap<string, string>, around?: ReadonlySet<ts.Node>): ts.Statement {
  const f = context.factory;
  const ownThisScope = tsApi.kinds.ownThisScope;
  const fieldName = thisFieldName(tsApi);
  const visit = (n: ts.Node): ts.Node => {
    const name = fieldName(n);
    const local = name !== undefined ? locals.get(name) : undefined;
    if (local !== undefined) return tsApi.setSourceMapRange(tsApi.setTextRange(f.createIdentifier(local), n), tsApi.getSourceMapRange(n));
    if (ownThisScope[n.kind] === 1 || (around !== undefined && !around.has(n))) return n;
    return tsApi.visitEachChild(n, visit, context);
  };
  return visit(node) as ts.Statement;
}

/**
 * `a, b, c` as [a, b, c] (a comma expression or TypeScript's synthesized comma list); the
 * parentheses and commas around the parts into `spine`.
 */
function commaParts(tsApi: TsApi, e: ts.Expression, spine: ts.Node[]): ts.Expression[] {
  while (tsApi.isParenthesizedExpression(e)) {
    spine.push(e);
    e = e.expression;
  }
  if (tsApi.isCommaListExpression(e)) {
    spine.push(e);
    return e.elements.flatMap((x) => commaParts(tsApi, x, spine));
  }
  if (tsApi.isBinaryExpression(e) && e.operatorToken.kind === tsApi.SyntaxKind.CommaToken) {
    spine.push(e);
    return [...commaParts(tsApi, e.left, spine), ...commaParts(tsApi, e.right, spine)];
  }
  return [e];
}

/** For `tsApi`'s kinds: F of a `this.F` with a plain name, else undefined (both walks above look for these). */
function thisFieldName(tsApi: TsApi): (node: ts.Node) => string | undefined {
  const SK = tsApi.SyntaxKind;
  const PROPERTY_ACCESS = SK.PropertyAccessExpression;
  const THIS = SK.ThisKeyword;
  const IDENTIFIER = SK.Identifier;
  return (node) => {
    if (node.kind !== PROPERTY_ACCESS) return undefined;
    const { expression, name } = node as ts.PropertyAccessExpression;
    return expression.kind === THIS && name.kind === IDENTIFIER ? name.text : undefined;
  };
}
