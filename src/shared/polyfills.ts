/**
 * Language features the project's dependencies call but Node 20 lacks. `aws-local-stepfunctions` 3.x
 * declares Node ≥ 22 and calls `Promise.withResolvers` on every Task state, so without this module the
 * local runner fails on Node 20. Import it for its effect before the interpreter runs; on Node 22+ the
 * native implementation is kept.
 */

export interface PromiseResolvers<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T | PromiseLike<T>) => void;
  readonly reject: (reason?: unknown) => void;
}

/** `Promise.withResolvers` as ES2024 specifies it: a new promise and the two functions that settle it. */
export function promiseWithResolvers<T>(): PromiseResolvers<T> {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

interface PromiseConstructorWithResolvers {
  withResolvers?: <T>() => PromiseResolvers<T>;
}

export function installPolyfills(): void {
  const ctor = Promise as unknown as PromiseConstructorWithResolvers;
  if (typeof ctor.withResolvers !== 'function') {
    Object.defineProperty(Promise, 'withResolvers', {
      value: promiseWithResolvers,
      writable: true,
      configurable: true,
    });
  }
}

installPolyfills();
