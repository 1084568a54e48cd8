import { Injectable } from '@nestjs/common';
import type { AppConnectTokenSink } from '../connectors/app-connect/app-connect-token.sink';
import { AccountsRepository } from './accounts.repository';

/** Keeps the App Connect JWT that a connector server rotated (x-refreshed-jwt-token) in the account's encrypted config. */
@Injectable()
export class AppConnectTokenStore implements AppConnectTokenSink {
  constructor(private readonly accounts: AccountsRepository) {}

  async save(rcAccountId: string, jwt: string): Promise<void> {
    await this.accounts.setConnectorConfigValue(rcAccountId, 'app-connect', 'jwtToken', jwt);
  }
}
