/**
 * A `super[key]` reference for a compiled generator method: what the transformer emits where the
 * source writes a super property other than by a plain `=` (compound and logical assignment, `++`/`--`,
 * a destructuring or for-in/of target). Only the method itself can reach its home object, so the
 * factory hands the frame two arrows made inside the method, `(key) => super[key]` and
 * `(key, value) => (super[key] = value)`; this object puts them behind one property, `value`, and the
 * native operator on `ref.value` then runs the reads, conversions and writes in the order it would on
 * `super[key]` (the key converted and the home object's prototype looked up again at each access, as
 * V8 does). A fresh object per evaluation: a reference must not share its key with another evaluation
 * that may run between its read and its write.
 */
class SuperReference {
  constructor(
    private readonly read: (key: unknown) => unknown,
    private readonly write: (key: unknown, value: unknown) => unknown,
    private readonly key: unknown,
  ) {}

  get value(): unknown {
    return this.read(this.key);
  }

  set value(value: unknown) {
    this.write(this.key, value);
  }
}

/** `superReference(read, write, key).value` stands for `super[key]` (see SuperReference). */
export function superReference(read: (key: unknown) => unknown, write: (key: unknown, value: unknown) => unknown, key: unknown): { value: unknown } {
  return new SuperReference(read, write, key);
}
