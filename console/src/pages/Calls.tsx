import { useEffect, useRef, useState } from 'react';
import { api, get, query } from '../api';
import { navigate } from '../router';
import { Card, Field, LoadError, PageHead, Result, useAction, useLoad } from '../ui';
import { formatDuration, formatTime, reasonText } from '../words';

const POLL_MS = 4000;
const STATUSES = ['logged', 'skipped', 'failed', 'pending', 'logging'];

interface Filters { status: string; agent: string; day: string; number: string }

function filtersFromUrl(): Filters {
  const q = new URLSearchParams(window.location.search);
  return { status: q.get('status') ?? '', agent: q.get('agent') ?? '', day: q.get('day') ?? '', number: q.get('number') ?? '' };
}

function apiQuery(f: Filters, extra: Record<string, string | undefined> = {}): string {
  const from = f.day ? new Date(`${f.day}T00:00:00`) : undefined;
  const to = from ? new Date(from.getTime() + 86_400_000) : undefined;
  return query({ status: f.status, rcExtensionId: f.agent, from: from?.toISOString(), to: to?.toISOString(), number: f.number.trim(), ...extra });
}

export function CallsPage() {
  const [filters, setFilters] = useState<Filters>(filtersFromUrl);
  const [items, setItems] = useState<any[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error>();
  const [loaded, setLoaded] = useState(false);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const seen = useRef<Set<string>>(new Set());
  const agents = useLoad(() => get('/admin/user-mappings'));
  const action = useAction();
  const names = new Map<string, string>((agents.data?.rcExtensions ?? []).map((e: any) => [e.id, `${e.name}${e.extensionNumber ? ` (${e.extensionNumber})` : ''}`]));

  // The first page is polled: new calls appear on their own; pages loaded with "Show more" stay as they are.
  const loadFirst = async (initial: boolean) => {
    try {
      const page = await get(`/admin/call-logs${apiQuery(filters, { limit: '50' })}`);
      setError(undefined);
      const newIds = initial ? [] : page.items.filter((i: any) => !seen.current.has(i.id)).map((i: any) => i.id);
      page.items.forEach((i: any) => seen.current.add(i.id));
      setFresh(new Set(newIds));
      setItems((old) => (initial ? page.items : [...page.items, ...old.slice(50)]));
      if (initial) setCursor(page.nextCursor);
      setLoaded(true);
    } catch (e) {
      setError(e as Error);
    }
  };
  useEffect(() => {
    const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][]).toString();
    window.history.replaceState(null, '', `/console/calls${params ? `?${params}` : ''}`);
    seen.current = new Set();
    setLoaded(false);
    void loadFirst(true);
    const timer = setInterval(() => void loadFirst(false), POLL_MS);
    return () => clearInterval(timer);
  }, [filters.status, filters.agent, filters.day, filters.number]);

  const more = async () => {
    if (!cursor) return;
    const page = await get(`/admin/call-logs${apiQuery(filters, { limit: '50', cursor })}`);
    page.items.forEach((i: any) => seen.current.add(i.id));
    setItems((old) => [...old, ...page.items]);
    setCursor(page.nextCursor);
  };
  const retryFailed = () =>
    void action.run(async () => {
      const r = await api('POST', `/admin/call-logs/retry${apiQuery({ ...filters, status: 'failed' })}`);
      await loadFirst(false);
      return r.retried ? `${r.retried} failed call${r.retried === 1 ? ' is' : 's are'} being logged again.${r.more ? ' More remain: retry again.' : ''}` : 'No failed call to retry.';
    });
  const [numberDraft, setNumberDraft] = useState(filters.number);
  const failedShown = items.some((i) => i.status === 'failed');
  return (
    <>
      <PageHead title="Calls" intro="Every call and where its logging stands. New calls appear on their own.">
        <button onClick={retryFailed} disabled={action.busy} className={failedShown ? 'primary' : undefined}>Retry all failed</button>
      </PageHead>
      <Result error={action.error} done={action.done} />
      <Card>
        <form className="filters" role="search" onSubmit={(e) => (e.preventDefault(), setFilters({ ...filters, number: numberDraft }))}>
          <Field label="Status">
            {(id) => (
              <select id={id} value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value })}>
                <option value="">All</option>
                {STATUSES.map((s) => <option key={s} value={s}>{s[0].toUpperCase() + s.slice(1)}</option>)}
              </select>
            )}
          </Field>
          <Field label="Agent">
            {(id) => (
              <select id={id} value={filters.agent} onChange={(e) => setFilters({ ...filters, agent: e.target.value })}>
                <option value="">Everyone</option>
                {[...names].map(([extId, name]) => <option key={extId} value={extId}>{name}</option>)}
              </select>
            )}
          </Field>
          <Field label="Day">
            {(id) => <input id={id} type="date" value={filters.day} onChange={(e) => setFilters({ ...filters, day: e.target.value })} />}
          </Field>
          <Field label="Number">
            {(id) => <input id={id} type="search" inputMode="tel" placeholder="e.g. 415555" value={numberDraft} onChange={(e) => setNumberDraft(e.target.value)} onBlur={() => setFilters({ ...filters, number: numberDraft })} />}
          </Field>
          <div className="row"><button type="submit">Search</button></div>
        </form>
      </Card>
      {error && <LoadError error={error as any} retry={() => void loadFirst(true)} />}
      <Card>
        {!loaded && !error && <p className="muted" role="status">Loading calls…</p>}
        {loaded && items.length === 0 && <p className="muted">No calls match. Calls appear here once they end.</p>}
        {items.length > 0 && (
          <div className="table-wrap">
            <table className="responsive" aria-label="Calls">
              <thead>
                <tr><th>Time</th><th>Agent</th><th>Other party</th><th>Direction</th><th>Status</th><th>Reason</th></tr>
              </thead>
              <tbody aria-live="polite">
                {items.map((c) => (
                  <tr key={c.id} className={`clickable${fresh.has(c.id) ? ' new' : ''}`} onClick={() => navigate(`/calls/${c.id}`)}>
                    <td data-label="Time">
                      <div>
                        <a href={`/console/calls/${c.id}`} onClick={(e) => (e.preventDefault(), navigate(`/calls/${c.id}`))} aria-label={`Call of ${formatTime(c.callEndedAt)} with ${c.otherNumber ?? 'unknown'}, ${c.status}`}>
                          {formatTime(c.callEndedAt)}
                        </a>
                        <div className="muted small">{formatDuration(c.talkSeconds)}</div>
                      </div>
                    </td>
                    <td data-label="Agent"><div>{names.get(c.rcExtensionId) ?? `Ext. ${c.rcExtensionId}`}</div></td>
                    <td data-label="Other party"><div><span className="mono">{c.otherNumber ?? '—'}</span>{c.internal ? <span className="muted small"> (internal)</span> : null}</div></td>
                    <td data-label="Direction"><div>{c.direction}<div className="muted small">{c.kind}</div></div></td>
                    <td data-label="Status"><div><span className={`badge ${c.status}`}>{c.status}</span>{c.source ? <div className="muted small">from {c.source}</div> : null}</div></td>
                    <td data-label="Reason"><div>{reasonText(c.reason) || <span className="muted">—</span>}</div></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {cursor && <div className="row" style={{ marginTop: 12 }}><button onClick={() => void more()}>Show more</button></div>}
      </Card>
    </>
  );
}
