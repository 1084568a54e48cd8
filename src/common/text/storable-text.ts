/**
 * PostgreSQL cannot hold every JavaScript string: `text` and `jsonb` refuse U+0000, and `jsonb` refuses a lone UTF-16
 * surrogate (`\ud800` not followed by a low surrogate), while JSON and JavaScript allow both. These helpers find and
 * replace them (with U+FFFD, as a UTF-8 decoder does) before anything from outside is written.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what is looked for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** True when PostgreSQL can store `value` as text or inside jsonb unchanged. */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** `value` with U+0000 and lone surrogates replaced by U+FFFD. */
export function toStorableText(value: string): string {
  return isStorableText(value) ? value : value.replace(UNSTORABLE_ALL, '\ufffd');
}

/** At most `max` characters of `value`, marked when cut: for log lines and stored reasons of bounded size. */
export function truncateText(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max)}… (${value.length} characters)`;
}
