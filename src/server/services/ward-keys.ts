// Each ward's HPKE key pairs, with which phones seal their outbox records (shared/crypto/hpke.ts,
// docs/sync-protocol.md "Sealed records"). One file per ward, DATA_DIR/ward-keys/<wardCode>.json
// (mode 0600 in a 0700 folder), made when first needed — at server start for every configured
// ward. Outside the database on purpose: a stolen database or dump opens no sealed record.
// Backups MUST carry these files with the database (docs/security.md): a phone's outbox sealed
// to a key the server lost cannot be read, and is rejected as `unsealable`.
//
// Rotation-ready: a file holds every key the ward has had, oldest first; the newest seals (the
// phones receive it in the ward configuration), every one still opens, so a phone that sealed
// with an older key before it heard of the new one is still read. A rotation by another process
// (`npm run -s admin -- rotate-sealing-key`) is seen at the next use: the file is re-read when
// its modification time changes (one stat per use; the file is replaced by a rename).
import { chmodSync, closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { generateSealingKeyPair, keyIdOf, type SealingKeyPair, type SealingPrivateKey } from '../../shared/crypto/hpke.js';
import { KID_PATTERN, P256_POINT_PATTERN, SEAL_SUITE, type SealingPublicKey } from '../../shared/crypto/sealed.js';
import { wardCodeSchema } from '../../shared/schema/common.js';

export const WARD_KEYS_DIR = 'ward-keys';

const storedKeySchema = z
  .object({
    suite: z.literal(SEAL_SUITE),
    kid: z.string().regex(KID_PATTERN),
    publicKey: z.string().regex(P256_POINT_PATTERN),
    privateKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    createdAt: z.string(),
  })
  .strict();
type StoredKey = z.infer<typeof storedKeySchema>;
const keyFileSchema = z.object({ wardCode: wardCodeSchema, keys: z.array(storedKeySchema).min(1) }).strict();

function write(fd: number, text: string): void {
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

export class WardKeys {
  private readonly loaded = new Map<string, { mtimeMs: number; settled: boolean; keys: Promise<StoredKey[]> }>();

  constructor(private readonly dataDir: string) {}

  private folder(): string {
    const dir = path.join(this.dataDir, WARD_KEYS_DIR);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700); // a copy restored with looser rights is tightened
    return dir;
  }

  /** The file of a ward (the code checked first: it becomes a file name). */
  fileOf(wardCode: string): string {
    const code = wardCodeSchema.parse(wardCode);
    return path.join(this.folder(), `${code}.json`);
  }

  private async read(file: string, wardCode: string): Promise<StoredKey[]> {
    chmodSync(file, 0o600);
    const text = readFileSync(file, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    const parsed = keyFileSchema.safeParse(json);
    if (!parsed.success || parsed.data.wardCode !== wardCode) throw new Error(`${file}: the ward's sealing keys are damaged; restore the file from the latest backup`);
    for (const key of parsed.data.keys) {
      if ((await keyIdOf(key.publicKey)) !== key.kid) throw new Error(`${file}: key ${key.kid} does not match its public key; restore the file from the latest backup`);
    }
    return parsed.data.keys;
  }

  private async loadOrCreate(wardCode: string): Promise<StoredKey[]> {
    const file = this.fileOf(wardCode);
    try {
      return await this.read(file, wardCode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // Made whole in a temporary file, then linked into place: link refuses an existing name,
    // so a second process starting at once keeps the first one's keys and never reads half a file.
    const key: StoredKey = { ...(await generateSealingKeyPair()), createdAt: new Date().toISOString() };
    const temp = `${file}.${randomBytes(6).toString('hex')}.new`;
    write(openSync(temp, 'wx', 0o600), JSON.stringify({ wardCode, keys: [key] }, null, 2) + '\n');
    try {
      linkSync(temp, file);
      return [key];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return this.read(file, wardCode);
    } finally {
      unlinkSync(temp);
    }
  }

  private modified(wardCode: string): number {
    try {
      return statSync(this.fileOf(wardCode)).mtimeMs;
    } catch {
      return -1; // not made yet
    }
  }

  private keys(wardCode: string): Promise<StoredKey[]> {
    const mtimeMs = this.modified(wardCode);
    const cached = this.loaded.get(wardCode);
    // A load in flight is shared (the file may be half written by it); a settled one is reused
    // while the file is unchanged.
    if (cached && (!cached.settled || cached.mtimeMs === mtimeMs)) return cached.keys;
    const keys = this.loadOrCreate(wardCode);
    const entry = { mtimeMs, settled: false, keys };
    this.loaded.set(wardCode, entry);
    // Once made, the file's own time is what later uses compare with.
    keys.then(
      () => {
        entry.settled = true;
        entry.mtimeMs = this.modified(wardCode);
      },
      () => {
        if (this.loaded.get(wardCode) === entry) this.loaded.delete(wardCode); // retried on the next call
      },
    );
    return keys;
  }

  /** Makes (or reads) the ward's keys now: at server start, so a damaged file stops the start. */
  async ensure(wardCode: string): Promise<void> {
    await this.keys(wardCode);
  }

  /** The key phones seal with: the newest. */
  async publicKey(wardCode: string): Promise<SealingPublicKey> {
    const keys = await this.keys(wardCode);
    const { suite, kid, publicKey } = keys[keys.length - 1]!;
    return { suite, kid, publicKey };
  }

  /** Every key the ward has had, for opening. */
  async privateKeys(wardCode: string): Promise<SealingPrivateKey[]> {
    return (await this.keys(wardCode)).map(({ kid, privateKey }) => ({ kid, privateKey }));
  }

  /**
   * Adds a new key, which phones seal with from their next configuration fetch; the older ones
   * keep opening what was sealed before. Written to a temporary file and renamed, so a crash
   * leaves the old file or the new one, never half of one.
   */
  async rotate(wardCode: string): Promise<SealingPublicKey> {
    const file = this.fileOf(wardCode);
    const keys = await this.keys(wardCode);
    const pair: SealingKeyPair = await generateSealingKeyPair();
    const next = [...keys, { ...pair, createdAt: new Date().toISOString() }];
    const temp = `${file}.${randomBytes(6).toString('hex')}.new`;
    write(openSync(temp, 'wx', 0o600), JSON.stringify({ wardCode, keys: next }, null, 2) + '\n');
    renameSync(temp, file);
    this.loaded.set(wardCode, { mtimeMs: this.modified(wardCode), settled: true, keys: Promise.resolve(next) });
    return { suite: pair.suite, kid: pair.kid, publicKey: pair.publicKey };
  }
}
