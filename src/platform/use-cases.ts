/**
 * A domain's service is a short list of its use cases bound to the domain's dependencies
 * (docs/decisions/0031-use-cases-and-account-machines.md): each use case is a named function
 * `(deps: Pick<XDeps, …>, ...inputs)`, and `bind(fn)` gives the `(...inputs)` method routes call.
 */
export function bindUseCases<D>(deps: D) {
  return <A extends unknown[], R>(useCase: (deps: D, ...args: A) => R) =>
    (...args: A): R =>
      useCase(deps, ...args);
}
