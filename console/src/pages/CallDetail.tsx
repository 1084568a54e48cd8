import { api, get } from '../api';
import { Link } from '../router';
import { Card, LoadError, Loading, Notice, PageHead, Result, useAction, useLoad } from '../ui';
import { formatDuration, formatTime, statusSentence, timelineText } from '../words';

export function CallDetailPage({ id }: { id: string }) {
  const call = useLoad(() => get(`/admin/call-logs/${encodeURIComponent(id)}`), [id]);
  // Names of the account's users, for the agent and the timeline; the call reads fine with ids if this fails.
  const users = useLoad(() => get('/admin/user-mappings').catch(() => ({ rcExtensions: [], crmUsers: [] })));
  const names = new Map<string, string>((users.data?.rcExtensions ?? []).map((e: any) => [String(e.id), e.name]));
  const nameOf = (extensionId: string) => names.get(extensionId) ?? `extension ${extensionId}`;
  const crmNames = new Map<string, string>((users.data?.crmUsers ?? []).map((u: any) => [String(u.id), u.name]));
  const crmUserOf = (id: string) => (crmNames.has(id) ? `${crmNames.get(id)} (${id})` : `CRM user ${id}`);
  const action = useAction();
  const c = call.data;
  const retry = () =>
    void action.run(async () => {
      await api('POST', `/admin/call-logs/${encodeURIComponent(id)}/retry`);
      await call.reload();
      return 'The call is being logged again.';
    });
  const recording = c && (c.recordingUrl ?? c.recordingLink ?? c.recording?.link ?? c.recording?.url ?? (typeof c.recording === 'string' ? c.recording : undefined));
  const crmLink = c && (c.crmLogUrl ?? c.crmRecordUrl ?? c.crmLink);
  return (
    <>
      <p><Link to="/calls">← All calls</Link></p>
      {call.error && <LoadError error={call.error} retry={call.reload} />}
      {call.loading && !c && <Loading what="the call" />}
      {c && (
        <>
          <PageHead title={`${c.direction} call ${c.direction === 'Inbound' ? 'from' : 'to'} ${c.otherName ?? c.otherNumber ?? 'an unknown number'}`} intro={`${formatTime(c.callEndedAt)} · ${formatDuration(c.talkSeconds)} · ${c.kind}`}>
            {(c.status === 'failed' || c.status === 'skipped') && <button className="primary" onClick={retry} disabled={action.busy}>Retry this call</button>}
          </PageHead>
          <Notice tone={c.status === 'logged' ? 'ok' : c.status === 'failed' ? 'bad' : c.status === 'skipped' ? 'info' : 'warn'}>
            <p><strong>{statusSentence(c.status, c.reason)}</strong>{c.lastError && c.status === 'failed' ? ` ${c.lastError}` : ''}</p>
          </Notice>
          <Result error={action.error} done={action.done} />
          <div className="grid-2">
            <Card title="The call">
              <dl className="facts">
                <dt>Status</dt><dd><span className={`badge ${c.status}`}>{c.status}</span></dd>
                <dt>Agent</dt><dd>{names.get(c.rcExtensionId) ?? `Extension ${c.rcExtensionId}`}</dd>
                <dt>Other party</dt><dd className="mono">{c.otherNumber ?? '—'}{c.otherName ? ` (${c.otherName})` : ''}</dd>
                <dt>Started</dt><dd>{formatTime(c.startedAt)}</dd>
                <dt>Ended</dt><dd>{formatTime(c.callEndedAt)}</dd>
                <dt>Result</dt><dd>{c.result}</dd>
                <dt>Attempts</dt><dd>{c.attempts}</dd>
                {c.source && (<><dt>Source</dt><dd>{c.source}</dd></>)}
              </dl>
            </Card>
            <Card title="In the CRM">
              <dl className="facts">
                <dt>Record</dt><dd className="mono">{c.crmLogId ? (crmLink ? <a href={crmLink} target="_blank" rel="noreferrer">{c.crmLogId}</a> : c.crmLogId) : 'None yet'}</dd>
                <dt>Contact</dt><dd className="mono">{c.contactId ?? '—'}</dd>
                <dt>Owner</dt><dd>{c.crmUserId ? crmUserOf(c.crmUserId) : '—'}</dd>
                <dt>Logged at</dt><dd>{formatTime(c.loggedAt)}</dd>
                {c.recordState && (<><dt>Call record</dt><dd>{c.recordState}</dd></>)}
                {(recording || c.recorded) && (<><dt>Recording</dt><dd>{recording ? <a href={recording} target="_blank" rel="noreferrer">Open recording</a> : 'Recorded; link not available yet'}</dd></>)}
              </dl>
            </Card>
          </div>
          <Card title="What happened" intro="RingCentral's events and the service's decisions, oldest first.">
            {c.timeline.length === 0 ? (
              <p className="muted">Nothing recorded yet.</p>
            ) : (
              <ol className="timeline">
                {c.timeline.map((t: any, i: number) => (
                  <li key={i} className={`${t.source}${t.kind === 'crm-error' || t.kind === 'plugin-blocked' ? ' bad' : ''}`}>
                    <time dateTime={t.at}>{formatTime(t.at)} · {t.source === 'ringcentral' ? 'RingCentral' : 'Service'}</time>
                    {timelineText(t.kind, t.detail ?? {}, nameOf, crmUserOf)}
                  </li>
                ))}
              </ol>
            )}
          </Card>
        </>
      )}
    </>
  );
}
