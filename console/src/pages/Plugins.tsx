import { useState } from 'react';
import { api, get } from '../api';
import { Card, Check, Field, LoadError, Loading, PageHead, Result, useAction, useLoad } from '../ui';
import { formatTime } from '../words';

export function PluginsPage() {
  const list = useLoad(() => get<any[]>('/admin/plugins'));
  const action = useAction();
  const plugins = list.data ?? [];
  const patch = (p: any, body: Record<string, unknown>, message: string) =>
    void action.run(async () => {
      await api('PATCH', `/admin/plugins/${encodeURIComponent(p.pluginId)}`, body);
      await list.reload();
      return message;
    });
  const uninstall = (p: any) =>
    void action.run(async () => {
      if (!window.confirm(`Uninstall ${p.displayName ?? p.pluginId}?`)) return;
      await api('DELETE', `/admin/plugins/${encodeURIComponent(p.pluginId)}`);
      await list.reload();
      return `${p.displayName ?? p.pluginId} was uninstalled.`;
    });
  const license = (p: any) =>
    void action.run(async () => {
      const r = await get(`/admin/plugins/${encodeURIComponent(p.pluginId)}/license`);
      await list.reload();
      return `${p.displayName ?? p.pluginId}: ${r.licenseStatusDescription ?? r.state ?? r.licenseStatus}.`;
    });
  return (
    <>
      <PageHead title="Plugins" intro="App Connect plugins change the note before a call is logged (sync) or add to it after (async). They run in this order." />
      <Result error={action.error} done={action.done} />
      {list.error && <LoadError error={list.error} retry={list.reload} />}
      {list.loading && !list.data && <Loading what="plugins" />}
      {list.data && plugins.length === 0 && <Card><p className="muted">No plugin is installed.</p></Card>}
      {plugins.map((p, i) => (
        <Card
          key={p.pluginId}
          title={`${p.position}. ${p.displayName ?? p.name ?? p.pluginId}`}
          intro={`${p.isAsync ? 'Async: adds to the note after logging' : 'Sync: changes the note before logging'}${p.version ? ` · version ${p.version}` : ''} · ${p.supportedLogTypes.join(', ')}`}
          actions={
            <>
              <span className={`badge ${p.enabled ? 'ok' : 'idle'}`}>{p.enabled ? 'Enabled' : 'Disabled'}</span>
              <button aria-label={`Move ${p.pluginId} up`} disabled={i === 0 || action.busy} onClick={() => patch(p, { position: p.position - 1 }, 'Order saved.')}>↑</button>
              <button aria-label={`Move ${p.pluginId} down`} disabled={i === plugins.length - 1 || action.busy} onClick={() => patch(p, { position: p.position + 1 }, 'Order saved.')}>↓</button>
            </>
          }
        >
          <div className="grid-2">
            <div>
              <Check label="Enabled" hint={p.enabled ? 'Runs on every call it supports.' : 'Installed but not run.'} checked={p.enabled} onChange={(v) => patch(p, { enabled: v }, v ? 'Enabled.' : 'Disabled.')} />
              <Field label="When it fails" hint={p.failurePolicy === 'block' ? 'The log waits and retries, then fails naming the plugin.' : 'The call is logged without this plugin’s change, with a warning.'}>
                {(id, d) => (
                  <select id={id} aria-describedby={d} value={p.failurePolicy} onChange={(e) => patch(p, { failurePolicy: e.target.value }, 'Failure policy saved.')}>
                    <option value="block">Block: wait and retry</option>
                    <option value="skip">Skip: log without it</option>
                  </select>
                )}
              </Field>
            </div>
            <div className="stack">
              <dl className="facts">
                <dt>License</dt>
                <dd>{p.license.state ?? 'not checked'}{p.license.description ? ` – ${p.license.description}` : ''}{p.license.error ? ` (${p.license.error})` : ''}</dd>
                <dt>Checked</dt><dd>{formatTime(p.license.checkedAt)}</dd>
                <dt>Installed</dt><dd>{formatTime(p.installedAt)}</dd>
              </dl>
              <div className="row">
                <button onClick={() => license(p)} disabled={action.busy}>Check license</button>
                <button className="danger" onClick={() => uninstall(p)} disabled={action.busy}>Uninstall</button>
              </div>
            </div>
          </div>
          {(p.manifest.pageContent ?? []).length > 0 && <PluginConfig plugin={p} save={(config) => patch(p, { config }, 'Configuration saved.')} busy={action.busy} />}
        </Card>
      ))}
      <InstallCard onInstalled={list.reload} />
    </>
  );
}

