import type ts from 'typescript';

/**
 * The host's TypeScript module as the transformer calls it: the members it uses, copied into an
 * object of their own. The module object exports some 2,000 names, so V8 keeps it in dictionary
 * mode and every `tsApi.isIdentifier(node)` is a hash lookup; the transform makes millions of these
 * calls over a project, much of it while its code is still cold. A small object literal has a fixed
 * shape: a load from it is a plain field load. Made once per host module (the same functions,
 * whatever TypeScript version passed them).
 */
function copyOf(tsApi: typeof ts) {
  return {
    SyntaxKind: tsApi.SyntaxKind,
    NodeFlags: tsApi.NodeFlags,
    ScriptTarget: tsApi.ScriptTarget,
    ModuleKind: tsApi.ModuleKind,
    kinds: kindTables(tsApi.SyntaxKind),
    addSyntheticTrailingComment: tsApi.addSyntheticTrailingComment,
    canHaveDecorators: tsApi.canHaveDecorators,
    forEachChild: tsApi.forEachChild,
    getDecorators: tsApi.getDecorators,
    getLeadingCommentRanges: tsApi.getLeadingCommentRanges,
    getOriginalNode: tsApi.getOriginalNode,
    getSourceMapRange: tsApi.getSourceMapRange,
    isArrayBindingPattern: tsApi.isArrayBindingPattern,
    isArrayLiteralExpression: tsApi.isArrayLiteralExpression,
    isArrowFunction: tsApi.isArrowFunction,
    isAsExpression: tsApi.isAsExpression,
    isBigIntLiteral: tsApi.isBigIntLiteral,
    isBinaryExpression: tsApi.isBinaryExpression,
    isBindingElement: tsApi.isBindingElement,
    isBlock: tsApi.isBlock,
    isBreakStatement: tsApi.isBreakStatement,
    isCallExpression: tsApi.isCallExpression,
    isCaseBlock: tsApi.isCaseBlock,
    isCaseClause: tsApi.isCaseClause,
    isCatchClause: tsApi.isCatchClause,
    isClassDeclaration: tsApi.isClassDeclaration,
    isClassExpression: tsApi.isClassExpression,
    isClassLike: tsApi.isClassLike,
    isClassStaticBlockDeclaration: tsApi.isClassStaticBlockDeclaration,
    isCommaListExpression: tsApi.isCommaListExpression,
    isComputedPropertyName: tsApi.isComputedPropertyName,
    isConditionalExpression: tsApi.isConditionalExpression,
    isConstructorDeclaration: tsApi.isConstructorDeclaration,
    isContinueStatement: tsApi.isContinueStatement,
    isDefaultClause: tsApi.isDefaultClause,
    isDeleteExpression: tsApi.isDeleteExpression,
    isDoStatement: tsApi.isDoStatement,
    isElementAccessExpression: tsApi.isElementAccessExpression,
    isEmptyStatement: tsApi.isEmptyStatement,
    isEnumDeclaration: tsApi.isEnumDeclaration,
    isExpressionStatement: tsApi.isExpressionStatement,
    isExternalModule: tsApi.isExternalModule,
    isForInStatement: tsApi.isForInStatement,
    isForOfStatement: tsApi.isForOfStatement,
    isForStatement: tsApi.isForStatement,
    isFunctionDeclaration: tsApi.isFunctionDeclaration,
    isFunctionExpression: tsApi.isFunctionExpression,
    isFunctionLike: tsApi.isFunctionLike,
    isGetAccessorDeclaration: tsApi.isGetAccessorDeclaration,
    isHeritageClause: tsApi.isHeritageClause,
    isIdentifier: tsApi.isIdentifier,
    isIfStatement: tsApi.isIfStatement,
    isImportDeclaration: tsApi.isImportDeclaration,
    isImportEqualsDeclaration: tsApi.isImportEqualsDeclaration,
    isInterfaceDeclaration: tsApi.isInterfaceDeclaration,
    isIterationStatement: tsApi.isIterationStatement,
    isLabeledStatement: tsApi.isLabeledStatement,
    isMetaProperty: tsApi.isMetaProperty,
    isMethodDeclaration: tsApi.isMethodDeclaration,
    isModuleBlock: tsApi.isModuleBlock,
    isModuleDeclaration: tsApi.isModuleDeclaration,
    isNamespaceImport: tsApi.isNamespaceImport,
    isNewExpression: tsApi.isNewExpression,
    isNoSubstitutionTemplateLiteral: tsApi.isNoSubstitutionTemplateLiteral,
    isNonNullExpression: tsApi.isNonNullExpression,
    isNumericLiteral: tsApi.isNumericLiteral,
    isObjectBindingPattern: tsApi.isObjectBindingPattern,
    isObjectLiteralExpression: tsApi.isObjectLiteralExpression,
    isOmittedExpression: tsApi.isOmittedExpression,
    isParameter: tsApi.isParameter,
    isParenthesizedExpression: tsApi.isParenthesizedExpression,
    isPostfixUnaryExpression: tsApi.isPostfixUnaryExpression,
    isPrefixUnaryExpression: tsApi.isPrefixUnaryExpression,
    isPrivateIdentifier: tsApi.isPrivateIdentifier,
    isPropertyAccessExpression: tsApi.isPropertyAccessExpression,
    isPropertyAssignment: tsApi.isPropertyAssignment,
    isPropertyDeclaration: tsApi.isPropertyDeclaration,
    isReturnStatement: tsApi.isReturnStatement,
    isSatisfiesExpression: tsApi.isSatisfiesExpression,
    isSetAccessorDeclaration: tsApi.isSetAccessorDeclaration,
    isShorthandPropertyAssignment: tsApi.isShorthandPropertyAssignment,
    isSourceFile: tsApi.isSourceFile,
    isSpreadAssignment: tsApi.isSpreadAssignment,
    isSpreadElement: tsApi.isSpreadElement,
    isStringLiteral: tsApi.isStringLiteral,
    isSwitchStatement: tsApi.isSwitchStatement,
    isTaggedTemplateExpression: tsApi.isTaggedTemplateExpression,
    isTemplateExpression: tsApi.isTemplateExpression,
    isThrowStatement: tsApi.isThrowStatement,
    isTryStatement: tsApi.isTryStatement,
    isTypeAliasDeclaration: tsApi.isTypeAliasDeclaration,
    isTypeAssertionExpression: tsApi.isTypeAssertionExpression,
    isTypeNode: tsApi.isTypeNode,
    isTypeOfExpression: tsApi.isTypeOfExpression,
    isTypeParameterDeclaration: tsApi.isTypeParameterDeclaration,
    isVariableDeclaration: tsApi.isVariableDeclaration,
    isVariableDeclarationList: tsApi.isVariableDeclarationList,
    isVariableStatement: tsApi.isVariableStatement,
    isVoidExpression: tsApi.isVoidExpression,
    isWhileStatement: tsApi.isWhileStatement,
    isWithStatement: tsApi.isWithStatement,
    isYieldExpression: tsApi.isYieldExpression,
    setSourceMapRange: tsApi.setSourceMapRange,
    setTextRange: tsApi.setTextRange,
    visitEachChild: tsApi.visitEachChild,
    visitNode: tsApi.visitNode,
    visitNodes: tsApi.visitNodes,
  };
}

