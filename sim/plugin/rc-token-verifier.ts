/**
 * A `verifyRcToken` for startPluginServer that does what the template's registration does: asks RingCentral (or the
 * simulator in sim/ringcentral) who owns the access token, via `GET /restapi/v1.0/account/~/extension/~`, and
 * returns the owner's account. Any non-2xx answer rejects the token.
 */
export function ringCentralTokenVerifier(serverUrl: string, timeoutMs = 10_000): (rcAccessToken: string) => Promise<{ accountId: string } | undefined> {
  const endpoint = `${serverUrl.replace(/\/+$/, '')}/restapi/v1.0/account/~/extension/~`;
  return async (rcAccessToken) => {
    const res = await fetch(endpoint, { headers: { Authorization: `Bearer ${rcAccessToken}` }, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { account?: { id?: unknown } };
    const id = body.account?.id;
    return typeof id === 'string' || typeof id === 'number' ? { accountId: String(id) } : undefined;
  };
}
