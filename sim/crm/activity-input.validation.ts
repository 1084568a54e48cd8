import { CrmHttpError } from './crm-http.error';
import type { ActivityInput, ActivityPatch } from './crm.store';
import type { CallDirection } from './crm.types';

// Shape checks only; whether ownerId and contactId exist is the router's business (it has the store).
// Unknown fields are rejected rather than ignored: a connector sending `description` instead of `body` should fail
// loudly in tests, not produce an activity that silently lacks its body.
// Optional fields accept null and "" as "absent" because proxy-connector templates render missing values as "".

const CREATE_FIELDS = new Set([
  'subject', 'body', 'note', 'ownerId', 'contactId', 'direction', 'startTime', 'endTime', 'duration', 'result',
  'externalId', 'recordingUrl',
]);
const PATCH_FIELDS = new Set(['subject', 'body', 'note', 'appendNote', 'duration', 'result', 'recordingUrl', 'endTime']);

type Json = Record<string, unknown>;

export function parseNewActivity(raw: unknown): ActivityInput {
  const body = asObject(raw);
  rejectUnknown(body, CREATE_FIELDS);
  return {
    subject: requiredText(body, 'subject'),
    body: text(body, 'body', { required: true, allowEmpty: true }) ?? '',
    ...(body.note !== undefined && { note: text(body, 'note', { allowEmpty: true }) ?? '' }),
    ownerId: id(body, 'ownerId') ?? missing('ownerId'),
    contactId: id(body, 'contactId'),
    direction: direction(body),
    startTime: time(body, 'startTime') ?? missing('startTime'),
    endTime: time(body, 'endTime'),
    duration: duration(body) ?? missing('duration'),
    result: requiredText(body, 'result'),
    externalId: requiredText(body, 'externalId'),
    recordingUrl: url(body, 'recordingUrl'),
  };
}

/**
 * In a patch, "" means "not given" (a proxy template with nothing to say renders ""), so an update that lacks a
 * recording link does not wipe the one already stored; `null` clears the fields that may be empty.
 */
export function parseActivityPatch(raw: unknown): ActivityPatch {
  const body = asObject(raw);
  rejectUnknown(body, PATCH_FIELDS);
  if (Object.keys(body).length === 0) throw CrmHttpError.validation('body', 'nothing to update');
  const given = (field: string): boolean => !absent(body[field]);
  const patch: ActivityPatch = {};
  if (given('subject')) patch.subject = requiredText(body, 'subject');
  if (given('body')) patch.body = requiredText(body, 'body');
  if (given('result')) patch.result = requiredText(body, 'result');
  if (given('duration')) patch.duration = duration(body) ?? missing('duration');
  if (given('appendNote')) patch.appendNote = requiredText(body, 'appendNote');
  if (body.note === null) patch.note = '';
  if (body.recordingUrl === null) patch.recordingUrl = null;
  if (body.endTime === null) patch.endTime = null;
  if (given('note')) patch.note = requiredText(body, 'note');
  if (given('recordingUrl')) patch.recordingUrl = url(body, 'recordingUrl');
  if (given('endTime')) patch.endTime = time(body, 'endTime');
  return patch;
}

function asObject(raw: unknown): Json {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw CrmHttpError.validation('body', 'expected a JSON object');
  }
  return raw as Json;
}

function rejectUnknown(body: Json, allowed: Set<string>): void {
  const extra = Object.keys(body).find((key) => !allowed.has(key));
  if (extra !== undefined) throw CrmHttpError.validation(extra, `unexpected field ${extra}`);
}

function missing(field: string): never {
  throw CrmHttpError.validation(field, `${field} is required`);
}

function absent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function text(body: Json, field: string, opts: { required?: boolean; allowEmpty?: boolean } = {}): string | null {
  const value = body[field];
  if (value === undefined || value === null) return opts.required ? missing(field) : null;
  if (typeof value !== 'string') throw CrmHttpError.validation(field, `${field} must be a string`);
  if (!opts.allowEmpty && value.trim() === '') return missing(field);
  return value;
}

function requiredText(body: Json, field: string): string {
  return text(body, field, { required: true }) ?? missing(field);
}

/** CRM ids are strings, but a template may render a numeric-looking id as a number. */
function id(body: Json, field: string): string | null {
  const value = body[field];
  if (absent(value)) return null;
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return String(value);
  throw CrmHttpError.validation(field, `${field} must be a string`);
}

function direction(body: Json): CallDirection {
  const value = body.direction;
  if (absent(value)) return missing('direction');
  if (value === 'Inbound' || value === 'Outbound') return value;
  throw CrmHttpError.validation('direction', 'direction must be Inbound or Outbound');
}

/** ISO 8601 text or epoch milliseconds (RingCentral call records use both); stored as ISO. */
function time(body: Json, field: string): string | null {
  const value = body[field];
  if (absent(value)) return null;
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw CrmHttpError.validation(field, `${field} must be an ISO date or epoch milliseconds`);
  return new Date(ms).toISOString();
}

function duration(body: Json): number | null {
  const value = body.duration;
  if (absent(value)) return null;
  const seconds = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw CrmHttpError.validation('duration', 'duration must be a non-negative number of seconds');
  }
  return seconds;
}

function url(body: Json, field: string): string | null {
  const value = body[field];
  if (absent(value)) return null;
  if (typeof value !== 'string' || !/^https?:\/\/\S+$/i.test(value)) {
    throw CrmHttpError.validation(field, `${field} must be an http(s) URL`);
  }
  return value;
}
