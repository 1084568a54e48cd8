import { overridingFormats, phoneForms } from './phone-forms';

describe('phoneForms', () => {
  it('tries E.164 alone when the connector lists no other forms', () => {
    expect(phoneForms('+16505550101')).toEqual(['+16505550101']);
  });

  it('adds named forms after E.164, without duplicates', () => {
    expect(phoneForms('+16505550101', ['national', 'nationalDigits', 'significant', 'international', 'internationalDigits', 'E.164'])).toEqual([
      '+16505550101',
      '(650) 555-0101',
      '6505550101',
      '+1 650 555 0101',
      '16505550101',
    ]);
  });

  it('keeps the trunk prefix in national forms but not in the significant number', () => {
    expect(phoneForms('+442079460958', ['national', 'nationalDigits', 'significant'])).toEqual([
      '+442079460958',
      '020 7946 0958',
      '02079460958',
      '2079460958',
    ]);
  });

  it('fills App Connect masks with the significant digits', () => {
    expect(phoneForms('+16505550101', ['(***) ***-****', '***-***-####', '+1 *** *** ****'])).toEqual([
      '+16505550101',
      '(650) 555-0101',
      '650-555-0101',
      '+1 650 555 0101',
    ]);
  });

  it('skips a mask whose placeholders do not fit the number', () => {
    // Berlin: 8 significant digits, so a 10-placeholder US mask does not apply.
    expect(phoneForms('+4930901820', ['(***) ***-****', '** ******'])).toEqual(['+4930901820', '30 901820']);
  });

  it('returns a value that is not an E.164 number alone (extensions)', () => {
    expect(phoneForms('101', ['national', '(***) ***-****'])).toEqual(['101']);
    expect(phoneForms('6505550101', ['national'])).toEqual(['6505550101']);
  });

  it('rejects an unknown format name so a manifest typo fails loudly', () => {
    expect(() => phoneForms('+16505550101', ['nationl'])).toThrow(/unknown phone number format "nationl"/);
  });
});

describe('overridingFormats', () => {
  it('splits App Connect overridingFormat into masks, dropping blanks and entries without placeholders', () => {
    expect(overridingFormats('(***) ***-****, ***-***-****,,national')).toEqual(['(***) ***-****', '***-***-****']);
    expect(overridingFormats('')).toEqual([]);
    expect(overridingFormats(undefined)).toEqual([]);
  });
});
