import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';

/** The token set RingCentral's token endpoint answers with (RFC 6749 §5.1 plus RingCentral's fields). */
export interface OAuthTokenSet {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
  owner_id?: string;
}

export class OAuthGrantError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The three OAuth calls of the console's "Sign in with RingCentral" (authorization code + PKCE, RFC 7636), sent
 * with the app's client credentials in Basic auth as RingCentral's token endpoint wants for a confidential app.
 */
@Injectable()
export class RingCentralOAuthClient {
  constructor(private readonly config: ConfigService<AppConfig, true>) {}

  get server(): string {
    return this.config.get('ringcentral', { infer: true }).server;
  }

  get clientId(): string {
    return this.config.get('ringcentral', { infer: true }).clientId;
  }

  get redirectUri(): string {
    return `${this.config.get('app', { infer: true }).publicBaseUrl}/console/oauth/callback`;
  }

  authorizeUrl(state: string, codeChallenge: string): string {
    const url = new URL(`${this.server}/restapi/oauth/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.clientId,
      redirect_uri: this.redirectUri,
      state,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  }

  exchangeCode(code: string, codeVerifier: string): Promise<OAuthTokenSet> {
    return this.tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: this.redirectUri, code_verifier: codeVerifier });
  }

  refresh(refreshToken: string): Promise<OAuthTokenSet> {
    return this.tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** Revoking either token ends the whole RingCentral session; an unknown token is not an error there. */
  async revoke(token: string): Promise<void> {
    const res = await fetch(`${this.server}/restapi/oauth/revoke`, {
      method: 'POST',
      headers: this.headers(),
      body: new URLSearchParams({ token }).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new OAuthGrantError(res.status, `RingCentral answered ${res.status} to the revoke`);
  }

  private async tokenRequest(form: Record<string, string>): Promise<OAuthTokenSet> {
    const res = await fetch(`${this.server}/restapi/oauth/token`, {
      method: 'POST',
      headers: this.headers(),
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json().catch(() => ({}))) as Partial<OAuthTokenSet> & { error?: string; error_description?: string };
    if (!res.ok || !body.access_token || !body.refresh_token) {
      throw new OAuthGrantError(res.status, `RingCentral refused the ${form.grant_type} grant: ${body.error_description ?? body.error ?? res.status}`);
    }
    return body as OAuthTokenSet;
  }

  private headers(): Record<string, string> {
    const { clientId, clientSecret } = this.config.get('ringcentral', { infer: true });
    return {
      Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    };
  }
}
