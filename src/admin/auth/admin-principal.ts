import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AccountRow } from '../../accounts/account.types';

/** Who is calling an admin route: an admin extension of one RingCentral account, and that account's row. */
export interface AdminPrincipal {
  account: AccountRow;
  rcAccountId: string;
  extensionId: string;
  /** The caller's RingCentral access token (bearer or console session), for calls made as the admin; never stored. */
  rcAccessToken: string;
}

export interface AdminRequest {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
  admin?: AdminPrincipal;
}

/** The caller's account, as AdminAuthGuard put it on the request. Every admin query is scoped by it. */
export const CurrentAdmin = createParamDecorator((_data: unknown, ctx: ExecutionContext): AdminPrincipal => {
  const admin = ctx.switchToHttp().getRequest<AdminRequest>().admin;
  // The guard runs first on every admin controller; reaching here without it is a wiring mistake, not a client error.
  if (!admin) throw new Error('CurrentAdmin used on a route without AdminAuthGuard');
  return admin;
});
