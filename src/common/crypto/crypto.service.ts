import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { AppConfig } from '../../config/app-config';

const VERSION = 'v1';
const NONCE_BYTES = 12;

/**
 * AES-256-GCM for credentials at rest: a fresh random nonce per value, the auth tag stored beside it, so a tampered
 * or swapped value fails to decrypt instead of yielding garbage. Stored form: `v1.<nonce>.<tag>.<ciphertext>` (base64url).
 */
export class Cipher {
  private readonly key: Buffer;

  constructor(base64Key: string) {
    this.key = Buffer.from(base64Key, 'base64');
    if (this.key.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes (base64)');
  }

  encrypt(plaintext: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, nonce, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  decrypt(stored: string): string {
    const [version, nonce, tag, ciphertext] = stored.split('.');
    if (version !== VERSION || !nonce || !tag || ciphertext === undefined) throw new Error('not an encrypted value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  encryptJson(value: unknown): string {
    return this.encrypt(JSON.stringify(value));
  }

  decryptJson<T>(stored: string): T {
    return JSON.parse(this.decrypt(stored)) as T;
  }
}

@Injectable()
export class CryptoService extends Cipher {
  private readonly hashKey: string;

  constructor(config: ConfigService<AppConfig, true>) {
    const security = config.get('security', { infer: true });
    super(security.encryptionKey);
    this.hashKey = security.hashKey;
  }

  /** App Connect's hashed ids: SHA-256 hex of `<value>:<HASH_KEY>`, so connectors keyed by them keep working. */
  hashId(value: string): string {
    return createHash('sha256').update(`${value}:${this.hashKey}`, 'utf8').digest('hex');
  }
}
