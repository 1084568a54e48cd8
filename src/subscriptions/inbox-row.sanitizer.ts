import { createHash } from 'node:crypto';
import { isStorableText, toStorableText, truncateText } from '../common/text/storable-text';
import { MAX_ID_LENGTH } from '../ringcentral/types';

/** Deeper than any RingCentral notification (about 6 levels) by far: a body nested deeper is kept as text and quarantined. */
export const MAX_JSON_DEPTH = 64;
/** How much of an unstorable body's text is kept for the admin to look at. */
const KEPT_TEXT = 16 * 1024;

/** An inbox row as it is written: every value in a form PostgreSQL can hold, here and in the tables the fold writes. */
export interface StorableInboxRow {
  uuid: string;
  telephonySessionId: string | null;
  /** JSON text. */
  payloadJson: string;
  /** Why the stored row is not the notification as received; such a row is quarantined when folded. */
  intakeProblem: string | null;
}

/**
 * Makes a verified notification storable, whatever it holds: the notification is always acknowledged and stored
 * (ARCHITECTURE.md §8), so what PostgreSQL cannot hold is changed here instead of failing the batch insert it joins, or
 * later the fold, which writes the notification's strings into text and jsonb columns:
 * - U+0000 or lone surrogates in any string (key or value): replaced by U+FFFD (text and jsonb refuse them);
 * - nesting deeper than MAX_JSON_DEPTH, or text that is not JSON: kept as a JSON string (the first 16 KiB);
 * - a uuid longer than MAX_ID_LENGTH or holding such characters: replaced by `sha256:<hex>` of it (the unique index
 *   on uuid has a row size limit); redeliveries of the same body still dedupe.
 * Each change is named in `intakeProblem`, so the fold quarantines the row with that reason rather than folding an
 * altered notification. `parsed` is the body already parsed (the webhook has it); otherwise the text is parsed here.
 */
export function toStorableInboxRow(item: { uuid: string; telephonySessionId?: string; payloadJson: string; payload?: unknown }): StorableInboxRow {
  const problems: string[] = [];
  const uuid = storableKey(item.uuid, 'uuid', problems);
  const telephonySessionId = item.telephonySessionId === undefined ? null : storableKey(item.telephonySessionId, 'body.telephonySessionId', []);
  let value = item.payload;
  if (value === undefined) {
    try {
      value = JSON.parse(item.payloadJson) as unknown;
    } catch {
      problems.push('the body is not JSON');
      return { uuid, telephonySessionId, payloadJson: keptText(item.payloadJson), intakeProblem: problems.join('; ') };
    }
  }
  // A string can hold U+0000 or a lone surrogate only through a \u escape or the raw character in the text.
  const textStorable = isStorableText(item.payloadJson);
  const scan = scanJson(value, !textStorable || item.payloadJson.includes('\\u'));
  let payloadJson = item.payloadJson;
  if (scan.depth > MAX_JSON_DEPTH) {
    problems.push(`the body is nested more than ${MAX_JSON_DEPTH} levels deep`);
    payloadJson = keptText(item.payloadJson);
  } else if (scan.unstorableStrings || scan.nonFiniteNumbers) {
    if (scan.unstorableStrings) problems.push(`${scan.unstorableStrings} string(s) held \\u0000 or a lone surrogate (stored as U+FFFD)`);
    if (scan.nonFiniteNumbers) problems.push(`${scan.nonFiniteNumbers} number(s) out of range (stored as null)`);
    payloadJson = JSON.stringify(storableCopy(value));
  } else if (!textStorable) {
    // Only outside strings can this happen (JSON allows no raw U+0000 inside one): re-serialise what was parsed.
    payloadJson = JSON.stringify(value);
  }
  return { uuid, telephonySessionId, payloadJson, intakeProblem: problems.length ? problems.join('; ') : null };
}

/** The row stored when even the sanitised form was refused by PostgreSQL: the text only, as a JSON string. */
export function fallbackInboxRow(row: StorableInboxRow, original: string, reason: string): StorableInboxRow {
  const problem = [row.intakeProblem, `PostgreSQL refused the body (${truncateText(reason, 200)})`].filter(Boolean).join('; ');
  return { ...row, payloadJson: keptText(original), intakeProblem: problem };
}

function storableKey(value: string, field: string, problems: string[]): string {
  if (value.length <= MAX_ID_LENGTH && isStorableText(value)) return value;
  problems.push(
    value.length > MAX_ID_LENGTH
      ? `${field} is ${value.length} characters long (at most ${MAX_ID_LENGTH}): stored as its SHA-256`
      : `${field} holds \\u0000 or a lone surrogate: stored as its SHA-256`,
  );
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

function keptText(text: string): string {
  return JSON.stringify({ unparsedBody: toStorableText(truncateText(text, KEPT_TEXT)) });
}

interface Scan {
  depth: number;
  unstorableStrings: number;
  nonFiniteNumbers: number;
}

/**
 * Depth and unstorable values of parsed JSON (strings only when `strings`), without recursion (a hostile body may be
 * nested 20,000 levels).
 */
function scanJson(root: unknown, strings: boolean): Scan {
  const scan: Scan = { depth: 0, unstorableStrings: 0, nonFiniteNumbers: 0 };
  const values: unknown[] = [root];
  const depths: number[] = [1];
  while (values.length) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (typeof value === 'string') {
      if (strings && !isStorableText(value)) scan.unstorableStrings++;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) scan.nonFiniteNumbers++;
    } else if (value !== null && typeof value === 'object') {
      if (depth > scan.depth) scan.depth = depth;
      if (depth > MAX_JSON_DEPTH) continue;
      if (Array.isArray(value)) {
        for (const item of value) {
          values.push(item);
          depths.push(depth + 1);
        }
      } else {
        for (const key in value) {
          if (strings && !isStorableText(key)) scan.unstorableStrings++;
          values.push((value as Record<string, unknown>)[key]);
          depths.push(depth + 1);
        }
      }
    }
  }
  return scan;
}

/** A copy with storable strings and finite numbers; only called on values no deeper than MAX_JSON_DEPTH. */
function storableCopy(value: unknown): unknown {
  if (typeof value === 'string') return toStorableText(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(storableCopy);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [toStorableText(k), storableCopy(v)]));
  }
  return value;
}
