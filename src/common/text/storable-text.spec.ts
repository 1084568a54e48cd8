import { isStorableText, toStorableText, truncateText } from './storable-text';

describe('storable text', () => {
  it.each([
    ['plain', 'hello', true],
    ['a surrogate pair (emoji)', 'hi \ud83d\ude00', true],
    ['U+0000', 'a\u0000b', false],
    ['a lone high surrogate', 'a\ud800', false],
    ['a lone low surrogate', '\udc00a', false],
    ['two high surrogates', '\ud800\ud800\udc00', false],
  ])('%s: storable = %s', (_name, value, storable) => {
    expect(isStorableText(value)).toBe(storable);
  });

  it('replaces what PostgreSQL cannot hold with U+FFFD, leaving pairs alone', () => {
    expect(toStorableText('a\u0000b\ud800c\ud83d\ude00\udc00')).toBe('a\ufffdb\ufffdc\ud83d\ude00\ufffd');
  });

  it('truncates with a mark and the original length', () => {
    expect(truncateText('abcdef', 3)).toBe('abc… (6 characters)');
    expect(truncateText('abc', 3)).toBe('abc');
  });
});
