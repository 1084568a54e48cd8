import {
  type PartyDirection,
  type TelephonyNotification,
  type TelephonyNotificationParseError,
  type TelephonyParty,
  type TelephonyPartyEndpoint,
  type TelephonyPartyStatus,
  type TelephonyPeerId,
  type TelephonyRecording,
  type TelephonySessionEventBody,
  type TelephonyUiCallInfo,
  normalizeStatusCode,
} from './telephony-event.types';

/**
 * Account and optional extension path of a telephony-session filter, with or without a query string
 * (`?sipData=true`, `?statusCode=...`). Presence, message-store and other notifications do not match.
 */
const TELEPHONY_EVENT_PATH =
  /^\/restapi\/v1\.0\/account\/([^/?]+)(?:\/extension\/[^/?]+)?\/telephony\/sessions(?:\?.*)?$/;

type Json = Record<string, unknown>;

class ParseFailure extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * Untrusted JSON (a webhook body or a WebSocket notification payload) -> a typed telephony notification, or the
 * first field that makes it unusable.
 *
 * Policy: reject what folding cannot work without (ids, sequence, eventTime, direction, a known status code);
 * tolerate what it does not need (missing `from`/`to` become `{}`, missing booleans become `false`) and drop unknown
 * fields (the raw body is stored elsewhere). Status codes are matched case-insensitively and returned in canonical
 * spelling (`VoiceMail` -> `Voicemail`, notes §3.4). A party without `accountId` gets the account of the `event`
 * path. PubNub/APNS-wrapped payloads (`pn_apns`, the 2018 lab samples) are rejected: neither WebHook nor WebSocket
 * delivery produces them, and their inner body carries lab-only fields.
 */
export function parseTelephonyNotification(json: unknown): TelephonyNotification | TelephonyNotificationParseError {
  try {
    return parseEnvelope(json);
  } catch (failure) {
    if (failure instanceof ParseFailure) return { error: failure.message, field: failure.field };
    throw failure;
  }
}

export function isTelephonyNotificationParseError(
  value: TelephonyNotification | TelephonyNotificationParseError,
): value is TelephonyNotificationParseError {
  return 'error' in value;
}

function parseEnvelope(json: unknown): TelephonyNotification {
  const root = object(json, '$');
  if ('pn_apns' in root && !('event' in root)) {
    throw new ParseFailure('pn_apns', 'PubNub/APNS-wrapped payload; only WebHook/WebSocket envelopes are accepted');
  }
  const event = string(root.event, 'event');
  const path = TELEPHONY_EVENT_PATH.exec(event);
  if (!path) throw new ParseFailure('event', `not a telephony-session event path: ${event}`);
  return {
    uuid: string(root.uuid, 'uuid'),
    event,
    timestamp: isoTime(root.timestamp, 'timestamp'),
    subscriptionId: string(root.subscriptionId, 'subscriptionId'),
    ownerId: string(root.ownerId, 'ownerId'),
    body: parseBody(root.body, path[1]),
  };
}

function parseBody(value: unknown, pathAccountId: string): TelephonySessionEventBody {
  const body = object(value, 'body');
  const sequence = body.sequence;
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0) {
    throw new ParseFailure('body.sequence', 'must be a non-negative integer');
  }
  const parties = body.parties;
  if (!Array.isArray(parties) || parties.length === 0) {
    throw new ParseFailure('body.parties', 'must be a non-empty array');
  }
  const origin = optionalObject(body.origin, 'body.origin');
  return {
    sequence,
    sessionId: idString(body.sessionId, 'body.sessionId'),
    telephonySessionId: string(body.telephonySessionId, 'body.telephonySessionId'),
    ...defined('serverId', optionalString(body.serverId, 'body.serverId')),
    eventTime: isoTime(body.eventTime, 'body.eventTime'),
    ...(origin ? { origin: { type: string(origin.type, 'body.origin.type') } } : {}),
    parties: parties.map((party, i) => parseParty(party, `body.parties[${i}]`, pathAccountId)),
  };
}

