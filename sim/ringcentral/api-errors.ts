import type { Response } from 'express';

/**
 * Error bodies in the shapes RingCentral uses (see docs/ringcentral.md §1.1, §2, §5). The OAuth endpoint has its own
 * `{error, error_description, errors[]}` shape; the REST API uses `{errorCode, message, errors[]}`.
 */

export interface ApiErrorEntry {
  errorCode: string;
  message: string;
  [key: string]: unknown;
}

export function sendOAuthError(
  res: Response,
  status: number,
  error: string,
  errorCode: string,
  description: string,
  parameters?: { parameterName: string; parameterValue?: string }[],
): void {
  const entry: ApiErrorEntry = { errorCode, message: description };
  if (parameters) entry.parameters = parameters;
  res.status(status).json({ error, errors: [entry], error_description: description });
}

export function sendApiError(
  res: Response,
  status: number,
  errorCode: string,
  message: string,
  extra: Record<string, unknown> = {},
  topLevelCode = errorCode,
): void {
  res.status(status).json({ errorCode: topLevelCode, message, errors: [{ errorCode, message, ...extra }] });
}

/** 401 for API calls with a missing, unknown, revoked or expired access token. */
export function sendTokenError(res: Response, reason: 'missing' | 'unknown' | 'expired'): void {
  res.setHeader('WWW-Authenticate', 'Bearer realm="RingCentral REST API", error="invalid_token"');
  if (reason === 'expired') {
    sendApiError(res, 401, 'OAU-128', 'Access token expired', {}, 'TokenExpired');
  } else if (reason === 'missing') {
    sendApiError(res, 401, 'OAU-123', 'Authorization header is not specified', {}, 'InvalidToken');
  } else {
    sendApiError(res, 401, 'OAU-213', 'Token not found', {}, 'InvalidToken');
  }
}

export function sendInsufficientPermissions(res: Response, permissionName: string): void {
  const message = `In order to call this API endpoint, application needs to have [${permissionName}] permission`;
  res.status(403).json({
    errorCode: 'InsufficientPermissions',
    message,
    errors: [{ errorCode: 'CMN-401', message, permissionName }],
    permissionName,
  });
}

export function sendUserPermissionDenied(res: Response, permissionName: string): void {
  const message = `In order to call this API endpoint, user needs to have [${permissionName}] permission for requested resource.`;
  res.status(403).json({
    errorCode: 'InsufficientPermissions',
    message,
    errors: [{ errorCode: 'CMN-408', message, permissionName }],
    permissionName,
  });
}

export function sendNotFound(res: Response, parameterName: string, value: string): void {
  sendApiError(res, 404, 'CMN-102', `Resource for parameter [${parameterName}] is not found`, {
    parameterName,
    parameterValue: value,
  });
}

export function sendInvalidParameter(res: Response, parameterName: string, value?: string): void {
  sendApiError(res, 400, 'CMN-101', `Parameter [${parameterName}] value is invalid`, {
    parameterName,
    ...(value !== undefined ? { parameterValue: value } : {}),
  });
}
