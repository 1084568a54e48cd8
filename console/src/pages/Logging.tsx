import { useEffect, useState } from 'react';
import { ApiError, api, get } from '../api';
import { Link } from '../router';
import { Card, Choice, LoadError, Loading, Notice, PageHead, Result, useAction, useLoad } from '../ui';
import { formatTime } from '../words';

type Level = 'off' | 'admin-only' | 'account';

async function subscriptionOrNone(): Promise<any | null> {
  try {
    return await get('/admin/subscription');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function LoggingPage() {
  const settings = useLoad(() => get('/admin/settings'));
  const sub = useLoad(subscriptionOrNone);
  const [level, setLevel] = useState<Level>('off');
  const action = useAction();
  const s = settings.data;
  useEffect(() => {
    if (s) setLevel(s.enabled ? s.mode : 'off');
  }, [s]);
  // The subscription's state and last event move on their own: keep them current while the page is open.
  useEffect(() => {
    const timer = setInterval(() => void sub.reload(), 10_000);
    return () => clearInterval(timer);
  }, []);
  const save = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api('PATCH', '/admin/settings', level === 'off' ? { enabled: false } : { mode: level, enabled: true });
      await Promise.all([settings.reload(), sub.reload()]);
      return level === 'off' ? 'Logging is off. No call events are received.' : level === 'account' ? "Logging is on for the whole account." : "Logging is on for your own calls only.";
    });
  };
  const recreate = () =>
    void action.run(async () => {
      await api('POST', '/admin/subscription/recreate');
      await sub.reload();
      return 'The subscription was re-created.';
    });
  const problems: { text: string; to: string; where: string }[] = [];
  if (s && !s.ringCentral.connected) problems.push({ text: 'RingCentral is not connected.', to: '/setup', where: 'Setup' });
  if (s && !s.connector) problems.push({ text: 'No CRM connector is chosen.', to: '/setup', where: 'Setup' });
  if (s && s.connector && !s.adminCrmUserId) problems.push({ text: 'Your CRM user is not set: calls of unmapped agents cannot be logged.', to: '/setup', where: 'Setup' });
  const subscription = sub.data;
  return (
    <>
      <PageHead title="Logging" intro="Switch logging on, try it on your own calls first, and watch the connection to RingCentral." />
      {settings.error && <LoadError error={settings.error} retry={settings.reload} />}
      {!s && settings.loading && <Loading what="logging" />}
      {s?.paused && (
        <Notice tone="bad">
          <p><strong>Logging is paused</strong> because the CRM refused the service: {s.pausedReason ?? 'no reason given'}. Fix the CRM credentials in <Link to="/setup">Setup</Link>; saving them resumes logging, and waiting calls are logged then.</p>
        </Notice>
      )}
      {problems.map((p) => (
        <Notice key={p.text} tone="warn" action={<Link className="button" to={p.to}>Open {p.where}</Link>}><p>{p.text}</p></Notice>
      ))}
      {s && (
        <form onSubmit={save}>
          <Card title="Logging" actions={s.enabled ? <span className="badge ok">On · {s.mode === 'account' ? 'whole account' : 'admin only'}</span> : <span className="badge idle">Off</span>}>
            <fieldset className="stack">
              <legend className="visually-hidden">Logging level</legend>
              <div>
                <Choice name="level" value="off" current={level} onChange={setLevel} label="Off" hint="No call events are received; nothing is written to the CRM." />
                <Choice name="level" value="admin-only" current={level} onChange={setLevel} label="Only my calls (trial)" hint="Only calls of your own extension are logged: check the records in your CRM before going account-wide." />
                <Choice name="level" value="account" current={level} onChange={setLevel} label="Whole account" hint="Every user's calls are logged, following the rules." />
              </div>
              <div className="row">
                <button className="primary" disabled={action.busy || level === (s.enabled ? s.mode : 'off')}>{action.busy ? 'Saving…' : 'Apply'}</button>
              </div>
            </fieldset>
          </Card>
        </form>
      )}
      <Result error={action.error} done={action.done} />
      <Card title="RingCentral subscription" intro="The service listens to the account's call events through a webhook subscription; it renews it before it expires." actions={subscription && <button onClick={recreate} disabled={action.busy}>Re-create</button>}>
        {sub.error && <LoadError error={sub.error} retry={sub.reload} />}
        {sub.loading && sub.data === undefined && <Loading what="the subscription" />}
        {subscription === null && <p className="muted">None: logging is off.</p>}
        {subscription && (
          <>
            {subscription.status !== 'Active' && (
              <div style={{ marginBottom: 12 }}>
                <Notice tone="bad"><p>The subscription is <strong>{subscription.status}</strong>{subscription.lastError ? `: ${subscription.lastError}` : ''}. Calls are not being received. Re-create it; if it fails again, check that RingCentral can reach this service's address.</p></Notice>
              </div>
            )}
            <dl className="facts">
              <dt>State</dt><dd><span className={`badge ${subscription.status}`}>{subscription.status}</span></dd>
              <dt>Delivery</dt><dd>{subscription.deliveryMode}</dd>
              <dt>Last call event</dt><dd>{subscription.lastEventAt ? formatTime(subscription.lastEventAt) : 'None yet'}</dd>
              <dt>Renews before</dt><dd>{formatTime(subscription.expiresAt)}</dd>
              {subscription.lastError && (<><dt>Last problem</dt><dd>{subscription.lastError}</dd></>)}
              {typeof (subscription.quarantined ?? subscription.quarantinedCount) === 'number' && (
                <><dt>Notifications set aside</dt><dd>{subscription.quarantined ?? subscription.quarantinedCount} (events the service could not read; kept for inspection)</dd></>
              )}
              {subscription.id && (<><dt>Id</dt><dd className="mono">{subscription.id}</dd></>)}
            </dl>
          </>
        )}
      </Card>
    </>
  );
}
