import type ts from 'typescript';
import type { TsApi } from './host.js';

/**
 * Fresh identifiers for emitted code. Every identifier spelled anywhere in the file is taken, so an
 * emitted name can never capture or shadow a user's binding, whatever scope it lands in.
 */
export class NameTable {
  private readonly taken: Set<string>;

  constructor(tsApi: TsApi, sourceFile: ts.SourceFile) {
    this.taken = new Set();
    const visit = (node: ts.Node): void => {
      if (tsApi.isIdentifier(node) || tsApi.isPrivateIdentifier(node)) this.taken.add(node.text);
      tsApi.forEachChild(node, visit);
    };
    visit(sourceFile);
  }

  /** `base` if free, else `base_1`, `base_2`, … ; the result is taken from then on. */
  fresh(base: string): string {
    let name = sanitize(base);
    for (let i = 1; this.taken.has(name); i++) name = `${sanitize(base)}_${i}`;
    this.taken.add(name);
    return name;
  }
}

/** A valid identifier made from any text. */
export function sanitize(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[A-Za-z_$]/.test(cleaned) ? cleaned : `_${cleaned}`;
}
