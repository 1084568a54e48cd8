import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * E.164 form of a phone number typed in any common format, or null when it cannot be a phone number.
 *
 * `isPossible` rather than `isValid`: the demo data uses the fictional 555-01xx range and test numbers should not
 * depend on libphonenumber's metadata for which exchanges are assigned.
 */
export function toE164(raw: string, defaultRegion: 'US' = 'US'): string | null {
  // An unencoded `+` in a query string arrives as a space; a leading space before digits is a lost `+`.
  const text = /^ \d/.test(raw) ? `+${raw.slice(1)}` : raw.trim();
  const parsed = parsePhoneNumberFromString(text, defaultRegion);
  if (!parsed || !parsed.isPossible()) return null;
  return parsed.number;
}
