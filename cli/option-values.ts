import ts from 'typescript';
import { UsageError } from './cli-error.js';

export type GeneratorsMode = 'marked' | 'all';

export function parseGenerators(value: string | undefined, command: string): GeneratorsMode {
  if (value === undefined || value === 'marked') return 'marked';
  if (value === 'all') return 'all';
  throw new UsageError(`--generators must be 'all' or 'marked', not '${value}'`, command);
}

/** `--target es2020` → ts.ScriptTarget.ES2020; names as TypeScript spells them, any case. */
export function parseTarget(value: string | undefined, command: string): ts.ScriptTarget | undefined {
  if (value === undefined) return undefined;
  const names = enumNames(ts.ScriptTarget).filter((name) => name !== 'JSON' && name !== 'ES3' && name !== 'Latest');
  const name = names.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (name === undefined) throw new UsageError(`unknown --target '${value}' (one of: ${names.join(', ')})`, command);
  return ts.ScriptTarget[name as keyof typeof ts.ScriptTarget];
}

/** `--module commonjs` → ts.ModuleKind.CommonJS; names as TypeScript spells them, any case. */
export function parseModule(value: string | undefined, command: string): ts.ModuleKind | undefined {
  if (value === undefined) return undefined;
  const names = enumNames(ts.ModuleKind);
  const name = names.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (name === undefined) throw new UsageError(`unknown --module '${value}' (one of: ${names.join(', ')})`, command);
  return ts.ModuleKind[name as keyof typeof ts.ModuleKind];
}

/** A terminal width in columns: a whole number of at least 20. */
export function parseWidth(value: string | undefined, command: string): number | undefined {
  if (value === undefined) return undefined;
  const width = Number(value);
  if (!Number.isInteger(width) || width < 20) throw new UsageError(`--width must be a whole number of columns, at least 20, not '${value}'`, command);
  return width;
}

/** The names of a numeric TypeScript enum (its reverse-mapping entries left out). */
function enumNames(enumObject: Record<string, string | number>): string[] {
  return Object.keys(enumObject).filter((key) => typeof enumObject[key] === 'number');
}
