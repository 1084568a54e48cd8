import { requestJson } from './http-json';

export interface CallLogItem {
  id: string;
  telephonySessionId: string;
  rcExtensionId: string;
  status: 'pending' | 'logging' | 'logged' | 'skipped' | 'failed';
  reason: string | null;
  callEndedAt: string;
  loggedAt: string | null;
}

/** Every call-log row of the account, through the admin API's cursor pages. */
export async function listCallLogs(serviceUrl: string, adminToken: string): Promise<CallLogItem[]> {
  const items: CallLogItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await requestJson<{ items: CallLogItem[]; nextCursor?: string | null }>(
      'GET',
      `${serviceUrl}/admin/call-logs?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { headers: { Authorization: `Bearer ${adminToken}` } },
    );
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

export interface DemoSummary {
  callsPlaced: number;
  legsEnded: number;
  logged: number;
  skipped: Record<string, number>;
  failed: number;
  pending: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
  crmRequestsPerLog: number | null;
  crmActivities: number;
  urls: { adminDocs: string; callLogs: string; sampleCrm: string };
}

/**
 * `sentAt`: per `<telephonySessionId>:<rcExtensionId>`, when the simulator was asked to play that call. The simulator
 * plays a whole call at once with its timeline laid out in the past, so an agent who left mid-call (a transfer) has an
 * end time long before its notifications were sent; latency counts from the later of the two.
 */
export function summarise(callsPlaced: number, legsEnded: number, items: CallLogItem[], crmRequests: number, crmActivities: number, urls: DemoSummary['urls'], sentAt: Map<string, number> = new Map()): DemoSummary {
  const latencies = items
    .filter((i) => i.status === 'logged' && i.loggedAt)
    .map((i) => (Date.parse(i.loggedAt!) - Math.max(Date.parse(i.callEndedAt), sentAt.get(`${i.telephonySessionId}:${i.rcExtensionId}`) ?? 0)) / 1000)
    .sort((a, b) => a - b);
  const pick = (q: number) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 100) / 100 : null);
  const skipped: Record<string, number> = {};
  for (const i of items.filter((i) => i.status === 'skipped')) skipped[i.reason ?? 'unknown'] = (skipped[i.reason ?? 'unknown'] ?? 0) + 1;
  const logged = items.filter((i) => i.status === 'logged').length;
  return {
    callsPlaced,
    legsEnded,
    logged,
    skipped,
    failed: items.filter((i) => i.status === 'failed').length,
    pending: items.filter((i) => i.status === 'pending' || i.status === 'logging').length,
    p50Seconds: pick(0.5),
    p95Seconds: pick(0.95),
    crmRequestsPerLog: logged ? Math.round((crmRequests / logged) * 100) / 100 : null,
    crmActivities,
    urls,
  };
}

export function renderSummary(s: DemoSummary): string {
  const skipped = Object.entries(s.skipped).map(([reason, n]) => `${n} ${reason}`).join(', ') || 'none';
  const rows: [string, string][] = [
    ['calls placed', String(s.callsPlaced)],
    ['agent legs ended', String(s.legsEnded)],
    ['logged to the CRM', String(s.logged)],
    ['skipped (by reason)', skipped],
    ['failed', String(s.failed)],
    ['still pending', String(s.pending)],
    ['call end -> CRM log', s.p50Seconds === null ? 'n/a' : `p50 ${s.p50Seconds} s, p95 ${s.p95Seconds} s`],
    ['CRM requests per log', s.crmRequestsPerLog === null ? 'n/a' : String(s.crmRequestsPerLog)],
    ['sample CRM activities', String(s.crmActivities)],
    ['admin API docs', s.urls.adminDocs],
    ['call logs (admin API)', s.urls.callLogs],
    ['sample CRM page', s.urls.sampleCrm],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}
