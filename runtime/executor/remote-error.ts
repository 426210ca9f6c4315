/**
 * What a worker sends back when a job throws. Structured clone alone would lose an error's `name` when
 * its class is not a builtin, and its own properties (`code`, `errno`...); so the worker describes it
 * (worker-script.ts) and the main thread rebuilds it here.
 */
export type ThrownDescription =
  | {
      readonly isError: true;
      readonly name: string;
      readonly message: string;
      readonly stack: string | undefined;
      /** Own enumerable properties that could be cloned (code, errno, path...). */
      readonly properties: Record<string, unknown>;
      readonly cause?: ThrownDescription;
    }
  | { readonly isError: false; readonly value: unknown };

const builtinErrors: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * The error as the main thread sees it: the builtin class when the name is a builtin's, else an Error
 * whose `name` is the original one (the class itself stays in the worker: `instanceof MyError` is
 * false). `message`, the worker's `stack` and the cloneable own properties are kept; a thrown
 * non-Error value comes back as that value.
 */
export function rebuildThrown(description: ThrownDescription): unknown {
  if (!description.isError) return description.value;
  const ErrorClass = builtinErrors[description.name] ?? Error;
  const error = new ErrorClass(description.message);
  if (error.name !== description.name) {
    Object.defineProperty(error, 'name', { value: description.name, writable: true, configurable: true, enumerable: false });
  }
  Object.defineProperty(error, 'stack', { value: description.stack ?? `${description.name}: ${description.message}`, writable: true, configurable: true, enumerable: false });
  if (description.cause !== undefined) {
    Object.defineProperty(error, 'cause', { value: rebuildThrown(description.cause), writable: true, configurable: true, enumerable: false });
  }
  Object.assign(error, description.properties);
  return error;
}
