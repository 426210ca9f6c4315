import type ts from 'typescript';
import type { TsApi } from './host.js';

/**
 * Scope analysis of one generator function, without a type checker (the transform also runs under
 * `transpileModule`): which identifier refers to which binding, which bindings are declared where,
 * and which references cross a closure boundary. Names not declared inside the function are free.
 */

export type BindingKind = 'param' | 'var' | 'let' | 'const' | 'class' | 'function' | 'catch';

export interface Binding {
  name: string;
  kind: BindingKind;
  /** The declaring identifier. */
  id: ts.Identifier;
  scope: Scope;
  refs: Reference[];
  /** End of the declaration (a `let`/`const` read before it is in its temporal dead zone). */
  declEnd: number;
  /** Frame field name, once the lowering decides the binding lives on the frame. */
  field?: string;
  /**
   * A per-iteration binding a closure captures: it lives in an environment object (a fresh one per
   * entry of its scope) held in this frame field, under `envKey`, instead of in a field of its own.
   */
  envField?: string;
  envKey?: string;
}

export interface Reference {
  id: ts.Identifier;
  binding: Binding;
  /** Innermost function-like between the reference and the generator (undefined: the generator itself). */
  closure: ts.Node | undefined;
  /** True when every function boundary crossed is an arrow function (lexical `this`). */
  arrowsOnly: boolean;
}

export interface Scope {
  node: ts.Node;
  parent: Scope | undefined;
  /** A function scope (params and `var`s); the generator's own scope has depth 0. */
  isFunction: boolean;
  /** Nesting of function-likes below the generator: 0 for the generator's own code. */
  functionDepth: number;
  /** Declared inside a loop of the generator's own code (per-iteration bindings). */
  inLoop: boolean;
  bindings: Map<string, Binding>;
}

export interface ScopeInfo {
  root: Scope;
  /** Reference identifier -> binding (only identifiers bound inside the function). */
  refs: Map<ts.Identifier, Binding>;
  bindings: Binding[];
  /** Every scope by its node. */
  scopes: Map<ts.Node, Scope>;
  /** Free names the function reads (not declared inside it). */
  freeNames: Set<string>;
  /** The generator's own code (not nested non-arrow functions) uses `this` / `arguments`. */
  usesThis: boolean;
  usesArguments: boolean;
  /** The generator's own code (arrows included) uses `super` (a method's home object). */
  usesSuper: boolean;
  /**
   * The first `super` property it writes (`=`, compound, `++`, a destructuring target) and the first
   * it deletes, in its own code or its arrows: the factory then passes arrows for those too (emit.ts).
   */
  superWrite: ts.Node | undefined;
  superDelete: ts.Node | undefined;
  /** It names private members (`#x`) of a class around it: its frame class must be placed inside that class. */
  usesPrivateNames: boolean;
  /** Constructs that make scope analysis unsound or the frame unable to follow. */
  blockers: { node: ts.Node; reason: string }[];
}

