import { AppError } from '../common/errors/app-error';

/** What the intake needs of a notification: whose it is and its de-duplication key. The rest is read when folding. */
export interface NotificationEnvelope {
  subscriptionId: string;
  uuid: string;
  /** `body.telephonySessionId` when it is a string (for the admin's view of the inbox; folding reads the body). */
  telephonySessionId?: string;
}

/**
 * The envelope of a RingCentral notification (WebHook body or WebSocket payload), or a 400 naming the field: only
 * what is not a notification envelope at all is refused. Everything else about the body — unknown status codes,
 * event kinds or fields, missing parts, wrong types — is accepted once the subscription is verified, and judged when
 * folding (a notification that cannot be folded is quarantined, never refused: RingCentral blacklists a subscription
 * whose deliveries fail).
 */
export function notificationEnvelope(json: unknown): NotificationEnvelope {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw AppError.validation('$', 'A notification is a JSON object');
  const root = json as Record<string, unknown>;
  const subscriptionId = root.subscriptionId;
  if (typeof subscriptionId !== 'string' || !subscriptionId) throw AppError.validation('subscriptionId', 'must be a non-empty string');
  const uuid = root.uuid;
  if (typeof uuid !== 'string' || !uuid) throw AppError.validation('uuid', 'must be a non-empty string');
  const body = root.body;
  const telephonySessionId = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).telephonySessionId : undefined;
  return { subscriptionId, uuid, ...(typeof telephonySessionId === 'string' && telephonySessionId ? { telephonySessionId } : {}) };
}
