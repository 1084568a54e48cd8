import { ValidateIf } from 'class-validator';

/**
 * Like class-validator's IsOptional, but only for an absent property: IsOptional also skips every check for `null`,
 * which let `{"filters": null}` through to code that reads it as an object. Use IsOptional only where null means
 * something (a documented "null clears it").
 */
export function IsOptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object: unknown, value: unknown) => value !== undefined);
}
