import { parseInstant } from '../../common/http/strict-instant';

/** Position after the last item of a page: its call_ended_at (microsecond text, UTC) and id. */
export interface CallLogCursor {
  endedAt: string;
  id: string;
}

const ENDED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opaque to clients: base64url of `[endedAt, id]`. */
export function encodeCursor(cursor: CallLogCursor): string {
  return Buffer.from(JSON.stringify([cursor.endedAt, cursor.id]), 'utf8').toString('base64url');
}

/** Undefined when `value` is not a cursor this service made. */
export function decodeCursor(value: string): CallLogCursor | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [endedAt, id] = parsed as unknown[];
    if (typeof endedAt !== 'string' || typeof id !== 'string' || !ENDED_AT.test(endedAt) || !parseInstant(endedAt) || !UUID.test(id)) return undefined;
    return { endedAt, id };
  } catch {
    return undefined;
  }
}
