import fc from 'fast-check';
import { INPUT_LIMITS, InputGuardPipe, inputProblem } from './input-guard';

describe('inputProblem', () => {
  it('names the field holding a NUL, a lone surrogate or an over-long string', () => {
    expect(inputProblem({ a: { b: ['ok', 'x\u0000y'] } })).toMatchObject({ field: 'a.b.1' });
    expect(inputProblem({ name: 'bad \ud800' })).toMatchObject({ field: 'name', message: expect.stringMatching(/surrogate/) });
    expect(inputProblem({ name: '\udc00 alone' })).toMatchObject({ field: 'name' });
    expect(inputProblem({ name: 'x'.repeat(INPUT_LIMITS.maxStringLength + 1) })).toMatchObject({ field: 'name' });
    expect(inputProblem('a\u0000', 'rcExtensionId')).toMatchObject({ field: 'rcExtensionId' });
    expect(inputProblem({ 'k\u0000': 1 })).toMatchObject({ message: expect.stringMatching(/NUL/) });
  });

  it('accepts ordinary text, emoji (surrogate pairs) included', () => {
    expect(inputProblem({ name: 'Zoë 📞', list: [1, true, null, { x: 'y' }] })).toBeUndefined();
  });

  it('refuses 5,000 levels of nesting without recursing', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 5000; i += 1) deep = { a: deep };
    expect(inputProblem(deep)).toMatchObject({ message: expect.stringMatching(/nested more than/) });
    let array: unknown = [];
    for (let i = 0; i < 100_000; i += 1) array = [array];
    expect(inputProblem(array)).toBeDefined();
  });

  it('the pipe throws a 400 naming the field, and passes good values through unchanged', () => {
    const pipe = new InputGuardPipe();
    expect(() => pipe.transform('x\u0000', { type: 'param', data: 'id' })).toThrow(expect.objectContaining({ status: 400, field: 'id' }));
    const body = { a: 'b' };
    expect(pipe.transform(body, { type: 'body' })).toBe(body);
  });

  it('never throws on any JSON value: it answers a problem or nothing', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const problem = inputProblem(value);
        if (problem) expect(typeof problem.field).toBe('string');
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const problem = inputProblem({ text });
        const bad = text.includes('\u0000') || /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
        expect(problem !== undefined).toBe(bad || text.length > INPUT_LIMITS.maxStringLength);
      }),
    );
  });
});
