// Secrets the server hands out or checks: device and session tokens (random, stored as sha256
// hashes), enrolment codes (short, typable, stored hashed) and passwords (scrypt). Every
// comparison of a secret is constant-time.
import { hash, randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** 32 random bytes, base64url: a device or session token. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(text: string): string {
  // One-shot (no Hash object per call): the sync hashes every record body.
  return hash('sha256', text, 'base64url');
}

export function safeEqualText(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** No 0/O, 1/I/L, 2/Z, 5/S, 8/B: read aloud or copied from paper without doubt. */
export const ENROLMENT_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';
export const ENROLMENT_CODE_LENGTH = 8;

export function newEnrolmentCode(): string {
  let code = '';
  for (let i = 0; i < ENROLMENT_CODE_LENGTH; i++) code += ENROLMENT_ALPHABET[randomInt(ENROLMENT_ALPHABET.length)];
  return code;
}

/** Upper case without spaces or dashes, so "acde-fg34" and "ACDEFG34" are one code. */
export function normaliseEnrolmentCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/** Shown as two groups of four for reading aloud; either form is accepted. */
export function formatEnrolmentCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** A password a person can copy from a terminal: 4 groups of 4 from the unambiguous alphabet. */
export function newPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 4; i++) s += ENROLMENT_ALPHABET[randomInt(ENROLMENT_ALPHABET.length)]!.toLowerCase();
    groups.push(s);
  }
  return groups.join('-');
}

/**
 * scrypt at OWASP's current guidance: N = 2^17, r = 8, p = 1 (128 MiB and about half a second
 * per hash on a small server). Node refuses more than 32 MiB by default, hence maxmem.
 */
export const SCRYPT_COST = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEYLEN = 64;
const maxmemFor = (N: number, r: number) => 128 * N * r * 2;

let cost: { N: number; r: number; p: number } = SCRYPT_COST;

/**
 * For unit tests of unrelated things only (vitest sets VITEST): hashes made after this use a
 * lower N. The server as shipped never calls it; tests of the password code use the real cost.
 */
export function lowerPasswordCostForTests(N: number): void {
  if (!process.env.VITEST) throw new Error('lowerPasswordCostForTests is for tests only');
  cost = { ...SCRYPT_COST, N };
}

/**
 * At most two hashes at a time: each takes 128 MiB, and a burst of sign-ins (or of guesses)
 * must not exhaust a small server's memory; the others wait their turn.
 */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
export const HASHES_AT_ONCE = 2;
const hashing = new Semaphore(HASHES_AT_ONCE);

function derive(password: string, salt: Buffer, keylen: number, c: { N: number; r: number; p: number }): Promise<Buffer> {
  return hashing.run(() => scrypt(password.normalize('NFC'), salt, keylen, { ...c, maxmem: maxmemFor(c.N, c.r) }));
}

export async function hashPassword(password: string): Promise<string> {
  const c = cost;
  const salt = randomBytes(16);
  const key = await derive(password, salt, KEYLEN, c);
  return `scrypt$${c.N}$${c.r}$${c.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when a stored hash was made at another cost than today's: rehash it at the next sign-in. */
export function needsRehash(stored: string): boolean {
  const [scheme, n, r, p] = stored.split('$');
  return scheme !== 'scrypt' || Number(n) !== cost.N || Number(r) !== cost.r || Number(p) !== cost.p;
}

// Checked when the username is unknown, so a wrong username costs the same time (and memory)
// as a wrong password: made at today's cost, remade if the cost changes (tests only).
let dummy: { N: number; hash: Promise<string> } | null = null;

/** The cost parameters a stored hash may ask for: nothing a tampered row could use to exhaust memory. */
function storedCost(n: string | undefined, r: string | undefined, p: string | undefined): { N: number; r: number; p: number } | null {
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  const powerOfTwo = Number.isInteger(N) && N >= 2 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > 2 ** 17 || !Number.isInteger(R) || R < 1 || R > 16 || P !== 1) return null;
  return { N, r: R, p: P };
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (!dummy || dummy.N !== cost.N) dummy = { N: cost.N, hash: hashPassword('not a password') };
  const encoded = stored ?? (await dummy.hash);
  const [scheme, n, r, p, saltText, keyText] = encoded.split('$');
  const c = storedCost(n, r, p);
  if (scheme !== 'scrypt' || !saltText || !keyText || !c) return false;
  const expected = Buffer.from(keyText, 'base64url');
  const key = await derive(password, Buffer.from(saltText, 'base64url'), expected.length, c);
  return timingSafeEqual(key, expected) && stored !== null;
}
