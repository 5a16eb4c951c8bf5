import { useCallback, useEffect, useState, type DependencyList } from 'react';

export type Resource<T> =
  { state: 'loading' } | { state: 'ready'; data: T } | { state: 'failed'; error: unknown };

/** Loads data for a page and tracks its state; `reload` loads again, `replace` sets it locally. */
export function useResource<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: DependencyList,
): { resource: Resource<T>; reload: () => void; replace: (data: T) => void } {
  const [resource, setResource] = useState<Resource<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    // What was shown stays until the new answer arrives (a search, the next page, a retry).
    const abort = new AbortController();
    load(abort.signal).then(
      (data) => {
        if (!abort.signal.aborted) setResource({ state: 'ready', data });
      },
      (error: unknown) => {
        if (!abort.signal.aborted) setResource({ state: 'failed', error });
      },
    );
    return () => abort.abort();
    // The caller's deps decide when to load again, as with useEffect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  const replace = useCallback((data: T) => setResource({ state: 'ready', data }), []);
  return { resource, reload, replace };
}
