import { useEffect, useState } from 'react';
import { api, get, onSessionLost, setCsrfToken } from './api';
import { CallDetailPage } from './pages/CallDetail';
import { CallsPage } from './pages/Calls';
import { LoggingPage } from './pages/Logging';
import { OverviewPage } from './pages/Overview';
import { PluginsPage } from './pages/Plugins';
import { RulesPage } from './pages/Rules';
import { SetupPage } from './pages/Setup';
import { SignInPage, NotAdminPage } from './pages/SignIn';
import { UsersPage } from './pages/Users';
import { Link, usePath } from './router';

export interface Session {
  signedIn: boolean;
  signInConfigured?: boolean;
  admin?: boolean;
  rcAccountId?: string;
  user?: { name: string | null; extensionId: string };
  csrfToken?: string;
}

const PAGES = [
  { path: '/', label: 'Overview' },
  { path: '/setup', label: 'Setup' },
  { path: '/users', label: 'User mapping' },
  { path: '/rules', label: 'Rules' },
  { path: '/logging', label: 'Logging' },
  { path: '/calls', label: 'Calls' },
  { path: '/plugins', label: 'Plugins' },
];

export function App() {
  const [session, setSession] = useState<Session>();
  const [failed, setFailed] = useState<string>();
  const load = () =>
    get<Session>('/console/session')
      .then((s) => {
        setCsrfToken(s.csrfToken ?? '');
        setSession(s);
      })
      .catch((e: Error) => setFailed(e.message));
  useEffect(() => {
    void load();
    return onSessionLost(() => void load());
  }, []);

  if (failed) return <div className="center"><p role="alert">{failed}</p></div>;
  if (!session) return <div className="center"><p className="muted" role="status">Loading…</p></div>;
  if (!session.signedIn) return <SignInPage configured={session.signInConfigured !== false} />;
  const signOut = async () => {
    await api('POST', '/console/oauth/logout').catch(() => undefined);
    window.location.assign('/console/');
  };
  if (!session.admin) return <NotAdminPage session={session} onSignOut={signOut} />;
  return <Shell session={session} onSignOut={signOut} />;
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const path = usePath();
  const section = '/' + (path.split('/')[1] ?? '');
  const title = PAGES.find((p) => p.path === section)?.label ?? 'Not found';
  useEffect(() => {
    document.title = `${title} · Call logging console`;
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [title]);
  const callId = path.startsWith('/calls/') ? decodeURIComponent(path.slice('/calls/'.length)) : undefined;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">Skip to content</a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">☎</span>
          <span>
            Call logging
            <small>RingCentral account {session.rcAccountId}</small>
          </span>
        </div>
        <nav className="nav" aria-label="Console">
          {PAGES.map((p) => (
            <Link key={p.path} to={p.path} current={section === p.path}>
              {p.label}
            </Link>
          ))}
        </nav>
        <div className="sidebar-foot">
          <span>
            Signed in as <strong>{session.user?.name ?? `extension ${session.user?.extensionId}`}</strong>
          </span>
          <button onClick={onSignOut}>Sign out</button>
        </div>
      </aside>
      <main className="main" id="main" tabIndex={-1}>
        <div className="content">
          {callId ? (
            <CallDetailPage id={callId} />
          ) : section === '/' ? (
            <OverviewPage />
          ) : section === '/setup' ? (
            <SetupPage />
          ) : section === '/users' ? (
            <UsersPage />
          ) : section === '/rules' ? (
            <RulesPage />
          ) : section === '/logging' ? (
            <LoggingPage />
          ) : section === '/calls' ? (
            <CallsPage />
          ) : section === '/plugins' ? (
            <PluginsPage />
          ) : (
            <p>
              This page does not exist. <Link to="/">Go to the overview</Link>.
            </p>
          )}
        </div>
      </main>
    </div>
  );
}
