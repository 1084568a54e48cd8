import { get } from '../api';
import { Link } from '../router';
import { Card, LoadError, Loading, Notice, PageHead, useLoad } from '../ui';
import { reasonText } from '../words';

interface Day { day: string; logged: number; skipped: number; failed: number; pending: number }
interface Overview { days: Day[]; topSkipReasons: { reason: string; count: number }[]; topFailureReasons: { reason: string; count: number }[]; totals: Day }

const COLORS = { logged: '#12805c', skipped: '#9aa7b6', failed: '#c8362b' };

export function OverviewPage() {
  const overview = useLoad(() => get<Overview>('/admin/overview?days=30'));
  const settings = useLoad(() => get('/admin/settings'));
  const s = settings.data;
  const steps = s && [
    { done: s.ringCentral.connected, label: 'Connect RingCentral', to: '/setup' },
    { done: !!s.connector, label: 'Choose the CRM and enter its credentials', to: '/setup' },
    { done: !!s.adminCrmUserId, label: 'Pick your own CRM user', to: '/setup' },
    { done: s.enabled, label: 'Switch logging on', to: '/logging' },
  ];
  return (
    <>
      <PageHead title="Overview" intro="Calls of the last 30 days and where their logging stands." />
      {settings.error && <LoadError error={settings.error} retry={settings.reload} />}
      {s?.paused && (
        <Notice tone="bad" action={<Link className="button" to="/logging">Open Logging</Link>}>
          <p><strong>Logging is paused.</strong> {s.pausedReason}</p>
        </Notice>
      )}
      {steps && !s.enabled && (
        <Card title="Get started" intro="Four steps from nothing to every call in your CRM.">
          <ol className="stack" style={{ margin: 0, paddingLeft: 20 }}>
            {steps.map((step: { done: boolean; label: string; to: string }) => (
              <li key={step.label}>
                <span className="row spread">
                  <span>{step.done ? <s className="muted">{step.label}</s> : step.label}</span>
                  {step.done ? <span className="badge ok">Done</span> : <Link to={step.to}>Do it now</Link>}
                </span>
              </li>
            ))}
          </ol>
        </Card>
      )}
      {overview.error && <LoadError error={overview.error} retry={overview.reload} />}
      {overview.loading && !overview.data && <Loading what="the overview" />}
      {overview.data && <OverviewBody o={overview.data} />}
    </>
  );
}

function OverviewBody({ o }: { o: Overview }) {
  const all = o.totals.logged + o.totals.skipped + o.totals.failed + o.totals.pending;
  return (
    <>
      <div className="grid-4">
        <Stat n={all} l="Calls (30 days)" />
        <Stat n={o.totals.logged} l="Logged" color={COLORS.logged} />
        <Stat n={o.totals.skipped} l="Skipped by rules" />
        <Stat n={o.totals.failed} l="Failed" color={o.totals.failed ? COLORS.failed : undefined} />
      </div>
      <Card title="Calls per day" intro="By the day the call ended (UTC).">
        <Chart days={o.days} />
      </Card>
      <div className="grid-2">
        <Reasons title="Why calls were skipped" items={o.topSkipReasons} empty="No call was skipped." color={COLORS.skipped} status="skipped" />
        <Reasons title="Why calls failed" items={o.topFailureReasons} empty="No call failed." color={COLORS.failed} status="failed" />
      </div>
    </>
  );
}

function Stat({ n, l, color }: { n: number; l: string; color?: string }) {
  return (
    <div className="stat">
      <div className="n" style={color ? { color } : undefined}>{n.toLocaleString()}</div>
      <div className="l">{l}</div>
    </div>
  );
}

function Chart({ days }: { days: Day[] }) {
  const W = 720;
  const H = 220;
  const pad = { l: 34, r: 8, t: 10, b: 26 };
  const max = Math.max(4, ...days.map((d) => d.logged + d.skipped + d.failed));
  const step = (W - pad.l - pad.r) / days.length;
  const bar = Math.max(2, step * 0.7);
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - v / max);
  const ticks = [0, Math.round(max / 2), max];
  const total = days.reduce((n, d) => n + d.logged + d.skipped + d.failed, 0);
  const label = `Bar chart of calls per day over ${days.length} days: ${total} calls in all.`;
  return (
    <div className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.l} x2={W - pad.r} y1={y(t)} y2={y(t)} stroke="#e6ebf1" />
            <text x={pad.l - 6} y={y(t) + 4} textAnchor="end" fontSize="11" fill="#5b6878">{t}</text>
          </g>
        ))}
        {days.map((d, i) => {
          const x = pad.l + i * step + (step - bar) / 2;
          let top = y(0);
          const parts = (['logged', 'skipped', 'failed'] as const).map((k) => {
            const h = y(0) - y(d[k]);
            top -= h;
            return <rect key={k} x={x} y={top} width={bar} height={h} fill={COLORS[k]} rx={1} />;
          });
          return (
            <g key={d.day}>
              <title>{`${d.day}: ${d.logged} logged, ${d.skipped} skipped, ${d.failed} failed`}</title>
              {parts}
              {i % 5 === (days.length - 1) % 5 && (
                <text x={x + bar / 2} y={H - 8} textAnchor="middle" fontSize="11" fill="#5b6878">{d.day.slice(5)}</text>
              )}
            </g>
          );
        })}
      </svg>
      <div className="legend" aria-hidden="true">
        <span style={{ ['--c' as string]: COLORS.logged }}>Logged</span>
        <span style={{ ['--c' as string]: COLORS.skipped }}>Skipped</span>
        <span style={{ ['--c' as string]: COLORS.failed }}>Failed</span>
      </div>
    </div>
  );
}

function Reasons({ title, items, empty, color, status }: { title: string; items: { reason: string; count: number }[]; empty: string; color: string; status: string }) {
  const max = Math.max(1, ...items.map((i) => i.count));
  return (
    <Card title={title} actions={<Link to={`/calls?status=${status}`}>See the calls</Link>}>
      {items.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="bars-list">
          {items.map((i) => (
            <li key={i.reason}>
              <div className="row spread">
                <span>{reasonText(i.reason)}</span>
                <strong>{i.count}</strong>
              </div>
              <div className="bar" style={{ width: `${(i.count / max) * 100}%`, ['--c' as string]: color }} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
