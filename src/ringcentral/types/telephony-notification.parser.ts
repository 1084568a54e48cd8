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
  canonicalStatusCode,
} from './telephony-event.types';
import { isStorableText } from '../../common/text/storable-text';

/**
 * Account and optional extension path of a telephony-session filter, with or without a query string
 * (`?sipData=true`, `?statusCode=...`). Presence, message-store and other notifications do not match.
 */
const TELEPHONY_EVENT_PATH =
  /^\/restapi\/v1\.0\/account\/([^/?]+)(?:\/extension\/[^/?]+)?\/telephony\/sessions(?:\?.*)?$/;

/**
 * Longest id accepted (uuid, telephonySessionId, party id, ...). Real ids are under 64 characters; the bound keeps
 * every id well inside PostgreSQL's index row limit (~2.7 kB) for the keys they become (call_parties, call_logs).
 */
export const MAX_ID_LENGTH = 256;
/** Longest free-text value kept (names, numbers, reasons); a longer one is dropped as malformed. */
const MAX_TEXT_LENGTH = 1024;
/** `call_parties.last_sequence` is a PostgreSQL integer. */
const MAX_SEQUENCE = 2_147_483_647;
/** RFC 3339 / ISO 8601 date-time as RingCentral sends it (`Z` or an offset, optional fraction). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

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
 * Untrusted JSON (a stored webhook or WebSocket notification) -> a typed telephony notification, or the first field
 * that makes it unusable.
 *
 * Lenient where RingCentral may change without notice, strict only where folding cannot work:
 * - required: the ids (`uuid`, `subscriptionId`, `body.telephonySessionId`, `body.sessionId`, each party's `id`),
 *   `body.sequence`, `body.eventTime`, a non-empty `body.parties`, each party's `direction` and `status.code`;
 * - status codes are kept as they came: known ones in canonical spelling (`VoiceMail` -> `Voicemail`, docs/ringcentral.md §3.4),
 *   unknown ones verbatim (a party with an unknown code is simply not ended);
 * - optional fields of the wrong type, or of absurd length, are dropped as if absent; missing `from`/`to` become
 *   `{}`, missing booleans `false`; unknown fields are dropped (the raw body stays in the inbox).
 * A party without `accountId` gets the account of the `event` path. PubNub/APNS-wrapped payloads (`pn_apns`, the
 * 2018 lab samples) are rejected: neither WebHook nor WebSocket delivery produces them.
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
  const event = string(root.event, 'event', 4096);
  const path = TELEPHONY_EVENT_PATH.exec(event);
  if (!path) throw new ParseFailure('event', `not a telephony-session event path: ${event.slice(0, 200)}`);
  return {
    uuid: string(root.uuid, 'uuid', MAX_ID_LENGTH),
    event,
    ...defined('timestamp', lenient(() => isoTime(root.timestamp, 'timestamp'))),
    subscriptionId: string(root.subscriptionId, 'subscriptionId', MAX_ID_LENGTH),
    ...defined('ownerId', lenient(() => id(root.ownerId, 'ownerId'))),
    body: parseBody(root.body, path[1]),
  };
}

function parseBody(value: unknown, pathAccountId: string): TelephonySessionEventBody {
  const body = object(value, 'body');
  const sequence = body.sequence;
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0 || sequence > MAX_SEQUENCE) {
    throw new ParseFailure('body.sequence', `must be an integer from 0 to ${MAX_SEQUENCE}`);
  }
  const parties = body.parties;
  if (!Array.isArray(parties) || parties.length === 0) {
    throw new ParseFailure('body.parties', 'must be a non-empty array');
  }
  const originType = lenient(() => optionalText(optionalObject(body.origin, 'body.origin')?.type, 'body.origin.type'));
  return {
    sequence,
    sessionId: id(body.sessionId, 'body.sessionId'),
    telephonySessionId: id(body.telephonySessionId, 'body.telephonySessionId'),
    ...defined('serverId', lenient(() => optionalText(body.serverId, 'body.serverId'))),
    eventTime: isoTime(body.eventTime, 'body.eventTime'),
    ...(originType !== undefined ? { origin: { type: originType } } : {}),
    parties: parties.map((party, i) => parseParty(party, `body.parties[${i}]`, pathAccountId)),
  };
}

function parseParty(value: unknown, at: string, pathAccountId: string): TelephonyParty {
  const party = object(value, at);
  const direction = party.direction;
  if (direction !== 'Inbound' && direction !== 'Outbound') {
    throw new ParseFailure(`${at}.direction`, 'must be Inbound or Outbound');
  }
  const park = lenient(() => optionalObject(party.park, `${at}.park`));
  const parkId = park && lenient(() => optionalId(park.id, `${at}.park.id`));
  return {
    id: id(party.id, `${at}.id`),
    accountId: absent(party.accountId) ? pathAccountId : id(party.accountId, `${at}.accountId`),
    // Who the party is decides whether it is an agent's leg: a malformed extensionId is not guessed away.
    ...defined('extensionId', optionalId(party.extensionId, `${at}.extensionId`)),
    direction: direction satisfies PartyDirection,
    from: parseEndpoint(party.from, `${at}.from`),
    to: parseEndpoint(party.to, `${at}.to`),
    status: parseStatus(party.status, `${at}.status`),
    missedCall: lenient(() => optionalBoolean(party.missedCall, `${at}.missedCall`)) ?? false,
    ...defined('queueCall', lenient(() => optionalBoolean(party.queueCall, `${at}.queueCall`))),
    standAlone: lenient(() => optionalBoolean(party.standAlone, `${at}.standAlone`)) ?? false,
    muted: lenient(() => optionalBoolean(party.muted, `${at}.muted`)) ?? false,
    ...(park ? { park: { ...defined('id', parkId) } } : {}),
    ...defined('recordings', parseRecordings(party.recordings)),
    ...defined('conferenceRole', lenient(() => optionalText(party.conferenceRole, `${at}.conferenceRole`))),
    ...defined('ringOutRole', lenient(() => optionalText(party.ringOutRole, `${at}.ringOutRole`))),
    ...defined('ringMeRole', lenient(() => optionalText(party.ringMeRole, `${at}.ringMeRole`))),
    ...defined('uiCallInfo', parseUiCallInfo(party.uiCallInfo)),
    ...defined('sipData', lenient(() => optionalObject(party.sipData, `${at}.sipData`))),
  };
}

function parseEndpoint(value: unknown, at: string): TelephonyPartyEndpoint {
  const endpoint = lenient(() => optionalObject(value, at)) ?? {};
  return {
    ...defined('phoneNumber', lenient(() => optionalText(endpoint.phoneNumber, `${at}.phoneNumber`))),
    ...defined('name', lenient(() => optionalText(endpoint.name, `${at}.name`))),
    ...defined('extensionId', lenient(() => optionalId(endpoint.extensionId, `${at}.extensionId`))),
    ...defined('deviceId', lenient(() => optionalId(endpoint.deviceId, `${at}.deviceId`))),
  };
}

function parseStatus(value: unknown, at: string): TelephonyPartyStatus {
  const status = object(value, at);
  const code = canonicalStatusCode(string(status.code, `${at}.code`, MAX_ID_LENGTH));
  const peer = lenient(() => optionalObject(status.peerId, `${at}.peerId`));
  const peerId: TelephonyPeerId | undefined = peer && {
    ...defined('sessionId', lenient(() => optionalId(peer.sessionId, `${at}.peerId.sessionId`))),
    ...defined('telephonySessionId', lenient(() => optionalId(peer.telephonySessionId, `${at}.peerId.telephonySessionId`))),
    ...defined('partyId', lenient(() => optionalId(peer.partyId, `${at}.peerId.partyId`))),
  };
  return {
    code,
    ...defined('reason', lenient(() => optionalText(status.reason, `${at}.reason`))),
    ...defined('description', lenient(() => optionalText(status.description, `${at}.description`))),
    ...defined('rcc', lenient(() => optionalBoolean(status.rcc, `${at}.rcc`))),
    ...defined('peerId', peerId),
    ...defined('parkData', lenient(() => optionalObject(status.parkData, `${at}.parkData`))),
    ...defined('mobilePickupData', lenient(() => optionalObject(status.mobilePickupData, `${at}.mobilePickupData`))),
  };
}

/** Recordings only matter as "was it recorded": malformed entries are dropped, a malformed list counts as none. */
function parseRecordings(value: unknown): TelephonyRecording[] | undefined {
  if (absent(value) || !Array.isArray(value)) return undefined;
  return value.flatMap((item) => {
    const recording = lenient(() => object(item, 'recording'));
    const recordingId = recording && lenient(() => id(recording.id, 'recording.id'));
    if (!recording || recordingId === undefined) return [];
    return [{ id: recordingId, active: lenient(() => optionalBoolean(recording.active, 'recording.active')) ?? false }];
  });
}

