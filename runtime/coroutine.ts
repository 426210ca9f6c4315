import { debugFromEnvironment, trackCoroutine } from './debug/debug-mode.js';
import { registerGeneratorFunction } from './debug/frame-info.js';

/** A coroutine object: what calling a coroutine function returns (a native generator, or a compiled frame). */
export type Coroutine<T = unknown> = Generator<unknown, T, unknown>;

type GeneratorFunction = (...args: never[]) => Generator<unknown, unknown, unknown>;

/**
 * Marks a generator function as a coroutine for the tsyncio compiler. Uncompiled it changes nothing:
 * the function stays a native generator that the runtime drives the same way. Usable as a wrapper
 * (`coroutine(function* () {})`), a standard method decorator, or a legacy (experimentalDecorators)
 * method decorator.
 */
export function coroutine<F extends GeneratorFunction>(fn: F): F;
export function coroutine<F extends GeneratorFunction>(fn: F, context: ClassMethodDecoratorContext): F;
export function coroutine<D extends PropertyDescriptor>(target: object, key: string | symbol, descriptor: D): D;
export function coroutine(fnOrTarget: unknown, contextOrKey?: unknown, descriptor?: PropertyDescriptor): unknown {
  if (descriptor !== undefined) {
    // Its generators are named after it in stacks and coroutine chains (debug/frame-info.ts).
    if (typeof descriptor.value === 'function') {
      registerGeneratorFunction(descriptor.value as GeneratorFunction);
      if (debugFromEnvironment()) descriptor.value = tracking(descriptor.value as GeneratorFunction);
    }
    return descriptor;
  }
  if (typeof fnOrTarget !== 'function') throw new TypeError('coroutine() expects a generator function');
  void contextOrKey;
  registerGeneratorFunction(fnOrTarget as GeneratorFunction);
  return debugFromEnvironment() ? tracking(fnOrTarget as GeneratorFunction) : fnOrTarget;
}

/**
 * Debug mode (TSYNCIO_DEBUG set when the function is defined): the coroutine objects `fn` makes are
 * watched, and one collected without ever running is reported (debug/debug-mode.ts, trackCoroutine).
 */
function tracking(fn: GeneratorFunction): GeneratorFunction {
  const wrapper = function (this: unknown, ...args: never[]): Generator<unknown, unknown, unknown> {
    return trackCoroutine(fn.apply(this, args), fn.name !== '' ? fn.name : undefined);
  };
  Object.defineProperty(wrapper, 'name', { value: fn.name });
  return wrapper;
}
