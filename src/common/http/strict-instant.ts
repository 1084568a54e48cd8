import { registerDecorator, type ValidationOptions } from 'class-validator';

// RFC 3339 date-time (the profile of ISO 8601 that PostgreSQL and Date agree on), or a bare RFC 3339 full-date.
// ISO 8601 allows much more (week dates 2024-W01, ordinal dates, basic format 20240101T101010Z) that validator.js
// accepts and PostgreSQL refuses, so the API takes only this.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-](\d{2}):(\d{2})))?$/;

/** The instant `text` names, or undefined when it is not a real RFC 3339 date-time (or date) between years 1 and 9999. */
export function parseInstant(text: unknown): Date | undefined {
  if (typeof text !== 'string' || text.length > 40) return undefined;
  const match = INSTANT.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [hour, minute, second] = [Number(match[4] ?? 0), Number(match[5] ?? 0), Number(match[6] ?? 0)];
  if (year < 1 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
  if (day < 1 || day > daysInMonth) return undefined;
  if (match[9] !== undefined && (Number(match[9]) > 23 || Number(match[10]) > 59)) return undefined;
  const date = new Date(match[4] === undefined ? `${match[1]}-${match[2]}-${match[3]}T00:00:00Z` : text.replace(' ', 'T'));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** class-validator decorator: the value is a string parseInstant accepts. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property must be a date-time like 2025-01-31T09:00:00Z (RFC 3339)`, ...options },
      validator: { validate: (value: unknown) => parseInstant(value) !== undefined },
    });
}
