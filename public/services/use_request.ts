/* Loading / error / data state of one request, re-run when `deps` change, aborted on change or unmount. */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface RequestState<T> {
  loading: boolean;
  error?: string;
  /** The error itself (status, body), for ErrorState to name its cause. */
  failure?: unknown;
  data?: T;
  reload(): void;
}

export function errorMessage(e: any): string {
  return e?.body?.message ?? e?.message ?? String(e);
}

export function useRequest<T>(run: (signal: AbortSignal) => Promise<T>, deps: unknown[]): RequestState<T> {
  const [state, setState] = useState<{ loading: boolean; error?: string; failure?: unknown; data?: T }>({
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => {
    const abort = new AbortController();
    setState((s) => ({ loading: true, data: s.data }));
    runRef.current(abort.signal).then(
      (data) => !abort.signal.aborted && setState({ loading: false, data }),
      (e) => !abort.signal.aborted && setState({ loading: false, error: errorMessage(e), failure: e }),
    );
    return () => abort.abort();
    // The caller names the dependencies (like useEffect's own list); `run` is read through runRef.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see the line above
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
