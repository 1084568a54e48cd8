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
  const rows = shown.map((a) => row(a, users.get(a.ownerId), a.contactId ? contacts.get(a.contactId) : undefined));

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<title>Sample CRM - call activities</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; font-size: .9rem; }
  th { background: #f3f3f3; }
  pre { margin: 0; white-space: pre-wrap; word-break: break-word; max-height: 16rem; overflow: auto; }
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
<table>
<thead><tr><th>Time</th><th>Owner</th><th>Contact</th><th>Direction</th><th>Result</th><th>Duration</th><th>Subject</th><th>Body</th><th>Note</th><th>Recording</th><th>External id</th></tr></thead>
<tbody>
${rows.length ? rows.join('\n') : '<tr><td colspan="11">No call activities yet.</td></tr>'}
</tbody>
</table>
</body>
</html>
`;
}

function row(a: CrmActivity, owner: string | undefined, contact: string | undefined): string {
  const cells = [
    escapeHtml(a.startTime),
    escapeHtml(owner ?? a.ownerId),
    escapeHtml(contact ?? (a.contactId ?? '(none)')),
    escapeHtml(a.direction),
    escapeHtml(a.result),
    `${escapeHtml(a.duration)} s`,
    escapeHtml(a.subject),
    `<span class="fmt">${bodyFormat(a.body)}</span><pre>${escapeHtml(a.body)}</pre>`,
    a.note ? `<pre>${escapeHtml(a.note)}</pre>` : '',
    recordingLink(a.recordingUrl),
    escapeHtml(a.externalId),
  ];
  return `<tr data-id="${escapeHtml(a.id)}">${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
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
  return `<a href="${escapeHtml(url)}" rel="noopener noreferrer" target="_blank">open</a>`;
}
