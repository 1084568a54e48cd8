import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import { CrmHttpError } from './crm-http.error';

/**
 * The CRM's API keys and the middleware that checks them.
 *
 * Two header styles, because connectors differ: `Authorization: Basic base64(<key>:)` (the proxy format's default;
 * the password part is ignored and may be absent) and `X-API-Key: <key>`. Every credential a request presents must
 * be valid: a good X-API-Key does not excuse a wrong Authorization header, which would hide a connector bug.
 */
export class ApiKeyRegistry {
  private readonly keys = new Set<string>();

  add(key: string): void {
    if (!key) throw new Error('an API key must not be empty');
    this.keys.add(key);
  }

  issue(): string {
    const key = `crm_${randomBytes(16).toString('hex')}`;
    this.keys.add(key);
    return key;
  }

  /** The key is refused from now on (401), as after an admin rotates it in the CRM. */
  revoke(key: string): void {
    this.keys.delete(key);
  }

  clear(): void {
    this.keys.clear();
  }

  middleware(): RequestHandler {
    return (req, _res, next) => {
      const presented = [req.get('X-API-Key'), keyFromAuthorization(req.get('Authorization'))];
      const given = presented.filter((k): k is string | null => k !== undefined);
      if (given.length === 0 || !given.every((k) => k !== null && this.keys.has(k))) {
        throw new CrmHttpError(401, 'unauthorized', { headers: { 'WWW-Authenticate': 'Basic realm="sample-crm"' } });
      }
      next();
    };
  }
}

/** undefined: no header; null: a header that carries no usable key. */
function keyFromAuthorization(header: string | undefined): string | null | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? decoded : decoded.slice(0, colon);
}