export function analyzeScopes(tsApi: TsApi, fn: ts.SignatureDeclaration & { body?: ts.Node }): ScopeInfo {
  const SK = tsApi.SyntaxKind;
  const scopes = new Map<ts.Node, Scope>();
  const bindings: Binding[] = [];
  const blockers: ScopeInfo['blockers'] = [];
  const root: Scope = { node: fn, parent: undefined, isFunction: true, functionDepth: 0, inLoop: false, bindings: new Map() };
  scopes.set(fn, root);

  const declare = (scope: Scope, id: ts.Identifier, kind: BindingKind, declEnd = 0): void => {
    const existing = scope.bindings.get(id.text);
    if (existing !== undefined) {
      // `var x` after a parameter or another `var x` is the same binding; anything else is a
      // redeclaration error the parser left to the checker: refuse it rather than guess.
      if ((kind === 'var' || kind === 'function') && (existing.kind === 'var' || existing.kind === 'param' || existing.kind === 'function')) {
        if (kind === 'function') existing.kind = 'function';
        return;
      }
      blockers.push({ node: id, reason: `'${id.text}' is declared twice` });
      return;
    }
    const binding: Binding = { name: id.text, kind, id, scope, refs: [], declEnd };
    scope.bindings.set(id.text, binding);
    bindings.push(binding);
  };

  const declarePattern = (scope: Scope, name: ts.BindingName, kind: BindingKind, declEnd = 0): void => {
    if (tsApi.isIdentifier(name)) declare(scope, name, kind, declEnd);
    else
      for (const element of name.elements) {
        if (tsApi.isBindingElement(element)) declarePattern(scope, element.name, kind, declEnd);
      }
  };

  const functionScopeOf = (scope: Scope): Scope => {
    let s: Scope = scope;
    while (!s.isFunction && s.parent !== undefined) s = s.parent;
    return s;
  };

  // Both passes test every node's kind: against the numbers, not through the API's predicates.
  const { functionLike, loop, typeOnly } = tsApi.kinds;
  const isFunctionLike = (node: ts.Node): boolean => functionLike[node.kind] === 1;
  const isLoop = (node: ts.Node): boolean => loop[node.kind] === 1;
  const FUNCTION_DECLARATION = SK.FunctionDeclaration;
  const FUNCTION_EXPRESSION = SK.FunctionExpression;
  const ARROW_FUNCTION = SK.ArrowFunction;
  const CLASS_DECLARATION = SK.ClassDeclaration;
  const CLASS_EXPRESSION = SK.ClassExpression;
  const FOR = SK.ForStatement;
  const FOR_IN = SK.ForInStatement;
  const FOR_OF = SK.ForOfStatement;
  const BLOCK = SK.Block;
  const CASE_BLOCK = SK.CaseBlock;
  const CATCH_CLAUSE = SK.CatchClause;
  const VARIABLE_DECLARATION_LIST = SK.VariableDeclarationList;
  const ENUM_DECLARATION = SK.EnumDeclaration;
  const MODULE_DECLARATION = SK.ModuleDeclaration;
  const IDENTIFIER = SK.Identifier;
  const THIS = SK.ThisKeyword;
  const SUPER = SK.SuperKeyword;
  const PROPERTY_DECLARATION = SK.PropertyDeclaration;
  const CLASS_STATIC_BLOCK = SK.ClassStaticBlockDeclaration;
  const PRIVATE_IDENTIFIER = SK.PrivateIdentifier;
  const WITH = SK.WithStatement;
  const HERITAGE_CLAUSE = SK.HeritageClause;

  // Children that carry values: a heritage clause's are its `extends` expressions. Types and
  // type-only declarations are skipped by the passes themselves (they return at once for those:
  // one callback less per node than a filter here).
  const valueChildren = (node: ts.Node, cb: (child: ts.Node) => void): void => {
    if (node.kind === HERITAGE_CLAUSE) {
      const clause = node as ts.HeritageClause;
      if (clause.token === SK.ExtendsKeyword) for (const t of clause.types) cb(t.expression);
      return;
    }
    tsApi.forEachChild(node, cb);
  };

  // Pass 1: scopes and declarations.
  const declarePass = (node: ts.Node, scope: Scope, loopDepth: number, isFnBody = false): void => {
    if (isTypeOnly(tsApi, typeOnly, node)) return;
    let inner = scope;
    let innerLoop = loopDepth;
    const kind = node.kind;
    if (node !== fn && isFunctionLike(node)) {
      const f = node as ts.FunctionLikeDeclaration;
      inner = { node, parent: scope, isFunction: true, functionDepth: scope.functionDepth + 1, inLoop: false, bindings: new Map() };
      scopes.set(node, inner);
      if (kind === FUNCTION_EXPRESSION && f.name !== undefined) declare(inner, f.name as ts.Identifier, 'function');
      if (kind === FUNCTION_DECLARATION && f.name !== undefined) {
        // Block-scoped in strict code (modules, classes); Annex B sloppy blocks are refused by analyze.
        declare(scope, f.name as ts.Identifier, 'function');
      }
      for (const p of f.parameters) declarePattern(inner, p.name, 'param');
      innerLoop = 0;
    } else if (node === fn) {
      for (const p of fn.parameters) {
        if (tsApi.isIdentifier(p.name) && p.name.text === 'this') continue;
        declarePattern(root, p.name, 'param');
      }
    } else if (kind === CLASS_DECLARATION || kind === CLASS_EXPRESSION) {
      const name = (node as ts.ClassLikeDeclaration).name;
      if (kind === CLASS_DECLARATION && name !== undefined) declare(scope, name, 'class', node.end);
      inner = { node, parent: scope, isFunction: false, functionDepth: scope.functionDepth, inLoop: loopDepth > 0, bindings: new Map() };
      scopes.set(node, inner);
      if (kind === CLASS_EXPRESSION && name !== undefined) declare(inner, name, 'class');
    } else if (isLoop(node)) {
      innerLoop = scope.functionDepth === 0 ? loopDepth + 1 : loopDepth;
      if (kind === FOR || kind === FOR_IN || kind === FOR_OF) {
        inner = { node, parent: scope, isFunction: false, functionDepth: scope.functionDepth, inLoop: innerLoop > 0, bindings: new Map() };
        scopes.set(node, inner);
      }
    } else if ((kind === BLOCK && !isFnBody) || kind === CASE_BLOCK || kind === CATCH_CLAUSE) {
      inner = { node, parent: scope, isFunction: false, functionDepth: scope.functionDepth, inLoop: loopDepth > 0, bindings: new Map() };
      scopes.set(node, inner);
      const variable = kind === CATCH_CLAUSE ? (node as ts.CatchClause).variableDeclaration : undefined;
      if (variable !== undefined) declarePattern(inner, variable.name, 'catch');
    } else if (kind === VARIABLE_DECLARATION_LIST) {
      const list = node as ts.VariableDeclarationList;
      const declared = declarationKind(tsApi, list);
      if (declared === 'using') {
        blockers.push({ node, reason: '`using` declarations are not supported' });
        return;
      }
      for (const d of list.declarations) declarePattern(declared === 'var' ? functionScopeOf(scope) : scope, d.name, declared, declared === 'var' ? 0 : d.end);
    } else if (kind === ENUM_DECLARATION || kind === MODULE_DECLARATION) {
      blockers.push({ node, reason: 'enum and namespace declarations inside a coroutine are not supported' });
      return;
    }
    const body = isFunctionLike(node) ? (node as ts.FunctionLikeDeclaration).body : undefined;
    // The body block of a function-like shares the function's scope.
    valueChildren(node, (child) => declarePass(child, inner, innerLoop, child === body));
  };

  const refs = new Map<ts.Identifier, Binding>();
  const freeNames = new Set<string>();
  let usesThis = false;
  let usesArguments = false;
  let usesSuper = false;
  let superWrite: ts.Node | undefined;
  let superDelete: ts.Node | undefined;
  let usesPrivateNames = false;

  const resolve = (scope: Scope, name: string): Binding | undefined => {
    for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
      const b = s.bindings.get(name);
      if (b !== undefined) return b;
    }
    return undefined;
  };

  const isReference = (id: ts.Identifier, parent: ts.Node): boolean => {
    switch (parent.kind) {
      case SK.PropertyAccessExpression:
        return (parent as ts.PropertyAccessExpression).expression === id;
      case SK.QualifiedName:
        return false;
      case SK.PropertyAssignment:
        return (parent as ts.PropertyAssignment).initializer === id;
      case SK.VariableDeclaration:
      case SK.Parameter:
      case SK.BindingElement:
      case SK.PropertyDeclaration:
        return (parent as ts.VariableDeclaration).initializer === id;
      case SK.MethodDeclaration:
      case SK.GetAccessor:
      case SK.SetAccessor:
      case SK.PropertySignature:
      case SK.MethodSignature:
      case SK.EnumMember:
      case SK.FunctionDeclaration:
      case SK.FunctionExpression:
      case SK.ClassDeclaration:
      case SK.ClassExpression:
      case SK.LabeledStatement:
      case SK.BreakStatement:
      case SK.ContinueStatement:
      case SK.MetaProperty:
      case SK.ImportSpecifier:
      case SK.ExportSpecifier:
      case SK.ImportClause:
      case SK.NamespaceImport:
      case SK.JsxAttribute:
        return false;
      default:
        return true;
    }
  };

  // Pass 2: references.
  const refPass = (node: ts.Node, parent: ts.Node, scope: Scope, closure: ts.Node | undefined, arrowsOnly: boolean, inClass = false): void => {
    if (isTypeOnly(tsApi, typeOnly, node)) return;
    const own = scopes.get(node);
    let innerScope = own !== undefined && node !== fn ? own : scope;
    let innerClosure = closure;
    let innerArrows = arrowsOnly;
    const kind = node.kind;
    if (node !== fn && isFunctionLike(node)) {
      innerClosure = node;
      if (kind !== ARROW_FUNCTION) innerArrows = false;
    }
    // A class field's initializer runs later, at each `new` (a static one at once, but as a closure all the same).
    if (kind === PROPERTY_DECLARATION || kind === CLASS_STATIC_BLOCK) innerClosure = node;
    const isClass = kind === CLASS_DECLARATION || kind === CLASS_EXPRESSION;
    const innerInClass = inClass || isClass;
    if (isClass) innerArrows = false;
    if (kind === IDENTIFIER) {
      const id = node as ts.Identifier;
      if (!isReference(id, parent)) return;
      const b = resolve(scope, id.text);
      if (b !== undefined) {
        refs.set(id, b);
        b.refs.push({ id, binding: b, closure, arrowsOnly });
      } else {
        freeNames.add(id.text);
        if (id.text === 'arguments' && arrowsOnly) usesArguments = true;
        if (id.text === 'eval' && closure === undefined) blockers.push({ node, reason: '`eval` inside a coroutine is not supported' });
      }
      return;
    }
    if (kind === THIS && arrowsOnly) usesThis = true;
    if (kind === SUPER && arrowsOnly) {
      // Reached through the method itself (`(key) => super[key]`), with the method's `this`.
      usesSuper = true;
      usesThis = true;
      if (tsApi.isPropertyAccessExpression(parent) || tsApi.isElementAccessExpression(parent)) {
        if (isAssignmentTarget(tsApi, parent)) superWrite ??= parent;
        let outer: ts.Node = parent.parent;
        while (isOuterExpression(tsApi, outer)) outer = outer.parent;
        if (tsApi.isDeleteExpression(outer)) superDelete ??= parent;
      }
    }
    // A class declared inside the coroutine keeps its own private names; the enclosing class's are
    // reached by placing the frame class inside that class (index.ts).
    if (kind === PRIVATE_IDENTIFIER && !inClass) usesPrivateNames = true;
    if (kind === WITH) blockers.push({ node, reason: '`with` is not supported' });
    if (own !== undefined && node === fn) innerScope = own;
    valueChildren(node, (child) => refPass(child, node, innerScope, innerClosure, innerArrows, innerInClass));
  };

  declarePass(fn, root, 0);
  refPass(fn, fn.parent ?? fn, root, undefined, true);
  return { root, refs, bindings, scopes, freeNames, usesThis, usesArguments, usesSuper, superWrite, superDelete, usesPrivateNames, blockers };
}

