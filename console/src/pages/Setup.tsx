import { useEffect, useState } from 'react';
import { api, get } from '../api';
import { Card, Field, LoadError, Loading, Notice, PageHead, Result, useAction, useLoad } from '../ui';

const CONNECTORS: Record<string, { name: string; about: string; fields?: { key: string; label: string; hint: string; secret?: boolean }[] }> = {
  'sample-crm': {
    name: 'Sample CRM',
    about: 'The bundled sample CRM (a code connector).',
    fields: [{ key: 'baseUrl', label: 'API base URL', hint: 'Where the CRM API answers, e.g. http://localhost:4020/api' }],
  },
  'app-connect': {
    name: 'App Connect connector server',
    about: "A RingCentral App Connect connector server, reached with your App Connect user's JWT.",
    fields: [
      { key: 'serverUrl', label: 'Connector server URL', hint: 'The App Connect server of your CRM' },
      { key: 'jwtToken', label: 'App Connect JWT', hint: 'Stored encrypted; never shown again', secret: true },
    ],
  },
  proxy: { name: 'Proxy (no code)', about: 'An App Connect proxy document that describes the CRM API.' },
};
const MASK = '********';

export function SetupPage() {
  const settings = useLoad(() => get('/admin/settings'));
  // Saving the CRM credentials changes what the CRM answers (its user list): the admin-user card loads again.
  const [credentialsVersion, setCredentialsVersion] = useState(0);
  return (
    <>
      <PageHead title="Setup" intro="Connect RingCentral and your CRM. Secrets are stored encrypted and never shown again." />
      {settings.error && <LoadError error={settings.error} retry={settings.reload} />}
      {settings.loading && !settings.data && <Loading what="settings" />}
      {settings.data && (
        <>
          <RingCentralCard s={settings.data} reload={settings.reload} />
          <ConnectorCard s={settings.data} reload={settings.reload} />
          {settings.data.connector && <CredentialsCard connectorId={settings.data.connector.id} onSaved={() => setCredentialsVersion((v) => v + 1)} />}
          {settings.data.connector && <AdminUserCard s={settings.data} reload={settings.reload} version={credentialsVersion} />}
        </>
      )}
    </>
  );
}

function RingCentralCard({ s, reload }: { s: any; reload: () => Promise<void> }) {
  const [jwt, setJwt] = useState('');
  const action = useAction();
  const connect = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await api('PUT', '/admin/ringcentral/credentials', { jwt: jwt.trim() });
      setJwt('');
      await reload();
      return `Connected: RingCentral accepted the credential of extension ${r.extensionId}.`;
    });
  };
  return (
    <Card
      title="1. RingCentral connection"
      intro="The service reads call events with the JWT credential of a RingCentral user of this account. A dedicated service user is best: a JWT stops working when its user is removed."
      actions={s.ringCentral.connected ? <span className="badge ok">Connected</span> : <span className="badge warn">Not connected</span>}
    >
      {s.ringCentral.connected && <p className="small muted">Credential of extension {s.ringCentral.adminExtensionId} is stored. Paste a new one below to replace it.</p>}
      <form onSubmit={connect} className="stack">
        <Field label="JWT credential" hint="RingCentral Developer Console → Credentials → your JWT. Never shown again once saved.">
          {(id, d) => <input id={id} aria-describedby={d} type="password" autoComplete="off" value={jwt} onChange={(e) => setJwt(e.target.value)} placeholder={s.ringCentral.connected ? 'Set – paste a new one to replace it' : 'eyJhbGciOi…'} />}
        </Field>
        <div className="row">
          <button className="primary" disabled={!jwt.trim() || action.busy}>{action.busy ? 'Connecting…' : s.ringCentral.connected ? 'Replace credential' : 'Connect RingCentral'}</button>
        </div>
        <Result error={action.error} done={action.done} />
      </form>
    </Card>
  );
}