/** What the transformer's modules take as `tsApi`. */
export type TsApi = ReturnType<typeof copyOf>;

/**
 * Kind tests the transform's tree walks make at every node, as tables indexed by `node.kind` (a
 * SyntaxKind's number differs between TypeScript versions, so they are built from the host's).
 */
export interface KindTables {
  /** A non-arrow function or a class: a node whose `this` is not the enclosing one. */
  ownThisScope: Uint8Array;
  /** A function-like with a body of its own: function, arrow, method, accessor, constructor. */
  functionLike: Uint8Array;
  /** for, for-in, for-of, while, do. */
  loop: Uint8Array;
  /** Filled as kinds are met, by scope.ts's isTypeOnly (0: not yet known). */
  typeOnly: Int8Array;
  /**
   * The kinds lower.ts's rewriteNode has a rule for; it passes any other node straight to
   * visitEachChild (most nodes of verbatim code: blocks, `if`s, literals, parentheses...).
   */
  rewritten: Uint8Array;
  /** The same without the kinds whose rules are only for a method's own `super` (property accesses, `delete`). */
  rewrittenWithoutSuper: Uint8Array;
}

function kindTables(SK: typeof ts.SyntaxKind): KindTables {
  let size = 0;
  for (const value of Object.values(SK)) if (typeof value === 'number' && value >= size) size = value + 1;
  const table = (...kinds: ts.SyntaxKind[]): Uint8Array => {
    const out = new Uint8Array(size);
    for (const kind of kinds) out[kind] = 1;
    return out;
  };
  const functions = [SK.FunctionDeclaration, SK.FunctionExpression, SK.MethodDeclaration, SK.GetAccessor, SK.SetAccessor, SK.Constructor];
  const rewrittenWithoutSuper = [
    ...functions,
    SK.ArrowFunction,
    SK.ClassDeclaration,
    SK.ClassExpression,
    SK.Identifier,
    SK.ThisKeyword,
    SK.SuperKeyword,
    SK.MetaProperty,
    SK.BinaryExpression,
    SK.ShorthandPropertyAssignment,
    SK.CallExpression,
    SK.TaggedTemplateExpression,
    SK.ReturnStatement,
    SK.BreakStatement,
    SK.ContinueStatement,
    SK.VariableStatement,
    SK.ForStatement,
    SK.ForInStatement,
    SK.ForOfStatement,
    SK.WhileStatement,
    SK.DoStatement,
    SK.SwitchStatement,
    SK.LabeledStatement,
    SK.TryStatement,
  ];
  return {
    ownThisScope: table(...functions, SK.ClassDeclaration, SK.ClassExpression),
    functionLike: table(...functions, SK.ArrowFunction),
    loop: table(SK.ForStatement, SK.ForInStatement, SK.ForOfStatement, SK.WhileStatement, SK.DoStatement),
    typeOnly: new Int8Array(size),
    rewritten: table(...rewrittenWithoutSuper, SK.PropertyAccessExpression, SK.ElementAccessExpression, SK.DeleteExpression),
    rewrittenWithoutSuper: table(...rewrittenWithoutSuper),
  };
}

const copies = new WeakMap<typeof ts, TsApi>();

/** The fast copy of `tsApi` (see copyOf). */
export function hostApi(tsApi: typeof ts): TsApi {
  let copy = copies.get(tsApi);
  if (copy === undefined) {
    copy = copyOf(tsApi);
    copies.set(tsApi, copy);
  }
  return copy;
}