/** var / let / const / using of a declaration list (`using` flags exist from TS 5.2). */
export function declarationKind(tsApi: TsApi, list: ts.VariableDeclarationList): 'var' | 'let' | 'const' | 'using' {
  const F = tsApi.NodeFlags as unknown as Record<string, number>;
  const using = F['Using'] ?? 0;
  const bits = list.flags & ((F['Let'] ?? 1) | (F['Const'] ?? 2) | using);
  if (using !== 0 && (bits & using) !== 0) return 'using';
  if (bits & (F['Const'] ?? 2)) return 'const';
  if (bits & (F['Let'] ?? 1)) return 'let';
  return 'var';
}

/** Parentheses and type assertions: a reference inside them is still that reference. */
export function isOuterExpression(tsApi: TsApi, n: ts.Node | undefined): n is ts.ParenthesizedExpression | ts.NonNullExpression | ts.AsExpression | ts.TypeAssertion | ts.SatisfiesExpression {
  return n !== undefined && (tsApi.isParenthesizedExpression(n) || tsApi.isNonNullExpression(n) || tsApi.isAsExpression(n) || tsApi.isTypeAssertionExpression(n) || tsApi.isSatisfiesExpression(n));
}

/** Is `node` written: an assignment's target, `++`/`--`'s operand, a for-in/of target, or inside a destructuring target? */
export function isAssignmentTarget(tsApi: TsApi, node: ts.Node): boolean {
  let n: ts.Node = node;
  for (;;) {
    let p = n.parent;
    while (isOuterExpression(tsApi, p)) {
      n = p;
      p = p.parent;
    }
    if (p === undefined) return false;
    if (tsApi.isBinaryExpression(p)) {
      const op = p.operatorToken.kind;
      return p.left === n && op >= tsApi.SyntaxKind.FirstAssignment && op <= tsApi.SyntaxKind.LastAssignment;
    }
    if (tsApi.isPrefixUnaryExpression(p) || tsApi.isPostfixUnaryExpression(p)) return p.operator === tsApi.SyntaxKind.PlusPlusToken || p.operator === tsApi.SyntaxKind.MinusMinusToken;
    if (tsApi.isForOfStatement(p) || tsApi.isForInStatement(p)) return p.initializer === n;
    // An element of a literal that may itself be a destructuring target: decided by the literal.
    if (tsApi.isArrayLiteralExpression(p) || tsApi.isSpreadElement(p) || tsApi.isSpreadAssignment(p) || tsApi.isObjectLiteralExpression(p)) n = p;
    else if (tsApi.isPropertyAssignment(p) && p.initializer === n) n = p;
    else return false;
  }
}

/**
 * A type, type parameter, interface or type alias: no values in it. Each of TypeScript's tests
 * depends on the node's kind alone; asked once per kind and remembered in `memo` (0: not yet asked,
 * 1: type-only, 2: not).
 */
function isTypeOnly(tsApi: TsApi, memo: Int8Array, node: ts.Node): boolean {
  let known = memo[node.kind];
  if (known === 0) {
    const typeOnly = tsApi.isTypeNode(node) || tsApi.isTypeParameterDeclaration(node) || tsApi.isInterfaceDeclaration(node) || tsApi.isTypeAliasDeclaration(node);
    known = typeOnly ? 1 : 2;
    memo[node.kind] = known;
  }
  return known === 1;
}
