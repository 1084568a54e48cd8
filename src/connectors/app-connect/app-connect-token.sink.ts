/**
 * Where the app-connect connector hands a rotated App Connect JWT. App Connect answers any request whose JWT expires
 * within 7 days with a fresh one in `x-refreshed-jwt-token` (tokens live 2 weeks); the caller must keep it or the
 * account stops working when the old one expires. Connectors are stateless, so the connector passes the new token
 * here and the service stores it as the account's `jwtToken` in its connector config.
 *
 * Provide it from a global module (like CONNECTOR_HTTP_OPTIONS):
 *   { provide: APP_CONNECT_TOKEN_SINK, useClass: AccountJwtTokenSink }
 * Without a provider tokens are dropped (NOOP_APP_CONNECT_TOKEN_SINK) and the account pauses with a
 * ConnectorConfigError on `jwtToken` once its JWT has expired.
 */
export interface AppConnectTokenSink {
  /**
   * Persist `jwt` as the connector config's `jwtToken` of the account whose raw RingCentral account id is
   * `accountId` (ConnectorContext.accountId). May be called more than once with different tokens while the old
   * one is near expiry; the latest call wins. A rejection is logged and otherwise ignored: the CRM call succeeded,
   * and App Connect sends a new token again on the next request.
   */
  save(accountId: string, jwt: string): Promise<void>;
}

export const APP_CONNECT_TOKEN_SINK = Symbol('APP_CONNECT_TOKEN_SINK');

export const NOOP_APP_CONNECT_TOKEN_SINK: AppConnectTokenSink = {
  save: async () => undefined,
};
