import type { Session } from '../App';
import { Notice } from '../ui';

const ERRORS: Record<string, string> = {
  not_configured: 'Sign-in is not configured on this service: RINGCENTRAL_CLIENT_ID is not set.',
  state: 'The sign-in took too long or was started in another window. Please sign in again.',
  denied: 'You did not allow the app to act for you at RingCentral.',
  refused: 'RingCentral did not complete the sign-in. Please try again.',
};

export function SignInPage({ configured }: { configured: boolean }) {
  const code = new URLSearchParams(window.location.search).get('signin_error');
  return (
    <div className="center">
      <main className="card signin">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" style={{ color: '#fff' }}>☎</span>
          <span>
            Call logging
            <small>for RingCentral</small>
          </span>
        </div>
        <h1>Sign in</h1>
        <p className="muted">This console is for administrators of a RingCentral account. With it you:</p>
        <ul>
          <li>connect RingCentral and your CRM,</li>
          <li>choose which calls are logged and how,</li>
          <li>see every call, and why it was or was not logged.</li>
        </ul>
        {code && (
          <div style={{ marginBottom: 14 }}>
            <Notice tone="bad"><p>{ERRORS[code] ?? 'The sign-in did not complete. Please try again.'}</p></Notice>
          </div>
        )}
        {configured ? (
          <a className="button primary" href="/console/oauth/login" style={{ width: '100%' }}>
            Sign in with RingCentral
          </a>
        ) : (
          <Notice tone="warn"><p>{ERRORS.not_configured}</p></Notice>
        )}
        <p className="muted small" style={{ marginTop: 14 }}>
          You sign in at RingCentral; this service never sees your password.
        </p>
      </main>
    </div>
  );
}

export function NotAdminPage({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  return (
    <div className="center">
      <main className="card signin">
        <h1>Administrators only</h1>
        <p>
          You are signed in as <strong>{session.user?.name ?? `extension ${session.user?.extensionId}`}</strong>, who is not an
          administrator of RingCentral account {session.rcAccountId}.
        </p>
        <p className="muted">
          Call logging is set up for the whole account, so only an account administrator can see or change it. Ask your
          RingCentral administrator to sign in here, or to give you the administrator role.
        </p>
        <button className="primary" onClick={onSignOut}>Sign out</button>
      </main>
    </div>
  );
}
