import { MASK, maskSecrets, restoreMaskedSecrets } from './secret-mask';

describe('secret masking of connector configs', () => {
  it("masks the app-connect bridge's tokens and anything under a secret-looking key, at any depth", () => {
    const config = {
      serverUrl: 'https://connector.example.com',
      jwtToken: 'eyJhbGciOi.payload.sig',
      rcAccessToken: 'U0pDMTFQMDFQQVMwMHxBQUJf',
      forceContactRefresh: false,
      auth: { type: 'apiKey', clientSecret: 's3cret', passwords: ['a', 'b'] },
      operations: { createCallLog: { headers: { 'Idempotency-Key': '{{idempotencyKey}}', 'X-Api-Key': 'abc' } } },
    };
    expect(maskSecrets(config)).toEqual({
      serverUrl: 'https://connector.example.com',
      jwtToken: MASK,
      rcAccessToken: MASK,
      forceContactRefresh: false,
      auth: { type: 'apiKey', clientSecret: MASK, passwords: [MASK, MASK] },
      operations: { createCallLog: { headers: { 'Idempotency-Key': '{{idempotencyKey}}', 'X-Api-Key': MASK } } },
    });
    expect(JSON.stringify(maskSecrets(config))).not.toMatch(/eyJhbGciOi|U0pDMTFQ|s3cret|"abc"/);
  });

  it('leaves empty values and non-secret keys alone', () => {
    expect(maskSecrets({ baseUrl: 'http://crm/api', apiKey: '', token: null })).toEqual({ baseUrl: 'http://crm/api', apiKey: '', token: null });
  });

  it('puts the stored secret back where a masked value was sent back unchanged', () => {
    const stored = { serverUrl: 'https://a', jwtToken: 'real-jwt', auth: { clientSecret: 'real-secret' } };
    const sent = { serverUrl: 'https://b', jwtToken: MASK, auth: { clientSecret: 'new-secret' } };
    expect(restoreMaskedSecrets(sent, stored)).toEqual({ serverUrl: 'https://b', jwtToken: 'real-jwt', auth: { clientSecret: 'new-secret' } });
    expect(restoreMaskedSecrets({ jwtToken: MASK }, {})).toEqual({ jwtToken: MASK });
  });
});
