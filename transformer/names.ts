/**
 * Fresh identifiers for emitted code. Every identifier spelled anywhere in the file is taken, so an
 * emitted name can never capture or shadow a user's binding, whatever scope it lands in.
 */
export class NameTable {
  private readonly taken: Set<string>;

  /** `identifiers`: every identifier and private name spelled in the file (analyze.ts collects them); kept. */
  constructor(identifiers: Set<string>) {
    this.taken = identifiers;
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
