import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { AccountsRepository } from '../../accounts/accounts.repository';
import { CryptoService } from '../../common/crypto/crypto.service';
import { AppError } from '../../common/errors/app-error';
import { CSRF_HEADER, readCookie, SESSION_COOKIE } from '../../console/console-cookies';
import { ConsoleSessionService } from '../../console/console-session.service';
import { RingCentralClient, type RingCentralExtensionInfo } from '../../ringcentral/ringcentral.client';
import { AdminTokenCache } from './admin-token.cache';
import type { AdminRequest } from './admin-principal';

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every /admin route: `Authorization: Bearer <RingCentral access token>`, or the admin console's session cookie,
 * which stands for the RingCentral token kept on the server. Either way RingCentral says whose token it is
 * (GET /restapi/v1.0/account/~/extension/~, cached a minute); only an extension with admin permission passes, and
 * the request then acts on that extension's account only. A cookie is sent by the browser on its own, so a change
 * made with one must also carry the session's CSRF token in `X-CSRF-Token` (a bearer header cannot be forged
 * cross-site and needs none).
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly logger = new Logger(AdminAuthGuard.name);

  constructor(
    private readonly rc: RingCentralClient,
    private readonly cache: AdminTokenCache,
    private readonly accounts: AccountsRepository,
    private readonly crypto: CryptoService,
    private readonly sessions: ConsoleSessionService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AdminRequest>();
    const token = await this.tokenOf(request);
    const extension = await this.whoIs(token);
    if (!extension) throw new AppError('UNAUTHORIZED', 'RingCentral does not accept this access token (expired or revoked?)');
    const rcAccountId = String(extension.account?.id ?? '');
    if (!rcAccountId) throw new AppError('UNAUTHORIZED', 'RingCentral did not say which account this token belongs to');
    if (extension.permissions?.admin?.enabled !== true) {
      throw new AppError('FORBIDDEN', 'Only a RingCentral account administrator can use the admin API');
    }
    const account = (await this.accounts.findByRcAccountId(rcAccountId)) ?? (await this.accounts.findOrCreate(rcAccountId, this.crypto.hashId(rcAccountId)));
    request.admin = { account, rcAccountId, extensionId: String(extension.id), rcAccessToken: token };
    return true;
  }

  /** The RingCentral access token of the request: its bearer header, else its console session's. */
  private async tokenOf(request: AdminRequest): Promise<string> {
    const header = request.headers.authorization;
    const bearer = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (bearer) return bearer;
    const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (!cookie) throw new AppError('UNAUTHORIZED', 'Send "Authorization: Bearer <RingCentral access token>" of an account admin, or sign in to the console');
    if (!SAFE_METHODS.has((request.method ?? 'GET').toUpperCase())) {
      const csrf = request.headers[CSRF_HEADER];
      if (!this.sessions.csrfMatches(cookie, typeof csrf === 'string' ? csrf : undefined)) {
        throw new AppError('FORBIDDEN', `A change made with the console session needs its CSRF token (GET /console/session) in the ${CSRF_HEADER} header`);
      }
    }
    const session = await this.sessions.resolve(cookie);
    if (!session) throw new AppError('UNAUTHORIZED', 'The console session has ended; sign in again');
    return session.accessToken;
  }

  private async whoIs(token: string): Promise<RingCentralExtensionInfo | undefined> {
    const cached = this.cache.get(token);
    if (cached) return cached;
    let extension: RingCentralExtensionInfo | undefined;
    try {
      extension = await this.rc.whoAmI(token);
    } catch (error) {
      this.logger.warn({ err: error }, 'RingCentral token lookup failed');
      throw new AppError('UPSTREAM_FAILED', 'Could not check the access token with RingCentral; try again');
    }
    // Only valid tokens are cached: a token that becomes valid never does, and a rejected one costs RingCentral a call.
    if (extension) this.cache.set(token, extension);
    return extension;
  }
}
