import { AppError } from '../common/errors/app-error';
import { MAX_NOTE_LENGTH } from './plugin-payload.validation';

/** An async plugin's completion report (contract: AsyncPluginCallbackRequest; extra fields are allowed and ignored). */
export interface CallbackReport {
  successful: boolean;
  note?: string;
  message?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isTaskId(value: string): boolean {
  return UUID.test(value);
}

/** `{successful: boolean, note?: string, message?: string}`; a 400 names the field at fault. */
export function parseCallbackBody(body: unknown): CallbackReport {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw AppError.validation('body', 'the callback body must be a JSON object');
  const { successful, note, message } = body as Record<string, unknown>;
  if (typeof successful !== 'boolean') throw AppError.validation('successful', 'successful is required and must be a boolean');
  if (note !== undefined && note !== null && typeof note !== 'string') throw AppError.validation('note', 'note must be a string');
  if (typeof note === 'string' && note.length > MAX_NOTE_LENGTH) throw AppError.validation('note', `note must be at most ${MAX_NOTE_LENGTH} characters`);
  if (message !== undefined && message !== null && typeof message !== 'string') throw AppError.validation('message', 'message must be a string');
  return {
    successful,
    ...(typeof note === 'string' && { note }),
    ...(typeof message === 'string' && { message }),
  };
}
