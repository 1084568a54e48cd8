import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface GeneratedSecrets {
  encryptionKey: string;
  hashKey: string;
  databasePassword: string;
}

const SECRETS_FILE = 'secrets.json';

/**
 * Loads the secrets of the embedded deployment from DATA_DIR, creating them on first start. They live beside the
 * database they protect, readable by the service's user only; losing this file makes stored credentials unreadable.
 */
export async function loadOrCreateSecrets(dataDir: string): Promise<GeneratedSecrets> {
  const file = join(dataDir, SECRETS_FILE);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as GeneratedSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secrets: GeneratedSecrets = {
    encryptionKey: randomBytes(32).toString('base64'),
    hashKey: randomBytes(32).toString('hex'),
    databasePassword: randomBytes(18).toString('base64url'),
  };
  // 0755 on the folder: the embedded PostgreSQL runs as another user and must traverse it to reach its own folder.
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  return secrets;
}