function ConnectorCard({ s, reload }: { s: any; reload: () => Promise<void> }) {
  const [id, setId] = useState<string>(s.connector?.id ?? '');
  const [config, setConfig] = useState<Record<string, string>>({});
  const [doc, setDoc] = useState('');
  const action = useAction();
  const known = CONNECTORS[id];
  const same = s.connector?.id === id;
  useEffect(() => {
    const current = same ? (s.connector?.config ?? {}) : {};
    setConfig(Object.fromEntries(Object.entries(current).map(([k, v]) => [k, typeof v === 'string' && v !== MASK ? v : ''])));
    setDoc(same && !known?.fields ? JSON.stringify(current, null, 2) : '');
  }, [id, s.connector]);
  const save = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      let body: Record<string, unknown>;
      if (known?.fields) {
        body = {};
        for (const f of known.fields) {
          const v = (config[f.key] ?? '').trim();
          // An empty secret of the same connector keeps the stored one (the API keeps masked values).
          if (v) body[f.key] = v;
          else if (f.secret && same) body[f.key] = MASK;
        }
      } else {
        try {
          body = JSON.parse(doc || '{}');
        } catch {
          throw new Error('The configuration is not valid JSON');
        }
      }
      await api('PATCH', '/admin/settings', { connector: { id, config: body } });
      await reload();
      return `${known?.name ?? id} is the account's CRM connector.`;
    });
  };
  return (
    <Card title="2. CRM" intro="Where calls are logged. Choose a connector, then enter what it needs to reach your CRM." actions={s.connector ? <span className="badge ok">{s.connector.displayName}</span> : <span className="badge warn">Not chosen</span>}>
      <form onSubmit={save} className="stack">
        <Field label="Connector" hint={known?.about}>
          {(fid, d) => (
            <select id={fid} aria-describedby={d} value={id} onChange={(e) => setId(e.target.value)}>
              <option value="" disabled>Choose a connector…</option>
              {s.availableConnectors.map((c: string) => (
                <option key={c} value={c}>{CONNECTORS[c]?.name ?? c}</option>
              ))}
            </select>
          )}
        </Field>
        {id && known?.fields?.map((f) => (
          <Field key={f.key} label={f.label} hint={f.secret && same && s.connector?.config?.[f.key] ? `${f.hint}. Set – leave empty to keep it.` : f.hint}>
            {(fid, d) => <input id={fid} aria-describedby={d} type={f.secret ? 'password' : 'text'} autoComplete="off" value={config[f.key] ?? ''} onChange={(e) => setConfig({ ...config, [f.key]: e.target.value })} />}
          </Field>
        ))}
        {id && !known?.fields && (
          <Field label="Configuration (JSON)" hint="For the proxy connector: the App Connect proxy document. Secret values come back as ********; leave them so to keep them.">
            {(fid, d) => <textarea id={fid} aria-describedby={d} className="mono" rows={8} value={doc} onChange={(e) => setDoc(e.target.value)} />}
          </Field>
        )}
        <div className="row">
          <button className="primary" disabled={!id || action.busy}>{action.busy ? 'Saving…' : 'Save connector'}</button>
        </div>
        <Result error={action.error} done={action.done} />
      </form>
    </Card>
  );
}

interface FieldView { name: string; title: string; type: string; required: boolean; description?: string; set: boolean; secret: boolean; value?: string }

