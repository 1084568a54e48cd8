import type { CrmStore } from './crm.store';
import type { CrmActivity } from './crm.types';
import { escapeHtml } from './html-escape.util';

const REFRESH_SECONDS = 3;
const MAX_ROWS = 200;

/**
 * Read-only page of logged calls, for demos. Every value goes through escapeHtml: bodies come from whoever logs
 * calls and may contain HTML (the text/html log format), so they are shown as source in a <pre>, never rendered.
 * The route also sends a CSP that forbids scripts, in case an escape is ever missed.
 */
export function renderActivitiesPage(store: CrmStore): string {
  const all = store.listActivities();
  const users = new Map(store.listUsers().map((u) => [u.id, u.name]));
  const contacts = new Map(store.listContacts().map((c) => [c.id, c.name]));
  const inbound = all.filter((a) => a.direction === 'Inbound').length;
  const shown = all.slice(-MAX_ROWS).reverse();
  // The recording column appears once some call has a recording (the service's call-record sync fills it later).
  const withRecording = shown.some((a) => recordingLink(a.recordingUrl) !== '');
  const rows = shown.map((a) => row(a, users.get(a.ownerId), a.contactId ? contacts.get(a.contactId) : undefined, withRecording));
  const columns = ['Time', 'Owner', 'Contact', 'Direction', 'Result', 'Duration', 'Subject', 'Body', 'Note', ...(withRecording ? ['Recording'] : []), 'External id'];

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<title>Sample CRM - call activities</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1d2733; }
  .wrap { overflow-x: auto; }
  /* Fixed widths for the short columns, so the body and note get the room (not one character per line). */
  table { border-collapse: collapse; min-width: 60rem; width: 100%; table-layout: auto; }
  th, td { border: 1px solid #d5dbe2; padding: .35rem .5rem; text-align: left; vertical-align: top; font-size: .88rem; }
  th { background: #f3f5f7; white-space: nowrap; }
  td { white-space: nowrap; }
  td.text { white-space: normal; min-width: 10rem; }
  td.body { white-space: normal; min-width: 24rem; }
  td.id { white-space: normal; font-family: ui-monospace, Menlo, monospace; font-size: .75rem; min-width: 8rem; max-width: 10rem; overflow-wrap: anywhere; }
  td.time { white-space: normal; min-width: 6rem; }
  pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 16rem; overflow: auto; font-size: .84rem; }
  .fmt { color: #777; font-size: .75rem; }
  .counts span { margin-right: 1.5rem; }
</style>
</head>
<body>
<h1>Sample CRM - call activities</h1>
<p class="counts" id="counts">
  <span>Activities: <strong>${all.length}</strong></span>
  <span>Inbound: <strong>${inbound}</strong></span>
  <span>Outbound: <strong>${all.length - inbound}</strong></span>
  <span>Contacts: <strong>${contacts.size}</strong></span>
  <span>Users: <strong>${users.size}</strong></span>
  ${all.length > shown.length ? `<span>Showing the newest ${shown.length}</span>` : ''}
</p>
<div class="wrap">
<table>
<thead><tr>${columns.map((c) => `<th>${c}</th>`).join('')}</tr></thead>
<tbody>
${rows.length ? rows.join('\n') : `<tr><td colspan="${columns.length}">No call activities yet.</td></tr>`}
</tbody>
</table>
</div>
</body>
</html>
`;
}

function row(a: CrmActivity, owner: string | undefined, contact: string | undefined, withRecording: boolean): string {
  const cells = [
    { cls: 'time', html: escapeHtml(a.startTime.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')) },
    escapeHtml(owner ?? a.ownerId),
    escapeHtml(contact ?? (a.contactId ?? '(none)')),
    escapeHtml(a.direction),
    escapeHtml(a.result),
    `${escapeHtml(a.duration)} s`,
    { cls: 'text', html: escapeHtml(a.subject) },
    { cls: 'body', html: `<span class="fmt">${bodyFormat(a.body)}</span><pre>${escapeHtml(a.body)}</pre>` },
    { cls: 'text', html: a.note ? `<pre>${escapeHtml(a.note)}</pre>` : '' },
    ...(withRecording ? [recordingLink(a.recordingUrl)] : []),
    { cls: 'id', html: escapeHtml(a.externalId) },
  ];
  const td = (c: string | { cls: string; html: string }) => (typeof c === 'string' ? `<td>${c}</td>` : `<td class="${c.cls}">${c.html}</td>`);
  return `<tr data-id="${escapeHtml(a.id)}">${cells.map(td).join('')}</tr>`;
}

/** A guess, only to label the cell; the body is shown as source whatever it is. */
function bodyFormat(body: string): string {
  if (/<\/?[a-z][\s\S]*>/i.test(body)) return 'html (source)';
  if (/^(#{1,6} |\*\*|- \*\*)/m.test(body)) return 'markdown';
  return 'text';
}

/** Only http(s) links: a `javascript:` URL would survive escaping and run on click. */
function recordingLink(url: string | null): string {
  if (!url || !/^https?:\/\//i.test(url)) return '';
  return `<a href="${escapeHtml(url)}" rel="noopener noreferrer" target="_blank">recording</a>`;
}
