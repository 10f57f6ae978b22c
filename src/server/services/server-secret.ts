// The server's own secret key: 32 random bytes in a file of the data folder (mode 0600), made
// on first start. It keys the HMAC of enrolment codes, so a stolen database (a backup, a
// dump) alone gives no way to test guessed codes offline: the key is not in the database.
// Backups must carry this file with the database, or every unused enrolment code is lost
// (issue new ones; enrolled devices and staff accounts do not depend on it).
import { chmodSync, mkdirSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const SERVER_SECRET_FILE = 'server-secret';

/** Reads the key of `dataDir`, creating it (0600, exclusively) when missing. */
export function loadServerSecret(dataDir: string): Buffer {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, SERVER_SECRET_FILE);
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(32).toString('base64url') + '\n');
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(file, 0o600); // an older copy restored with looser rights is tightened
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  if (key.length < 32) throw new Error(`${file}: the server secret is damaged (expected 32 bytes of base64url)`);
  return key;
}
