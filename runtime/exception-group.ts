/**
 * Several errors raised together (Python's ExceptionGroup), as TaskGroup raises them when one or more
 * of its tasks failed. It is an AggregateError, so code that knows nothing of tsyncio still sees
 * every error in `.errors`; `.exceptions` is the same list under asyncio's name.
 */
export class ExceptionGroup extends AggregateError {
  override name = 'ExceptionGroup';
  /** The errors, in the order they happened. */
  readonly exceptions: readonly unknown[];

  constructor(message: string, exceptions: Iterable<unknown>) {
    const list = Object.freeze([...exceptions]);
    if (list.length === 0) throw new TypeError('ExceptionGroup: the list of exceptions must not be empty');
    super(list, message);
    this.exceptions = list;
  }

  /** A group of the errors that satisfy `predicate` (nested groups are searched), or null if none does. */
  subgroup(predicate: (error: unknown) => boolean): ExceptionGroup | null {
    const kept: unknown[] = [];
    for (const error of this.exceptions) {
      if (predicate(error)) kept.push(error);
      else if (error instanceof ExceptionGroup) {
        const nested = error.subgroup(predicate);
        if (nested !== null) kept.push(nested);
      }
    }
    if (kept.length === 0) return null;
    return new ExceptionGroup(this.message, kept);
  }
}