function parseParty(value: unknown, at: string, pathAccountId: string): TelephonyParty {
  const party = object(value, at);
  const direction = party.direction;
  if (direction !== 'Inbound' && direction !== 'Outbound') {
    throw new ParseFailure(`${at}.direction`, 'must be Inbound or Outbound');
  }
  const park = optionalObject(party.park, `${at}.park`);
  return {
    id: string(party.id, `${at}.id`),
    accountId: absent(party.accountId) ? pathAccountId : idString(party.accountId, `${at}.accountId`),
    ...defined('extensionId', optionalIdString(party.extensionId, `${at}.extensionId`)),
    direction: direction satisfies PartyDirection,
    from: parseEndpoint(party.from, `${at}.from`),
    to: parseEndpoint(party.to, `${at}.to`),
    status: parseStatus(party.status, `${at}.status`),
    missedCall: optionalBoolean(party.missedCall, `${at}.missedCall`) ?? false,
    ...defined('queueCall', optionalBoolean(party.queueCall, `${at}.queueCall`)),
    standAlone: optionalBoolean(party.standAlone, `${at}.standAlone`) ?? false,
    muted: optionalBoolean(party.muted, `${at}.muted`) ?? false,
    ...(park ? { park: { ...defined('id', optionalIdString(park.id, `${at}.park.id`)) } } : {}),
    ...defined('recordings', parseRecordings(party.recordings, `${at}.recordings`)),
    ...defined('conferenceRole', optionalString(party.conferenceRole, `${at}.conferenceRole`)),
    ...defined('ringOutRole', optionalString(party.ringOutRole, `${at}.ringOutRole`)),
    ...defined('ringMeRole', optionalString(party.ringMeRole, `${at}.ringMeRole`)),
    ...defined('uiCallInfo', optionalObject(party.uiCallInfo, `${at}.uiCallInfo`) as TelephonyUiCallInfo | undefined),
    ...defined('sipData', optionalObject(party.sipData, `${at}.sipData`)),
  };
}

function parseEndpoint(value: unknown, at: string): TelephonyPartyEndpoint {
  const endpoint = optionalObject(value, at) ?? {};
  return {
    ...defined('phoneNumber', optionalString(endpoint.phoneNumber, `${at}.phoneNumber`)),
    ...defined('name', optionalString(endpoint.name, `${at}.name`)),
    ...defined('extensionId', optionalIdString(endpoint.extensionId, `${at}.extensionId`)),
    ...defined('deviceId', optionalIdString(endpoint.deviceId, `${at}.deviceId`)),
  };
}

function parseStatus(value: unknown, at: string): TelephonyPartyStatus {
  const status = object(value, at);
  const rawCode = string(status.code, `${at}.code`);
  const code = normalizeStatusCode(rawCode);
  if (!code) throw new ParseFailure(`${at}.code`, `unknown status code: ${rawCode}`);
  const peer = optionalObject(status.peerId, `${at}.peerId`);
  const peerId: TelephonyPeerId | undefined = peer && {
    ...defined('sessionId', optionalIdString(peer.sessionId, `${at}.peerId.sessionId`)),
    ...defined('telephonySessionId', optionalString(peer.telephonySessionId, `${at}.peerId.telephonySessionId`)),
    ...defined('partyId', optionalString(peer.partyId, `${at}.peerId.partyId`)),
  };
  return {
    code,
    ...defined('reason', optionalString(status.reason, `${at}.reason`)),
    ...defined('description', optionalString(status.description, `${at}.description`)),
    ...defined('rcc', optionalBoolean(status.rcc, `${at}.rcc`)),
    ...defined('peerId', peerId),
    ...defined('parkData', optionalObject(status.parkData, `${at}.parkData`)),
    ...defined('mobilePickupData', optionalObject(status.mobilePickupData, `${at}.mobilePickupData`)),
  };
}

function parseRecordings(value: unknown, at: string): TelephonyRecording[] | undefined {
  if (absent(value)) return undefined;
  if (!Array.isArray(value)) throw new ParseFailure(at, 'must be an array');
  return value.map((item, i) => {
    const recording = object(item, `${at}[${i}]`);
    return {
      id: idString(recording.id, `${at}[${i}].id`),
      active: optionalBoolean(recording.active, `${at}[${i}].active`) ?? false,
    };
  });
}

function object(value: unknown, at: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ParseFailure(at, 'must be an object');
  }
  return value as Json;
}

function optionalObject(value: unknown, at: string): Json | undefined {
  return absent(value) ? undefined : object(value, at);
}

function string(value: unknown, at: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ParseFailure(at, 'must be a non-empty string');
  return value;
}

function optionalString(value: unknown, at: string): string | undefined {
  if (absent(value)) return undefined;
  if (typeof value !== 'string') throw new ParseFailure(at, 'must be a string');
  return value;
}

/** Ids are strings in telephony events, but older payloads carry some as numbers; both become strings. */
function idString(value: unknown, at: string): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return string(value, at);
}

function optionalIdString(value: unknown, at: string): string | undefined {
  return absent(value) ? undefined : idString(value, at);
}

function optionalBoolean(value: unknown, at: string): boolean | undefined {
  if (absent(value)) return undefined;
  if (typeof value !== 'boolean') throw new ParseFailure(at, 'must be a boolean');
  return value;
}

/** An optional field sent as `null` counts as not sent. */
function absent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

function isoTime(value: unknown, at: string): string {
  const text = string(value, at);
  if (Number.isNaN(Date.parse(text))) throw new ParseFailure(at, 'must be an ISO 8601 date-time');
  return text;
}

/** `{key: value}` when value is defined, `{}` otherwise: keeps optional properties absent rather than undefined. */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
