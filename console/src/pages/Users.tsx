import { useState } from 'react';
import { api, get } from '../api';
import { Card, Check, LoadError, Loading, Notice, PageHead, Result, useAction, useLoad } from '../ui';

export function UsersPage() {
  const data = useLoad(() => get('/admin/user-mappings'));
  const action = useAction();
  const [includeManual, setIncludeManual] = useState(false);
  const d = data.data;
  const byExt = new Map<string, any>((d?.mappings ?? []).map((m: any) => [m.rcExtensionId, m]));
  const rows = [...(d?.rcExtensions ?? [])].sort((a: any, b: any) => Number(byExt.has(a.id)) - Number(byExt.has(b.id)) || String(a.name).localeCompare(String(b.name)));
  const autoMatch = () =>
    void action.run(async () => {
      const r = await api('POST', '/admin/user-mappings/auto-match');
      await data.reload();
      const amb = r.ambiguous.length ? ` ${r.ambiguous.length} left unmapped because several CRM users matched.` : '';
      return `Auto-match mapped ${r.matched.length} user${r.matched.length === 1 ? '' : 's'}.${amb}`;
    });
  const reinit = () =>
    void action.run(async () => {
      await api('POST', '/admin/user-mappings/reinitialize', { includeManual });
      await data.reload();
      return includeManual ? 'Re-initialized: every mapping was made again from scratch.' : 'Re-initialized: automatic mappings made again; your manual choices kept.';
    });
  const change = (rcExtensionId: string, crmUserId: string) =>
    void action.run(async () => {
      await api('PUT', '/admin/user-mappings', { mappings: [{ rcExtensionId, crmUserId: crmUserId || null }] });
      await data.reload();
      return crmUserId ? 'Mapping saved.' : 'Mapping removed: this user’s calls go to your CRM user.';
    });
  return (
    <>
      <PageHead title="User mapping" intro="Which CRM user owns the calls of each RingCentral user. Unmapped users come first.">
        <button className="primary" onClick={autoMatch} disabled={action.busy || !d}>Auto-match</button>
      </PageHead>
      <Result error={action.error} done={action.done} />
      {data.error && <LoadError error={data.error} retry={data.reload} />}
      {data.loading && !d && <Loading what="users" />}
      {d?.rcExtensionsError && <Notice tone="warn"><p>RingCentral users could not be loaded: {d.rcExtensionsError}</p></Notice>}
      {d?.crmUsersError && <Notice tone="warn"><p>CRM users could not be loaded: {d.crmUsersError}</p></Notice>}
      {d && (
        <Card title={`${rows.length} RingCentral users`} intro={`${d.unmapped.length} unmapped: their calls are owned by your CRM user (Setup).`}>
          <div className="table-wrap">
            <table className="responsive">
              <thead>
                <tr><th>RingCentral user</th><th>Extension</th><th>CRM user</th><th>How</th></tr>
              </thead>
              <tbody>
                {rows.map((x: any) => {
                  const m = byExt.get(x.id);
                  return (
                    <tr key={x.id}>
                      <td data-label="User"><div><strong>{x.name}</strong><div className="muted small">{x.email}</div></div></td>
                      <td data-label="Extension"><div>{x.extensionNumber ?? '—'}</div></td>
                      <td data-label="CRM user">
                        <select aria-label={`CRM user of ${x.name}`} value={m?.crmUserId ?? ''} onChange={(e) => change(x.id, e.target.value)} disabled={action.busy}>
                          <option value="">Not mapped</option>
                          {d.crmUsers.map((u: any) => (
                            <option key={u.id} value={u.id}>{u.name}{u.email ? ` – ${u.email}` : ''}</option>
                          ))}
                          {m && !d.crmUsers.some((u: any) => u.id === m.crmUserId) && <option value={m.crmUserId}>{m.crmUserId}</option>}
                        </select>
                      </td>
                      <td data-label="How"><div>{m ? <span className="badge ok">{m.source === 'auto' ? 'Auto' : 'Manual'}</span> : <span className="badge warn">Unmapped</span>}</div></td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </Card>
      )}
      {d && (
        <Card title="Re-initialize" intro="Reads the RingCentral directory again and redoes the automatic mappings (for new or renamed users).">
          <Check label="Also redo the mappings I chose by hand" hint="Off: manual mappings are kept." checked={includeManual} onChange={setIncludeManual} />
          <div className="row"><button onClick={reinit} disabled={action.busy}>Re-initialize mappings</button></div>
        </Card>
      )}
    </>
  );
}