function CredentialsCard({ connectorId, onSaved }: { connectorId: string; onSaved: () => void }) {
  const fields = useLoad(() => get<{ fields: FieldView[] }>('/admin/server-logging-settings'), [connectorId]);
  const [values, setValues] = useState<Record<string, string>>({});
  const action = useAction();
  const test = useAction();
  useEffect(() => {
    if (fields.data) setValues(Object.fromEntries(fields.data.fields.filter((f) => !f.secret).map((f) => [f.name, f.value ?? ''])));
  }, [fields.data]);
  const save = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
      await api('PUT', '/admin/server-logging-settings', { additionalFieldValues: body });
      await fields.reload();
      setValues((v) => Object.fromEntries(Object.entries(v).filter(([k]) => !fields.data?.fields.find((f) => f.name === k)?.secret)));
      onSaved();
      return 'Saved. Secret values are stored encrypted.';
    });
  };
  const runTest = () =>
    void test.run(async () => {
      const r = await get('/admin/user-mappings');
      if (r.crmUsersError) throw new Error(`The CRM did not answer: ${r.crmUsersError}`);
      return `Connection works: the CRM listed ${r.crmUsers.length} user${r.crmUsers.length === 1 ? '' : 's'}.`;
    });
  return (
    <Card title="3. CRM service account" intro="The credentials the service uses to write call logs, as the connector's manifest asks for them." actions={<button type="button" onClick={runTest} disabled={test.busy}>{test.busy ? 'Testing…' : 'Test connection'}</button>}>
      {fields.error && <LoadError error={fields.error} retry={fields.reload} />}
      {fields.data && fields.data.fields.length === 0 && <p className="muted">This connector needs no further fields.</p>}
      {fields.data && fields.data.fields.length > 0 && (
        <form onSubmit={save} className="stack">
          {fields.data.fields.map((f) => (
            <Field key={f.name} label={`${f.title}${f.required ? '' : ' (optional)'}`} hint={[f.description, f.secret ? (f.set ? 'Set – enter it again to change it.' : 'Not set.') : undefined].filter(Boolean).join(' ')}>
              {(id, d) =>
                f.type === 'checkbox' ? (
                  <select id={id} aria-describedby={d} value={values[f.name] ?? ''} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}>
                    <option value="">Not set</option>
                    <option value="true">Yes</option>
                    <option value="false">No</option>
                  </select>
                ) : (
                  <input id={id} aria-describedby={d} type={f.secret ? 'password' : 'text'} autoComplete="off" value={values[f.name] ?? ''} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />
                )
              }
            </Field>
          ))}
          <div className="row">
            <button className="primary" disabled={action.busy}>{action.busy ? 'Saving…' : 'Save credentials'}</button>
            {fields.data.fields.map((f) => f.secret && <span key={f.name} className={`badge ${f.set ? 'ok' : 'warn'}`}>{f.title}: {f.set ? 'set' : 'not set'}</span>)}
          </div>
          <Result error={action.error} done={action.done} />
        </form>
      )}
      <div style={{ marginTop: 12 }}><Result error={test.error} done={test.done} /></div>
    </Card>
  );
}

function AdminUserCard({ s, reload, version }: { s: any; reload: () => Promise<void>; version: number }) {
  const users = useLoad(() => get('/admin/user-mappings'), [s.connector?.id, version]);
  const action = useAction();
  const choose = (value: string) =>
    void action.run(async () => {
      await api('PATCH', '/admin/settings', { adminCrmUserId: value || null });
      await reload();
      return value ? 'Saved: your CRM user owns the calls of unmapped agents.' : 'Cleared.';
    });
  return (
    <Card title="4. Your CRM user" intro="Owns the records of agents who are not mapped to a CRM user, and every record when the owner policy is “admin”.">
      {users.error && <LoadError error={users.error} retry={users.reload} />}
      {users.data?.crmUsersError && <Notice tone="warn"><p>The CRM did not list its users: {users.data.crmUsersError}</p></Notice>}
      {users.data && !users.data.crmUsersError && (
        <Field label="Admin CRM user">
          {(id) => (
            <select id={id} value={s.adminCrmUserId ?? ''} onChange={(e) => choose(e.target.value)} disabled={action.busy}>
              <option value="">Not set</option>
              {users.data.crmUsers.map((u: any) => (
                <option key={u.id} value={u.id}>{u.name}{u.email ? ` – ${u.email}` : ''}</option>
              ))}
              {s.adminCrmUserId && !users.data.crmUsers.some((u: any) => u.id === s.adminCrmUserId) && <option value={s.adminCrmUserId}>{s.adminCrmUserId} (not in the CRM)</option>}
            </select>
          )}
        </Field>
      )}
      {users.loading && !users.data && <Loading what="CRM users" />}
      <div style={{ marginTop: 10 }}><Result error={action.error} done={action.done} /></div>
    </Card>
  );
}
