import { getByPath, isDotPath, renderDeep, renderString, templateProblem, templateRoots } from './proxy-template';

describe('proxy templates', () => {
  const context = {
    phoneNumber: '+16505550101',
    duration: 125,
    isFromSSCL: true,
    nothing: null,
    user: { id: 'usr_1', name: 'Alice' },
    contactInfo: { id: 42, tags: ['a', 'b'] },
    list: [{ id: 'first' }, { id: 'second' }],
  };

  describe('a string that is exactly one expression keeps the raw value', () => {
    it.each([
      ['{{duration}}', 125],
      ['{{isFromSSCL}}', true],
      ['{{nothing}}', null],
      ['{{ contactInfo.id }}', 42],
      ['{{contactInfo}}', { id: 42, tags: ['a', 'b'] }],
      ['{{list.1.id}}', 'second'],
    ])('%s', (template, expected) => {
      expect(renderString(template, context)).toEqual(expected);
    });

    it('is undefined when missing, so the key drops out of JSON', () => {
      expect(renderString('{{callLog.recording.link}}', context)).toBeUndefined();
      expect(JSON.stringify(renderDeep({ a: '{{missing}}', b: 1 }, context))).toBe('{"b":1}');
    });
  });

  describe('inside a longer string', () => {
    it('stringifies values', () => {
      expect(renderString('{{duration}} s, SSCL={{isFromSSCL}}', context)).toBe('125 s, SSCL=true');
      expect(renderString('ids: {{contactInfo.tags}}', context)).toBe('ids: ["a","b"]');
    });

    it('renders missing and null values as empty strings', () => {
      expect(renderString('{{missing.deep}}:{{nothing}}:x', context)).toBe('::x');
      expect(renderString('{{apiKey}}:', context)).toBe(':');
    });

    it('encodes embedded values when asked, except one that starts the string', () => {
      const encode = { encodeEmbedded: encodeURIComponent };
      expect(renderString('/contacts/{{phoneNumber}}', context, encode)).toBe('/contacts/%2B16505550101');
      expect(renderString('{{phoneNumber}}/x', context, encode)).toBe('+16505550101/x');
    });
  });

  it('renders recursively through objects and arrays, leaving keys and non-strings alone', () => {
    const rendered = renderDeep(
      { '{{user.id}}': 'owner {{user.name}}', n: 3, flag: false, linked: [{ contact_id: '{{contactInfo.id}}' }], nested: { d: '{{duration}}' } },
      context,
    );
    expect(rendered).toEqual({ '{{user.id}}': 'owner Alice', n: 3, flag: false, linked: [{ contact_id: 42 }], nested: { d: 125 } });
  });

  it('reads only own properties', () => {
    expect(getByPath({}, 'constructor')).toBeUndefined();
    expect(getByPath({ a: 'x' }, 'a.length')).toBeUndefined();
    expect(renderString('{{__proto__}}', {})).toBeUndefined();
    expect(getByPath({ a: [1, 2] }, 'a.1')).toBe(2);
    expect(getByPath({ a: 1 }, '$')).toEqual({ a: 1 });
  });

  it('knows a dot path', () => {
    expect(isDotPath('body.contacts')).toBe(true);
    expect(isDotPath('phones.0')).toBe(true);
    expect(isDotPath('$')).toBe(true);
    expect(isDotPath('body..id')).toBe(false);
    expect(isDotPath('.body')).toBe(false);
    expect(isDotPath('body.items ')).toBe(false);
    expect(isDotPath('body.{{x}}')).toBe(false);
  });

  describe('templateProblem', () => {
    it('accepts well-formed templates and plain text', () => {
      expect(templateProblem('plain')).toBeUndefined();
      expect(templateProblem('/activities/{{thirdPartyLogId}}')).toBeUndefined();
      expect(templateProblem('{{ a.b }} and {{c}}')).toBeUndefined();
    });

    it.each([
      ['/activities/{{thirdPartyLogId', /never closed/],
      ['{{a}} then {{b', /character 12 that is never closed/],
      ['{{a {{b}}', /never closed/],
      ['{{}}', /empty template/],
      ['{{ a b }}', /not a dot path/],
      ['{{a..b}}', /not a dot path/],
      ['apiKey}}', /without a matching/],
    ])('refuses %j', (text, message) => {
      expect(templateProblem(text)).toMatch(message);
    });
  });

  it('lists template roots in order, once each', () => {
    expect(templateRoots({ a: '{{apiKey}}:{{user.id}}', b: ['{{apiKey}}', { c: '{{ secretKey }}' }], d: 5 })).toEqual(['apiKey', 'user', 'secretKey']);
  });
});
