/** What the service's codes mean, in words an admin reads. Unknown codes are shown as they are. */

const REASONS: Record<string, string> = {
  'internal-calls-off': 'internal calls are off',
  'inbound-calls-off': 'inbound calls are off',
  'outbound-calls-off': 'outbound calls are off',
  'missed-calls-off': 'missed calls are off',
  'voicemail-off': 'calls that went to voicemail are off',
  'blocked-number': "the other party's number is blocked",
  'blocked-extension': "the agent's extension is blocked",
  'admin-only': "logging is in admin-only trial and this is not the admin's call",
  'admin-only-mode': "logging is in admin-only trial and this is not the admin's call",
  'no-contact': 'no CRM contact has this number, and the contact rule says skip',
  'several-contacts': 'several CRM contacts have this number, and the contact rule says skip',
  'no-owner': 'no CRM user can own the record: the agent is not mapped and no admin CRM user is set',
  'account-paused': 'logging is paused for this account until an admin fixes it',
  'plugin-blocked': 'a plugin failed and its failure policy is "block"',
  'crm-error': 'the CRM answered with an error',
  VALIDATION: 'the CRM refused the record as invalid',
  TEMPORARY: 'the CRM was unavailable',
  RATE_LIMITED: 'the CRM asked the service to slow down',
  AUTH_REVOKED: 'the CRM refused the service credentials',
  NOT_FOUND: 'the CRM did not find something the record refers to',
};

export function reasonText(reason: string | null | undefined): string {
  if (!reason) return '';
  return REASONS[reason] ?? reason.replace(/[-_]/g, ' ');
}

export function statusSentence(status: string, reason: string | null): string {
  switch (status) {
    case 'logged':
      return 'Logged to the CRM.';
    case 'skipped':
      return `Skipped: ${reasonText(reason) || 'a rule said so'}.`;
    case 'failed':
      return `Failed: ${reasonText(reason) || 'the CRM did not take it'}. You can retry it.`;
    case 'logging':
      return 'Being logged now.';
    default:
      return reason ? `Waiting: ${reasonText(reason)}.` : 'Waiting to be logged.';
  }
}

const OWNER_SOURCES: Record<string, string> = {
  'agent-mapping': "the agent's mapped CRM user",
  'admin-fallback': "the admin's CRM user (the agent is not mapped)",
  admin: "the admin's CRM user (owner policy: admin)",
};

/** One timeline entry of GET /admin/call-logs/:id as a sentence. */
export function timelineText(
  kind: string,
  d: Record<string, any>,
  nameOf: (extensionId: string) => string = (id) => `extension ${id}`,
  crmUserOf: (crmUserId: string) => string = (id) => `CRM user ${id}`,
): string {
  switch (kind) {
    case 'party-status': {
      const who = d.extensionId ? nameOf(String(d.extensionId)) : 'The outside party';
      return `${who}${d.thisLeg ? ' (this agent)' : ''}: ${String(d.code ?? d.status ?? 'changed').toLowerCase()}${d.reason ? ` (${d.reason})` : ''}.`;
    }
    case 'leg-recorded':
      return "The agent's part of the call ended; it is queued for logging.";
    case 'attempt':
      return `Logging attempt ${d.attempt ?? ''} started.`.replace('  ', ' ');
    case 'filters':
      return d.admitted ? 'Rules checked: this call is to be logged.' : 'Rules checked.';
    case 'contact':
      return `Contact: ${d.decision ?? 'looked up'}${d.crmRequests ? ` (${d.crmRequests} CRM request${d.crmRequests === 1 ? '' : 's'})` : ''}.`;
    case 'owner':
      return d.error ? `Record owner: ${reasonText(d.error)}.` : `Record owner: ${crmUserOf(String(d.crmUserId))}, ${OWNER_SOURCES[d.source] ?? d.source}.`;
    case 'crm':
      return `CRM ${d.operation ?? 'call'}: ${d.outcome ?? 'done'}${d.crmLogId ? `, record ${d.crmLogId}` : ''}${d.ms !== undefined ? ` in ${d.ms} ms` : ''}.`;
    case 'crm-error':
      return `The CRM failed (${reasonText(d.code)})${d.action === 'retry' ? '; the service will retry' : d.action === 'pause-account' ? '; logging is paused for the account' : ''}${d.reason ? `: ${d.reason}` : ''}.`;
    case 'skipped':
      return `Skipped: ${reasonText(d.reason)}.`;
    case 'logged':
      return `Logged${d.crmLogId ? ` as CRM record ${d.crmLogId}` : ''}.`;
    case 'paused':
      return `Waiting: logging is paused for the account${d.reason ? ` (${d.reason})` : ''}.`;
    case 'retry-requested':
      return 'An admin asked to retry this call.';
    case 'plugin':
      return `Plugin ${d.plugin}: ${d.outcome ?? 'ran'}.`;
    case 'plugin-warning':
      return `Plugin ${d.plugin}: ${d.reason}.`;
    case 'plugin-blocked':
      return `Plugin ${d.plugin} failed (${d.reason ?? 'no answer'}); ${d.action === 'retry' ? 'the log waits and retries' : 'the call failed'}.`;
    case 'plugin-async':
      return `Plugin ${d.plugin} (after logging): ${d.outcome}${d.reason ? ` – ${d.reason}` : ''}.`;
    default:
      return `${kind.replace(/-/g, ' ')}${Object.keys(d).length ? `: ${Object.entries(d).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ')}` : ''}.`;
  }
}

export function formatTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function formatDuration(seconds: number): string {
  if (!seconds) return '0s';
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m ? `${m}m ${String(s).padStart(2, '0')}s` : `${s}s`;
}
