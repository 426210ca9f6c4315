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

/** What the transformer's modules take as `tsApi`: the host module itself satisfies it too. */
export type TsApi = ReturnType<typeof copyOf>;

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
