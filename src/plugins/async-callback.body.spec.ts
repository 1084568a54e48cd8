import { AppError } from '../common/errors/app-error';
import { isTaskId, parseCallbackBody } from './async-callback.body';

function fieldOf(body: unknown): string | undefined {
  try {
    parseCallbackBody(body);
    return undefined;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return error.field;
  }
}

describe('parseCallbackBody', () => {
  it('takes {successful, note?, message?} and ignores extra fields (the contract allows them)', () => {
    expect(parseCallbackBody({ successful: true, note: 'Recording uploaded', message: 'done', traceId: 'x' })).toEqual({ successful: true, note: 'Recording uploaded', message: 'done' });
    expect(parseCallbackBody({ successful: false, note: null })).toEqual({ successful: false });
  });

  it.each([
    [{}, 'successful'],
    [{ successful: 'true' }, 'successful'],
    [{ successful: true, note: 5 }, 'note'],
    [{ successful: false, message: { text: 'x' } }, 'message'],
    [[{ successful: true }], 'body'],
    ['successful', 'body'],
  ])('refuses %j naming %s', (body, field) => {
    expect(fieldOf(body)).toBe(field);
  });
});

describe('isTaskId', () => {
  it('accepts UUIDs only', () => {
    expect(isTaskId('4d3e22d7-2764-42d5-9d1c-dae7b45e40b3')).toBe(true);
    expect(isTaskId('task-id')).toBe(false);
    expect(isTaskId("4d3e22d7-2764-42d5-9d1c-dae7b45e40b3' OR 1=1")).toBe(false);
  });
});
