import { useEffect, useState } from 'react';
import { api, get } from '../api';
import { Card, Check, Choice, Field, LoadError, Loading, PageHead, Result, useAction, useLoad } from '../ui';

const FILTERS: { key: string; label: string; on: string; off: string }[] = [
  { key: 'inbound', label: 'Inbound calls', on: 'Calls your users receive are logged.', off: 'Calls your users receive are not logged.' },
  { key: 'outbound', label: 'Outbound calls', on: 'Calls your users make are logged.', off: 'Calls your users make are not logged.' },
  { key: 'internal', label: 'Internal calls', on: 'Calls between two of your extensions are logged too.', off: 'Calls between two of your extensions are skipped.' },
  { key: 'missed', label: 'Missed calls', on: 'Calls nobody answered are logged.', off: 'Calls nobody answered are skipped.' },
  { key: 'voicemail', label: 'Voicemail', on: 'Calls that went to voicemail are logged.', off: 'Calls that went to voicemail are skipped.' },
];

const DETAILS: Record<string, string> = {
  subject: 'Subject line (e.g. “Inbound call from …”)',
  direction: 'Direction',
  contactNumber: "The other party's number",
  agent: 'The agent’s name and extension',
  dateTime: 'Date and time',
  duration: 'Duration',
  result: 'Result (answered, missed, voicemail…)',
  recording: 'Recording link, when there is one',
  sessionId: 'RingCentral session id (for support)',
};

const lines = (text: string) => text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);

export function RulesPage() {
  const settings = useLoad(() => get('/admin/settings'));
  const [form, setForm] = useState<any>();
  const [numbers, setNumbers] = useState('');
  const [extensions, setExtensions] = useState('');
  const action = useAction();
  useEffect(() => {
    const s = settings.data;
    if (!s) return;
    setForm({ ownerPolicy: s.ownerPolicy, filters: { ...s.filters }, contactPolicy: { ...s.contactPolicy }, logMode: s.logMode, logDetails: { ...s.logDetails } });
    setNumbers(s.filters.blockedNumbers.join('\n'));
    setExtensions(s.filters.blockedExtensions.join('\n'));
  }, [settings.data]);
  const set = (group: string, key: string, value: unknown) => setForm({ ...form, [group]: { ...form[group], [key]: value } });
  const save = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const { blockedNumbers: _n, blockedExtensions: _e, ...filters } = form.filters;
      await api('PATCH', '/admin/settings', {
        ownerPolicy: form.ownerPolicy,
        filters: { ...filters, blockedNumbers: lines(numbers), blockedExtensions: lines(extensions) },
        contactPolicy: form.contactPolicy,
        logMode: form.logMode,
        logDetails: form.logDetails,
      });
      await settings.reload();
      return 'Rules saved. They apply to calls that end from now on.';
    });
  };
  return (
    <>
      <PageHead title="Rules" intro="Which calls are logged, to whom, and what the record says." />
      {settings.error && <LoadError error={settings.error} retry={settings.reload} />}
      {settings.loading && !form && <Loading what="rules" />}
      {form && (
        <form onSubmit={save} className="stack">
          <Card title="Record owner">
            <fieldset>
              <legend className="visually-hidden">Record owner</legend>
              <Choice name="owner" value="agent" current={form.ownerPolicy} onChange={(v) => setForm({ ...form, ownerPolicy: v })} label="The agent" hint="The agent’s mapped CRM user owns the record; unmapped agents’ calls go to your CRM user." />
              <Choice name="owner" value="admin" current={form.ownerPolicy} onChange={(v) => setForm({ ...form, ownerPolicy: v })} label="Always me" hint="Your CRM user owns every record, whoever took the call." />
            </fieldset>
          </Card>
          <Card title="Which calls">
            {FILTERS.map((f) => (
              <Check key={f.key} label={f.label} hint={form.filters[f.key] ? f.on : f.off} checked={!!form.filters[f.key]} onChange={(v) => set('filters', f.key, v)} />
            ))}
          </Card>
          <Card title="Never log" intro="Calls with these numbers or extensions are skipped, whatever the rules above say.">
            <div className="grid-2">
              <Field label="Blocked numbers" hint="One E.164 number per line, e.g. +16505550100.">
                {(id, d) => <textarea id={id} aria-describedby={d} value={numbers} onChange={(e) => setNumbers(e.target.value)} />}
              </Field>
              <Field label="Blocked extensions" hint="One extension number per line, e.g. 101.">
                {(id, d) => <textarea id={id} aria-describedby={d} value={extensions} onChange={(e) => setExtensions(e.target.value)} />}
              </Field>
            </div>
          </Card>
          <Card title="Contacts">
            <div className="grid-2">
              <Field label="When no CRM contact has the number" hint={{ skip: 'The call is skipped.', logWithoutContact: 'The call is logged without a contact.', createContact: 'A contact is created, then the call is logged.' }[form.contactPolicy.noMatch as string]}>
                {(id, d) => (
                  <select id={id} aria-describedby={d} value={form.contactPolicy.noMatch} onChange={(e) => set('contactPolicy', 'noMatch', e.target.value)}>
                    <option value="logWithoutContact">Log without a contact</option>
                    <option value="createContact">Create a contact</option>
                    <option value="skip">Skip the call</option>
                  </select>
                )}
              </Field>
              <Field label="When several contacts have the number" hint={{ first: 'The first contact the CRM returns is used.', mostRecent: 'The most recently updated contact is used.', earliestCreated: 'The oldest contact is used.', skip: 'The call is skipped.' }[form.contactPolicy.multiMatch as string]}>
                {(id, d) => (
                  <select id={id} aria-describedby={d} value={form.contactPolicy.multiMatch} onChange={(e) => set('contactPolicy', 'multiMatch', e.target.value)}>
                    <option value="first">Use the first one</option>
                    <option value="mostRecent">Use the most recent</option>
                    <option value="earliestCreated">Use the oldest</option>
                    <option value="skip">Skip the call</option>
                  </select>
                )}
              </Field>
            </div>
          </Card>
          <Card title="Log mode">
            <fieldset>
              <legend className="visually-hidden">Log mode</legend>
              <Choice name="logMode" value="single" current={form.logMode} onChange={(v) => setForm({ ...form, logMode: v })} label="One record when the call ends" hint="Fewest CRM writes; the record appears after the call." />
              <Choice name="logMode" value="staged" current={form.logMode} onChange={(v) => setForm({ ...form, logMode: v })} label="Staged" hint="The record is created, then updated as details (such as a recording) arrive." />
            </fieldset>
          </Card>
          <Card title="What the record says" intro="Sections of the call log’s body.">
            {Object.keys(form.logDetails).map((k) => (
              <Check key={k} label={DETAILS[k] ?? k} hint={form.logDetails[k] ? 'Included.' : 'Left out.'} checked={!!form.logDetails[k]} onChange={(v) => set('logDetails', k, v)} />
            ))}
          </Card>
          <div className="row">
            <button className="primary" disabled={action.busy}>{action.busy ? 'Saving…' : 'Save rules'}</button>
          </div>
          <Result error={action.error} done={action.done} />
        </form>
      )}
    </>
  );
}
