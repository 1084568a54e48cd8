import { BadRequestException, NotFoundException } from '@nestjs/common';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { AppError } from './app-error';

function run(exception: unknown) {
  const response = {
    statusCode: 0,
    body: undefined as unknown,
    headers: {} as Record<string, string>,
    headersSent: false,
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    json(body: unknown) {
      this.body = body;
    },
    setHeader(name: string, value: string) {
      this.headers[name] = value;
    },
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ id: 'corr-123', path: '/x' }), getResponse: () => response }),
  };
  new AllExceptionsFilter().catch(exception, host as never);
  return response;
}

describe('AllExceptionsFilter', () => {
  it('answers an AppError with its status, code, field and the correlation id', () => {
    const res = run(AppError.validation('filters.inbound', 'filters.inbound must be a boolean'));
    expect(res.statusCode).toBe(400);
    expect(res.body).toEqual({
      error: { code: 'VALIDATION_FAILED', message: 'filters.inbound must be a boolean', field: 'filters.inbound', correlationId: 'corr-123' },
    });
  });

  it('maps Nest HTTP exceptions to codes', () => {
    expect(run(new NotFoundException('Cannot GET /nope')).body).toMatchObject({ error: { code: 'NOT_FOUND', correlationId: 'corr-123' } });
    expect(run(new BadRequestException(['a must be a string', 'b is required'])).body).toMatchObject({
      error: { code: 'VALIDATION_FAILED', message: 'a must be a string; b is required' },
    });
  });

  it('hides internals of unexpected errors behind a 500 with a correlation id', () => {
    const res = run(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'));
    expect(res.statusCode).toBe(500);
    expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error', correlationId: 'corr-123' } });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
  });

  it('turns body-parser errors into 413 and 400', () => {
    expect(run(Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' })).statusCode).toBe(413);
    const bad = run(Object.assign(new Error('Unexpected token'), { status: 400, type: 'entity.parse.failed' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: 'Request body is not valid JSON' } });
  });

  it('sets Retry-After on rate-limited answers', () => {
    const res = run(new AppError('RATE_LIMITED', 'slow down', undefined, { retryAfterSeconds: 30 }));
    expect(res.statusCode).toBe(429);
    expect(res.headers['Retry-After']).toBe('30');
  });
});
