import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { AccountsRepository } from '../../accounts/accounts.repository';
import { CryptoService } from '../../common/crypto/crypto.service';
import { AppError } from '../../common/errors/app-error';
import { RingCentralClient, type RingCentralExtensionInfo } from '../../ringcentral/ringcentral.client';
import { AdminTokenCache } from './admin-token.cache';
import type { AdminRequest } from './admin-principal';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Every /admin route: `Authorization: Bearer <RingCentral access token>`. RingCentral says whose token it is
 * (GET /restapi/v1.0/account/~/extension/~, cached a minute); only an extension with admin permission passes, and
 * the request then acts on that extension's account only.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly logger = new Logger(AdminAuthGuard.name);

  constructor(
    private readonly rc: RingCentralClient,
    private readonly cache: AdminTokenCache,
    private readonly accounts: AccountsRepository,
    private readonly crypto: CryptoService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AdminRequest>();
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw new AppError('UNAUTHORIZED', 'Send "Authorization: Bearer <RingCentral access token>" of an account admin');
    const extension = await this.whoIs(token);
    if (!extension) throw new AppError('UNAUTHORIZED', 'RingCentral does not accept this access token (expired or revoked?)');
    const rcAccountId = String(extension.account?.id ?? '');
    if (!rcAccountId) throw new AppError('UNAUTHORIZED', 'RingCentral did not say which account this token belongs to');
    if (extension.permissions?.admin?.enabled !== true) {
      throw new AppError('FORBIDDEN', 'Only a RingCentral account administrator can use the admin API');
    }
    const account = (await this.accounts.findByRcAccountId(rcAccountId)) ?? (await this.accounts.findOrCreate(rcAccountId, this.crypto.hashId(rcAccountId)));
    request.admin = { account, rcAccountId, extensionId: String(extension.id) };
    return true;
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
