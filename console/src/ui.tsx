import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { ApiError } from './api';

/** Loads data for a page; `reload` fetches again. Errors are kept for the page to show. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): { data?: T; error?: ApiError; loading: boolean; reload: () => Promise<void> } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const latest = useRef(load);
  latest.current = load;
  const reload = useCallback(async () => {
    try {
      setData(await latest.current());
      setError(undefined);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'ERROR', e instanceof Error ? e.message : String(e)));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    setLoading(true);
    void reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return { data, error, loading, reload };
}

/** Runs an action, keeping its busy state and its error (or a success message) for the form that started it. */
export function useAction(): { busy: boolean; error?: ApiError; done?: string; run: (work: () => Promise<string | void>) => Promise<boolean>; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState<string>();
  const run = useCallback(async (work: () => Promise<string | void>) => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const message = await work();
      if (message) setDone(message);
      return true;
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'ERROR', e instanceof Error ? e.message : String(e)));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, done, run, clear: () => (setError(undefined), setDone(undefined)) };
}

export function PageHead({ title, intro, children }: { title: string; intro?: ReactNode; children?: ReactNode }) {
  return (
    <div className="page-head">
      <div>
        <h1>{title}</h1>
        {intro && <p>{intro}</p>}
      </div>
      {children && <div className="row">{children}</div>}
    </div>
  );
}

export function Card({ title, intro, actions, children, labelledBy }: { title?: string; intro?: ReactNode; actions?: ReactNode; children?: ReactNode; labelledBy?: string }) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={title ? id : labelledBy}>
      {(title || actions) && (
        <div className="card-head">
          <div>
            {title && <h2 id={id}>{title}</h2>}
            {intro && <p>{intro}</p>}
          </div>
          {actions && <div className="row">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}

export function Notice({ tone, children, action }: { tone: 'info' | 'warn' | 'bad' | 'ok'; children: ReactNode; action?: ReactNode }) {
  return (
    <div className={`notice ${tone}`} role={tone === 'bad' ? 'alert' : 'status'}>
      <div>{children}</div>
      {action}
    </div>
  );
}

export function Result({ error, done }: { error?: ApiError; done?: string }) {
  if (error) return <Notice tone="bad"><p>{error.message}{error.field ? <span className="muted small"> ({error.field})</span> : null}</p></Notice>;
  if (done) return <Notice tone="ok"><p>{done}</p></Notice>;
  return null;
}

export function Badge({ tone, children }: { tone: string; children: ReactNode }) {
  return <span className={`badge ${tone}`}>{children}</span>;
}

export function LoadError({ error, retry }: { error: ApiError; retry: () => void }) {
  return <Notice tone="bad" action={<button onClick={retry}>Try again</button>}><p>{error.message}</p></Notice>;
}

export function Loading({ what }: { what: string }) {
  return <p className="muted" role="status">Loading {what}…</p>;
}

export function Check({ label, hint, checked, onChange, name }: { label: string; hint?: string; checked: boolean; onChange: (v: boolean) => void; name?: string }) {
  const id = useId();
  return (
    <div className="check">
      <input id={id} type="checkbox" name={name} checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={hint ? `${id}-h` : undefined} />
      <label htmlFor={id}>
        {label}
        {hint && <span id={`${id}-h`} className="hint">{hint}</span>}
      </label>
    </div>
  );
}

export function Choice<T extends string>({ name, value, current, label, hint, onChange }: { name: string; value: T; current: T; label: string; hint?: string; onChange: (v: T) => void }) {
  return (
    <label className="choice">
      <input type="radio" name={name} value={value} checked={current === value} onChange={() => onChange(value)} />
      <span>
        {label}
        {hint && <span className="hint">{hint}</span>}
      </span>
    </label>
  );
}

export function Field({ label, hint, children, error }: { label: string; hint?: ReactNode; children: (id: string, describedBy?: string) => ReactNode; error?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id, hint ? `${id}-h` : undefined)}
      {hint && <span id={`${id}-h`} className="hint">{hint}</span>}
      {error && <span className="field-error">{error}</span>}
    </div>
  );
}
