import type { LogDetailSection } from '../accounts/logging-settings';
import type { LogFormat } from '../connectors';

export interface ComposeInput {
  direction: 'Inbound' | 'Outbound';
  kind: 'answered' | 'missed' | 'voicemail' | 'unanswered' | 'transferred';
  result: string;
  contactName?: string;
  contactNumber?: string;
  agentName?: string;
  agentNumber?: string;
  agentExtensionNumber?: string;
  startTime: Date;
  durationSeconds: number;
  recordingLink?: string;
  voicemailLink?: string;
  sessionId?: string | null;
  note?: string;
}

/** The subject App Connect connectors default to: "<Direction> call from/to <contact>". */
export function composeSubject(input: ComposeInput): string {
  const who = input.contactName || input.contactNumber || 'unknown caller';
  switch (input.kind) {
    case 'missed':
      return `Missed call from ${who}`;
    case 'voicemail':
      return `Voicemail from ${who}`;
    case 'unanswered':
      return `Unanswered call to ${who}`;
    default:
      return input.direction === 'Inbound' ? `Inbound call from ${who}` : `Outbound call to ${who}`;
  }
}

/** App Connect's duration text: "1 hour, 2 minutes, 5 seconds"; "0 seconds" for none. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const parts: string[] = [];
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h) parts.push(`${h} hour${h === 1 ? '' : 's'}`);
  if (m) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  if (sec || !parts.length) parts.push(`${sec} second${sec === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** App Connect's date format `YYYY-MM-DD hh:mm:ss A`, in UTC (the service knows no user time zone). */
export function formatDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = date.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(h12)}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'} UTC`;
}

/**
 * The log body, in the connector's format, with App Connect's labels and order (note, session id, agent, subject,
 * contact number, date/time, duration, result, recording) plus the call direction. Every value is escaped for the
 * format: contact names come from the CRM and caller ids from the network.
 */
export function composeLogDetails(format: LogFormat, input: ComposeInput, sections: Record<LogDetailSection, boolean>): string {
  const items: [string, string][] = [];
  if (sections.sessionId && input.sessionId) items.push(['Session Id', input.sessionId]);
  if (sections.agent && (input.agentName || input.agentNumber)) {
    const ext = input.agentExtensionNumber ? ` (ext ${input.agentExtensionNumber})` : '';
    items.push(['RingCentral user', `${input.agentName ?? ''}${input.agentName && input.agentNumber ? ', ' : ''}${input.agentNumber ?? ''}${ext}`]);
  }
  if (sections.subject) items.push(['Summary', composeSubject(input)]);
  if (sections.direction) items.push(['Direction', input.direction]);
  if (sections.contactNumber && input.contactNumber) items.push([input.direction === 'Inbound' ? 'Caller phone number' : 'Recipient phone number', input.contactNumber]);
  if (sections.dateTime) items.push(['Date/time', formatDateTime(input.startTime)]);
  if (sections.duration) items.push(['Duration', formatDuration(input.durationSeconds)]);
  if (sections.result) items.push(['Result', input.result]);
  if (sections.recording && input.recordingLink) items.push(['Call recording link', input.recordingLink]);
  if (sections.recording && input.voicemailLink) items.push(['Voicemail recording link', input.voicemailLink]);

  switch (format) {
    case 'text/html': {
      const note = input.note ? `<div><b>Agent notes</b></div><div>${escapeHtml(input.note)}</div><div><b>Call details</b></div>` : '';
      return `${note}<ul>${items.map(([label, value]) => sectionLine(format, label, value)).join('')}</ul>`;
    }
    case 'text/markdown': {
      const note = input.note ? `## Agent notes\n${escapeMarkdown(input.note)}\n\n## Call details\n` : '';
      return note + items.map(([label, value]) => sectionLine(format, label, value)).join('\n');
    }
    default: {
      const note = input.note ? `- Note: ${input.note}\n` : '';
      return note + items.map(([label, value]) => sectionLine(format, label, value)).join('\n');
    }
  }
}

/** The sections the staged update rewrites: the ones the call-log record makes exact. */
export const RECORD_SECTIONS = ['Duration', 'Result', 'Call recording link', 'Voicemail recording link'] as const;
export type RecordSection = (typeof RECORD_SECTIONS)[number];

/** The record's sections for an update, with the admin's toggles applied (a link that is not there is left out). */
export function recordSections(input: Pick<ComposeInput, 'durationSeconds' | 'result' | 'recordingLink' | 'voicemailLink'>, sections: Record<LogDetailSection, boolean>): [RecordSection, string][] {
  const items: [RecordSection, string][] = [];
  if (sections.duration) items.push(['Duration', formatDuration(input.durationSeconds)]);
  if (sections.result) items.push(['Result', input.result]);
  if (sections.recording && input.recordingLink) items.push(['Call recording link', input.recordingLink]);
  if (sections.recording && input.voicemailLink) items.push(['Voicemail recording link', input.voicemailLink]);
  return items;
}

/**
 * App Connect's upsert (its callLogComposer): each section replaced in place in the log's current body when present,
 * otherwise added — so whatever else is in the body (a note a person typed in the CRM) stays as it is.
 */
export function upsertSections(format: LogFormat, body: string, items: [string, string][]): string {
  let out = body;
  for (const [label, value] of items) {
    const line = sectionLine(format, label, value);
    const pattern = sectionPattern(format, label);
    if (pattern.test(out)) {
      out = out.replace(pattern, () => line);
    } else if (format === 'text/html') {
      const end = out.lastIndexOf('</ul>');
      out = end >= 0 ? `${out.slice(0, end)}${line}${out.slice(end)}` : `${out}<ul>${line}</ul>`;
    } else {
      out = out === '' ? line : `${out.replace(/\n+$/, '')}\n${line}`;
    }
  }
  return out;
}

function sectionLine(format: LogFormat, label: string, value: string): string {
  switch (format) {
    case 'text/html':
      return /link$/.test(label) && /^https?:\/\//.test(value)
        ? `<li><b>${label}</b>: <a target="_blank" href="${escapeHtml(value)}">open</a></li>`
        : `<li><b>${label}</b>: ${escapeHtml(value)}</li>`;
    case 'text/markdown':
      return `**${label}**: ${escapeMarkdown(value)}`;
    default:
      return `- ${label}: ${value}`;
  }
}

function sectionPattern(format: LogFormat, label: string): RegExp {
  const l = label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  switch (format) {
    case 'text/html':
      return new RegExp(`<li><b>${l}</b>:.*?</li>`);
    case 'text/markdown':
      return new RegExp(`^\\*\\*${l}\\*\\*: .*$`, 'm');
    default:
      return new RegExp(`^- ${l}: .*$`, 'm');
  }
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function escapeMarkdown(value: string): string {
  return value.replace(/([\\`*_{}[\]<>#|])/g, '\\$1');
}
