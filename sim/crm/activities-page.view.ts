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
  const withNote = shown.some((a) => a.note);
  const rows = shown.map((a) => row(a, users.get(a.ownerId), a.contactId ? contacts.get(a.contactId) : undefined, { withRecording, withNote }));
  // [header, width]: fixed widths for the short columns; the body takes the rest (never one character per line).
  const columns: [string, string][] = [
    ['Time', '6.5rem'], ['Owner', '7rem'], ['Contact', '7rem'], ['Direction', '5.5rem'], ['Result', '7rem'], ['Subject', '10rem'], ['Body', 'auto'],
    ...(withNote ? ([['Note', '12rem']] as [string, string][]) : []),
    ...(withRecording ? ([['Recording', '6rem']] as [string, string][]) : []),
    ['External id', '8rem'],
  ];
  // Wide enough for every fixed column plus 24rem of body; below that the table scrolls sideways.
  const minWidthRem = columns.reduce((sum, [, width]) => sum + (width === 'auto' ? 24 : Number.parseFloat(width)), 0);

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
  /* Fixed layout: the short columns keep their widths and the body gets the rest; narrow screens scroll sideways. */
  table { border-collapse: collapse; min-width: ${minWidthRem}rem; width: 100%; table-layout: fixed; }
  th, td { border: 1px solid #d5dbe2; padding: .35rem .5rem; text-align: left; vertical-align: top; font-size: .88rem; }
  th { background: #f3f5f7; white-space: nowrap; }
  td { overflow-wrap: anywhere; }
  td.id { font-family: ui-monospace, Menlo, monospace; font-size: .75rem; }
  .dur { color: #5b6878; }
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
<colgroup>${columns.map(([, width]) => `<col style="width: ${width}">`).join('')}</colgroup>
<thead><tr>${columns.map(([name]) => `<th>${name}</th>`).join('')}</tr></thead>
<tbody>
${rows.length ? rows.join('\n') : `<tr><td colspan="${columns.length}">No call activities yet.</td></tr>`}
</tbody>
</table>
</div>
</body>
</html>
`;
}

function row(a: CrmActivity, owner: string | undefined, contact: string | undefined, shown: { withRecording: boolean; withNote: boolean }): string {
  const cells = [
    escapeHtml(a.startTime.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')),
    escapeHtml(owner ?? a.ownerId),
    escapeHtml(contact ?? (a.contactId ?? '(none)')),
    escapeHtml(a.direction),
    `${escapeHtml(a.result)}<br><span class="dur">${escapeHtml(a.duration)} s</span>`,
    escapeHtml(a.subject),
    { cls: 'body', html: `<span class="fmt">${bodyFormat(a.body)}</span><pre>${escapeHtml(a.body)}</pre>` },
    ...(shown.withNote ? [a.note ? `<pre>${escapeHtml(a.note)}</pre>` : ''] : []),
    ...(shown.withRecording ? [recordingLink(a.recordingUrl)] : []),
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
