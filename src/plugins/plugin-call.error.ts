/**
 * A plugin endpoint that did not answer usefully. `kind` is what went wrong at the HTTP level; messages name the
 * operation and the status, never a token, URL query or body (plugin answers can echo call data).
 */
export type PluginCallErrorKind = 'timeout' | 'network' | 'http' | 'bad-response';

export class PluginCallError extends Error {
  constructor(
    readonly kind: PluginCallErrorKind,
    message: string,
    readonly status?: number,
    /** A rotated token the failing answer still carried (it is kept: the plugin may already have revoked the old one). */
    readonly refreshedToken?: string,
  ) {
    super(message);
    this.name = 'PluginCallError';
  }
}
