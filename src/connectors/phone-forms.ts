import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js';

/**
 * Named forms a connector can list in `manifest.phoneNumberFormats`, for CRMs that compare phone numbers as text.
 * Examples are for +16505550101 / +442079460958.
 */
export const PHONE_NUMBER_FORMATS = {
  /** `+16505550101` (always tried first anyway). */
  'E.164': (n: PhoneNumber) => n.number,
  /** `(650) 555-0101`, `020 7946 0958`. */
  national: (n: PhoneNumber) => n.formatNational(),
  /** `6505550101`, `02079460958` (national form without punctuation, trunk prefix kept). */
  nationalDigits: (n: PhoneNumber) => n.formatNational().replace(/\D/g, ''),
  /** `6505550101`, `2079460958` (no country code, no trunk prefix). */
  significant: (n: PhoneNumber) => String(n.nationalNumber),
  /** `+1 650 555 0101`. */
  international: (n: PhoneNumber) => n.formatInternational(),
  /** `16505550101` (E.164 without the plus). */
  internationalDigits: (n: PhoneNumber) => n.number.slice(1),
} as const;

export type PhoneNumberFormatName = keyof typeof PHONE_NUMBER_FORMATS;

const PLACEHOLDER = /[*#]/g;

/**
 * The forms of `e164` findContact should search for, E.164 first, without duplicates. Each entry of `formats` is a
 * name from PHONE_NUMBER_FORMATS or an App Connect mask whose `*` (or `#`) placeholders take the significant
 * digits in order (`(***) ***-****` -> `(650) 555-0101`). A mask with a different number of placeholders than the
 * number has digits is skipped: filling a US mask with a UK number would search for a number nobody has.
 * A value that is not a phone number (an extension such as `101`) is returned alone.
 *
 * @throws RangeError for a format that is neither a known name nor a mask, so a typo in a manifest fails in the
 *   connector's tests instead of quietly matching fewer contacts.
 */
export function phoneForms(e164: string, formats: readonly string[] = []): string[] {
  const parsed = e164.startsWith('+') ? parsePhoneNumberFromString(e164) : undefined;
  if (!parsed) return [e164];
  const forms = [parsed.number as string];
  for (const format of formats) {
    const form = render(parsed, format);
    if (form !== undefined && !forms.includes(form)) forms.push(form);
  }
  return forms;
}

/** App Connect's `overridingFormat` (comma-separated masks) as a list; entries without placeholders are dropped. */
export function overridingFormats(overridingFormat: string | undefined): string[] {
  if (!overridingFormat) return [];
  return overridingFormat
    .split(',')
    .map((mask) => mask.trim())
    .filter((mask) => /[*#]/.test(mask));
}

function render(parsed: PhoneNumber, format: string): string | undefined {
  const named = (PHONE_NUMBER_FORMATS as Record<string, (n: PhoneNumber) => string>)[format];
  if (named) return named(parsed);
  const placeholders = format.match(PLACEHOLDER)?.length ?? 0;
  if (placeholders === 0) {
    throw new RangeError(`unknown phone number format "${format}": use one of ${Object.keys(PHONE_NUMBER_FORMATS).join(', ')} or a mask with * placeholders`);
  }
  const digits = String(parsed.nationalNumber);
  if (placeholders !== digits.length) return undefined;
  let i = 0;
  return format.replace(PLACEHOLDER, () => digits[i++]!);
}