function PluginConfig({ plugin, save, busy }: { plugin: any; save: (config: Record<string, { value: unknown }>) => void; busy: boolean }) {
  const fields: any[] = plugin.manifest.pageContent ?? [];
  const [values, setValues] = useState<Record<string, any>>(Object.fromEntries(fields.map((f) => [f.const, plugin.config?.[f.const]?.value ?? f.defaultValue ?? ''])));
  return (
    <form className="stack" style={{ marginTop: 14 }} onSubmit={(e) => (e.preventDefault(), save(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }]))))}>
      <h3>Configuration</h3>
      {fields.map((f) =>
        f.type === 'boolean' || f.type === 'checkbox' ? (
          <Check key={f.const} label={f.title ?? f.const} hint={f.description} checked={!!values[f.const]} onChange={(v) => setValues({ ...values, [f.const]: v })} />
        ) : (
          <Field key={f.const} label={f.title ?? f.const} hint={f.description}>
            {(id, d) => <input id={id} aria-describedby={d} type="text" value={String(values[f.const] ?? '')} onChange={(e) => setValues({ ...values, [f.const]: e.target.value })} />}
          </Field>
        ),
      )}
      <div className="row"><button disabled={busy}>Save configuration</button></div>
    </form>
  );
}

function InstallCard({ onInstalled }: { onInstalled: () => Promise<void> }) {
  const [url, setUrl] = useState('');
  const [json, setJson] = useState('');
  const [policy, setPolicy] = useState('block');
  const action = useAction();
  const install = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      let body: Record<string, unknown>;
      if (json.trim()) {
        try {
          body = { manifest: JSON.parse(json) };
        } catch {
          throw new Error('The manifest is not valid JSON');
        }
      } else body = { manifestUrl: url.trim() };
      const p = await api('POST', '/admin/plugins', { ...body, failurePolicy: policy });
      setUrl('');
      setJson('');
      await onInstalled();
      return `${p.displayName ?? p.pluginId} is installed.`;
    });
  };
  return (
    <Card title="Install a plugin" intro="The service registers this account with the plugin server, as you, and keeps the plugin’s token encrypted.">
      <form className="stack" onSubmit={install}>
        <Field label="Manifest URL" hint="Where the plugin publishes its manifest (JSON).">
          {(id, d) => <input id={id} aria-describedby={d} type="url" placeholder="https://plugin.example.com/manifest.json" value={url} onChange={(e) => setUrl(e.target.value)} />}
        </Field>
        <Field label="Or paste the manifest" hint="Used instead of the URL when filled in.">
          {(id, d) => <textarea id={id} aria-describedby={d} className="mono" value={json} onChange={(e) => setJson(e.target.value)} />}
        </Field>
        <Field label="When it fails">
          {(id) => (
            <select id={id} value={policy} onChange={(e) => setPolicy(e.target.value)}>
              <option value="block">Block: wait and retry</option>
              <option value="skip">Skip: log without it</option>
            </select>
          )}
        </Field>
        <div className="row"><button className="primary" disabled={action.busy || (!url.trim() && !json.trim())}>{action.busy ? 'Installing…' : 'Install'}</button></div>
        <Result error={action.error} done={action.done} />
      </form>
    </Card>
  );
}
