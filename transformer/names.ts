/**
 * Fresh identifiers for emitted code. Every identifier spelled anywhere in the file is taken, so an
 * emitted name can never capture or shadow a user's binding, whatever scope it lands in.
 */
export class NameTable {
  private readonly taken: Set<string>;
  /** A base as sanitized, and the suffix its next fresh name tries first (0: the base itself). */
  private readonly bases = new Map<string, { clean: string; next: number }>();

  /** `identifiers`: every identifier and private name spelled in the file (analyze.ts collects them); kept. */
  constructor(identifiers: Set<string>) {
    this.taken = identifiers;
  }

  /** `base` if free, else `base_1`, `base_2`, … ; the result is taken from then on. */
  fresh(base: string): string {
    // Names are only ever added to `taken`: the suffixes a base went past stay taken, so its next
    // name is looked for from where the last one was found (each coroutine of a file asks for the
    // same few bases; from `base_1` every time, that was quadratic in the coroutines of a file).
    let known = this.bases.get(base);
    if (known === undefined) {
      known = { clean: sanitize(base), next: 0 };
      this.bases.set(base, known);
    }
    const clean = known.clean;
    let i = known.next;
    let name = i === 0 ? clean : `${clean}_${i}`;
    while (this.taken.has(name)) {
      i++;
      name = `${clean}_${i}`;
    }
    this.taken.add(name);
    known.next = i + 1;
    return name;
  }
}

/** A valid identifier made from any text. */
export function sanitize(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[A-Za-z_$]/.test(cleaned) ? cleaned : `_${cleaned}`;
}
