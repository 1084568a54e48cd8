import { randomBytes } from 'node:crypto';
import { ConfigService } from '@nestjs/config';
import { Cipher, CryptoService } from './crypto.service';

const key = randomBytes(32).toString('base64');

describe('Cipher (AES-256-GCM)', () => {
  const cipher = new Cipher(key);

  it('round-trips text and JSON', () => {
    expect(cipher.decrypt(cipher.encrypt('jwt-secret-ü'))).toBe('jwt-secret-ü');
    expect(cipher.decryptJson(cipher.encryptJson({ accessToken: 'a', n: 1 }))).toEqual({ accessToken: 'a', n: 1 });
  });

  it('uses a fresh nonce per value, so equal plaintexts do not look equal at rest', () => {
    const a = cipher.encrypt('same');
    const b = cipher.encrypt('same');
    expect(a).not.toBe(b);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
    expect(a).not.toContain('same');
  });

  it('refuses a tampered value instead of returning garbage', () => {
    const stored = cipher.encrypt('secret');
    const parts = stored.split('.');
    const ciphertext = Buffer.from(parts[3]!, 'base64url');
    ciphertext[0] = ciphertext[0]! ^ 0xff;
    parts[3] = ciphertext.toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
  });

  it('refuses a value encrypted with another key', () => {
    const other = new Cipher(randomBytes(32).toString('base64'));
    expect(() => other.decrypt(cipher.encrypt('secret'))).toThrow();
  });

  it('rejects keys that are not 32 bytes', () => {
    expect(() => new Cipher(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});

describe('CryptoService.hashId', () => {
  it('produces App Connect hashed ids: sha256 hex of "<value>:<HASH_KEY>"', () => {
    const config = new ConfigService({ security: { encryptionKey: key, hashKey: 'test-hash-key' } });
    const service = new CryptoService(config as never);
    // Expected value computed independently (python hashlib) for "809646016:test-hash-key".
    expect(service.hashId('809646016')).toBe('9f3e4e8b873753895855e70809e959aa3b74773e2d367a5bd6b28ba5d351c514');
  });
});
