import type { RingCentralSim } from '../../sim/ringcentral';

/** The `name=value` pair of a Set-Cookie line for `name`, or undefined. */
export function cookiePair(headers: Headers, name: string): string | undefined {
  for (const line of headers.getSetCookie()) {
    const pair = line.split(';')[0]!;
    if (pair.startsWith(`${name}=`)) return pair;
  }
  return undefined;
}

/**
 * Signs in to the console over plain HTTP as a browser would, picking `extensionId` on the simulator's sign-in page:
 * GET /console/oauth/login → the simulator's authorize → its POST → the service's callback. Returns the session
 * cookie (`name=value`) and the CSRF token from GET /console/session.
 */
export async function consoleSignIn(serviceUrl: string, sim: RingCentralSim, accountId: string, extensionId: string): Promise<{ cookie: string; csrfToken: string; session: any }> {
  const login = await fetch(`${serviceUrl}/console/oauth/login`, { redirect: 'manual' });
  if (login.status !== 302) throw new Error(`login answered ${login.status}`);
  const loginCookie = cookiePair(login.headers, 'sscl_console_login')!;
  const authorize = new URL(login.headers.get('location')!);
  const picked = await fetch(`${sim.url}/restapi/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...Object.fromEntries(authorize.searchParams), account_id: accountId, extension_id: extensionId }).toString(),
  });
  const callback = picked.headers.get('location')!;
  const done = await fetch(callback, { redirect: 'manual', headers: { Cookie: loginCookie } });
  const cookie = cookiePair(done.headers, 'sscl_console');
  if (!cookie) throw new Error(`callback answered ${done.status} to ${done.headers.get('location')} without a session cookie`);
  const session = (await (await fetch(`${serviceUrl}/console/session`, { headers: { Cookie: cookie } })).json()) as any;
  return { cookie, csrfToken: session.csrfToken, session };
}