function parseUiCallInfo(value: unknown): TelephonyUiCallInfo | undefined {
  const info = lenient(() => optionalObject(value, 'uiCallInfo'));
  if (!info) return undefined;
  const part = (v: unknown) => {
    const o = lenient(() => optionalObject(v, 'part'));
    if (!o) return undefined;
    return { ...defined('type', lenient(() => optionalText(o.type, 'type'))), ...defined('value', lenient(() => optionalText(o.value, 'value'))) };
  };
  return { ...defined('primary', part(info.primary)), ...defined('additional', part(info.additional)) };
}

/** The value `read` gives, or undefined when it finds the field malformed: for fields folding can do without. */
function lenient<T>(read: () => T | undefined): T | undefined {
  try {
    return read();
  } catch (failure) {
    if (failure instanceof ParseFailure) return undefined;
    throw failure;
  }
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

function string(value: unknown, at: string, maxLength: number): string {
  if (typeof value !== 'string' || value.length === 0) throw new ParseFailure(at, 'must be a non-empty string');
  if (value.length > maxLength) throw new ParseFailure(at, `is ${value.length} characters long (at most ${maxLength})`);
  if (!isStorableText(value)) throw new ParseFailure(at, 'holds \\u0000 or a lone surrogate');
  return value;
}

function optionalText(value: unknown, at: string): string | undefined {
  if (absent(value)) return undefined;
  if (typeof value !== 'string') throw new ParseFailure(at, 'must be a string');
  return value === '' ? value : string(value, at, MAX_TEXT_LENGTH);
}

/** Ids are strings in telephony events, but older payloads carry some as numbers; both become strings. */
function id(value: unknown, at: string): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return string(value, at, MAX_ID_LENGTH);
}

function optionalId(value: unknown, at: string): string | undefined {
  return absent(value) ? undefined : id(value, at);
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
  const text = string(value, at, 64);
  if (!ISO_DATE_TIME.test(text) || Number.isNaN(Date.parse(text))) throw new ParseFailure(at, 'must be an ISO 8601 date-time');
  return text;
}

/** `{key: value}` when value is defined, `{}` otherwise: keeps optional properties absent rather than undefined. */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
