import type { TelephonyParty } from './sim-types';

/**
 * Subscription event filters: parsing, `~` expansion and matching of telephony-session parties
 * (docs/ringcentral.md §2.2). Filters other than telephony sessions are accepted but never produce notifications.
 */

export const TELEPHONY_STATUS_CODES = [
  'Setup', 'Proceeding', 'Answered', 'Disconnected', 'Gone', 'Parked', 'Hold', 'Voicemail', 'VoiceMail',
  'FaxReceive', 'VoiceMailScreening', 'Tds',
];

export interface ParsedFilter {
  /** The filter as returned to the client, with `~` replaced by ids. */
  expanded: string;
  kind: 'telephony-account' | 'telephony-extension' | 'subscription-reminder' | 'other';
  accountId?: string;
  extensionId?: string;
  query: URLSearchParams;
}

export type FilterProblem = 'invalid' | 'foreign-account' | 'unknown-extension';

const TELEPHONY = /^\/restapi\/v1\.0\/account\/([^/?]+)(?:\/extension\/([^/?]+))?\/telephony\/sessions\/?$/;
const OTHER_ACCOUNT = /^\/restapi\/v1\.0\/account\/([^/?]+)(?:\/extension\/([^/?]+))?(\/[A-Za-z0-9\-/]+)?$/;
const REMINDER = /^\/restapi\/v1\.0\/subscription\/~$/;

export function parseFilter(
  raw: unknown,
  owner: { accountId: string; extensionId: string },
  extensionExists: (extensionId: string) => boolean,
): ParsedFilter | FilterProblem {
  if (typeof raw !== 'string' || !raw.startsWith('/restapi/v1.0/')) return 'invalid';
  const [path, queryString = ''] = raw.split('?', 2);
  const query = new URLSearchParams(queryString);
  const expand = (acc: string, ext?: string): { accountId: string; extensionId?: string } => ({
    accountId: acc === '~' ? owner.accountId : acc,
    extensionId: ext === undefined ? undefined : ext === '~' ? owner.extensionId : ext,
  });
  const rebuild = (ids: { accountId: string; extensionId?: string }, tail: string): string =>
    `/restapi/v1.0/account/${ids.accountId}${ids.extensionId ? `/extension/${ids.extensionId}` : ''}${tail}` +
    (queryString ? `?${queryString}` : '');

  if (REMINDER.test(path)) {
    if (query.has('threshold') && !/^\d+$/.test(query.get('threshold')!)) return 'invalid';
    return { expanded: raw, kind: 'subscription-reminder', query };
  }
  const telephony = TELEPHONY.exec(path);
  const other = telephony ? null : OTHER_ACCOUNT.exec(path);
  const match = telephony ?? other;
  if (!match) return 'invalid';
  const ids = expand(match[1], match[2]);
  if (ids.accountId !== owner.accountId) return 'foreign-account';
  if (ids.extensionId && !extensionExists(ids.extensionId)) return 'unknown-extension';
  if (!telephony) return { expanded: rebuild(ids, match[3] ?? ''), kind: 'other', ...ids, query };
  if (!validTelephonyQuery(query)) return 'invalid';
  return {
    expanded: rebuild(ids, '/telephony/sessions'),
    kind: ids.extensionId ? 'telephony-extension' : 'telephony-account',
    ...ids,
    query,
  };
}

function validTelephonyQuery(query: URLSearchParams): boolean {
  const direction = query.get('direction');
  if (direction !== null && direction !== 'Inbound' && direction !== 'Outbound') return false;
  for (const flag of ['missedCall', 'sipData', 'withRecordings']) {
    const v = query.get(flag);
    if (v !== null && v !== 'true' && v !== 'false') return false;
  }
  const status = query.get('statusCode');
  if (status !== null && !TELEPHONY_STATUS_CODES.some((c) => c.toLowerCase() === status.toLowerCase())) return false;
  const phone = query.get('phoneNumber');
  if (phone !== null && !/^\+?\d{3,15}$/.test(phone)) return false;
  return true;
}

export function partyMatches(filter: ParsedFilter, accountId: string, party: TelephonyParty): boolean {
  if (filter.kind !== 'telephony-account' && filter.kind !== 'telephony-extension') return false;
  if (filter.accountId !== accountId) return false;
  if (filter.kind === 'telephony-extension' && party.extensionId !== filter.extensionId) return false;
  const q = filter.query;
  const direction = q.get('direction');
  if (direction && party.direction !== direction) return false;
  const missed = q.get('missedCall');
  if (missed && String(party.missedCall) !== missed) return false;
  const status = q.get('statusCode');
  if (status && party.status.code.toLowerCase() !== status.toLowerCase()) return false;
  const phone = q.get('phoneNumber');
  if (phone) {
    const norm = (n?: string): string => (n ?? '').replace(/^\+/, '');
    if (norm(party.from.phoneNumber) !== norm(phone) && norm(party.to.phoneNumber) !== norm(phone)) return false;
  }
  if (q.get('withRecordings') === 'true' && !party.recordings?.length) return false;
  return true;
}

export function wantsSipData(filter: ParsedFilter): boolean {
  return filter.query.get('sipData') === 'true';
}
