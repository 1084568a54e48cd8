import { AppError } from '../../common/errors/app-error';
import { blockedCause } from '../../common/net/outbound-guard';
import { ConnectorConfigError, ConnectorError } from '../../connectors';
import { RingCentralApiError, RingCentralAuthError, RingCentralRateLimitedError } from '../../ringcentral/ringcentral.errors';

/**
 * What an admin can act on, from a failure of the CRM or RingCentral met while serving an admin request: settings to
 * fix are a 409 naming the setting, an unreachable or failing system a 502. Anything else is rethrown as is.
 */
export function toAdminError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof ConnectorConfigError) {
    return new AppError('CONFLICT', `The connector cannot be used yet: ${error.message}`, error.path.startsWith('serverLoggingSettings.') ? error.path : `connector.config.${error.path}`);
  }
  if (error instanceof ConnectorError) {
    // Only what the service itself knows (operation, status): the CRM's body, and whether a port was closed or
    // refused, never reach the admin, so the answer cannot be used to read or map a network.
    const answered = error.status !== undefined ? ` (HTTP ${error.status})` : '';
    if (blockedCause(error)) return new AppError('CONFLICT', `The connector cannot be used: ${blockedCause(error)!.message}`, 'connector.config');
    if (error.code === 'AUTH_REVOKED') return new AppError('CONFLICT', `The CRM refused the server-logging credentials${answered}`, 'serverLoggingSettings');
    if (error.code === 'RATE_LIMITED') return new AppError('RATE_LIMITED', `The CRM is rate limiting${answered}`, undefined, { retryAfterSeconds: error.retryAfterSeconds ?? 30 });
    if (error.status !== undefined) return new AppError('UPSTREAM_FAILED', `The CRM call ${error.operation} failed: the CRM answered HTTP ${error.status}`);
    return new AppError('UPSTREAM_FAILED', `The CRM call ${error.operation} failed: the CRM could not be reached or gave no usable answer`);
  }
  if (error instanceof RingCentralAuthError) return new AppError('CONFLICT', `${error.message}; connect RingCentral again (PUT /admin/ringcentral/credentials)`, 'jwt');
  if (error instanceof RingCentralRateLimitedError) return new AppError('RATE_LIMITED', error.message, undefined, { retryAfterSeconds: error.retryAfterSeconds });
  if (error instanceof RingCentralApiError) return new AppError('UPSTREAM_FAILED', `RingCentral answered ${error.status}${error.errorCode ? ` ${error.errorCode}` : ''}`);
  return error;
}

/** Runs `fn`, turning CRM and RingCentral failures into admin-facing errors. */
export async function asAdminErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toAdminError(error);
  }
}
