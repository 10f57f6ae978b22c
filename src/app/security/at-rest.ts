// Personal data at rest: a Dexie DBCore middleware that encrypts the personal parts of rows on
// write and decrypts them on read, with the data key held by a Keyring (lock-state.ts).
//
// Why a synchronous cipher inside the middleware: a save writes the record, its summary and its
// outbox entry in ONE IndexedDB transaction (storage/save-revision.ts), and IndexedDB commits a
// transaction as soon as its code awaits a promise that is not an IndexedDB request. WebCrypto
// is promise-only, so encrypting with it inside the transaction would commit it half-way (or
// force encryption before the transaction, splitting every save path into two phases that each
// caller must get right). @noble/ciphers' AES-256-GCM is synchronous and audited: encryption
// happens where the row is written, whatever code writes it, and the one-transaction promise
// holds. WebCrypto still does the slow, key-handling part (PBKDF2 and the key wrap: crypto.ts).
// The cipher is reached through security/row-cipher.ts so this middleware (in every start) does
// not carry it: only an unlocked phone needs it, and unlocking loads it.
//
// What is encrypted (PERSONAL_FIELDS): the whole envelope of a record (`record`: names, CCCD,
// phones, address, notes, answers) and its folded `searchText`; a summary's `address` and
// `searchText`; a draft's `form` and `searchText`; the `value` of the meta keys that hold
// personal data (PERSONAL_META_KEYS). Every other field (ids, kind, syncState, syncedRev,
// groupCode, outcome, surveyedAt, savedAt, voided, rev, memberCount, updatedAt …) stays clear so
// the lists page by their indexes and the sync engine works while the phone is locked. A record
// row also keeps its envelope's `rev` in clear (the sync engine compares outbox revs with it).
// The personal parts go as JSON in one AES-GCM blob, `enc`, bound (AAD) to its table and primary
// key, so a blob moved to another row does not decrypt.
//
// Contract with the rest of the app (the shared design of issue #12):
// - unlocked: reads return the row as the app wrote it; writes are encrypted.
// - locked: reads return the row WITHOUT its personal parts (`enc` kept); writing such a row
//   (e.g. syncState changed) passes `enc` through unchanged; a write that carries personal
//   fields throws PhoneLockedError and the transaction is aborted (nothing half-written).
// - no PIN yet: rows pass through in clear (the app asks for the PIN before any screen that
//   writes personal data; setting it encrypts what is stored: pin-lock.ts encryptInPlace).
// - a row stored in clear (written before the lock existed) reads as it is, in any state.
import type { DBCore, DBCoreCursor, DBCoreMutateRequest, DBCoreTable, Dexie, Middleware } from 'dexie';
import { rowCipher } from './row-cipher.js';
import { PhoneLockedError, type Keyring } from './lock-state.js';

export const PERSONAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  records: ['record', 'searchText'],
  summaries: ['address', 'searchText'],
  // A pack holds whole summaries (storage/summary-packs.ts): all of it is personal.
  summaryPacks: ['rows'],
  drafts: ['form', 'searchText'],
  meta: ['value'],
};

/**
 * Meta keys whose value is personal (storage/meta.ts META_KEYS, each checked):
 * - 'assist.entry': the assistance screen's unsaved entry (a person's name, phone);
 * - 'serverNotices': staff changes shown to the volunteer (house numbers of households).
 * Not personal, kept clear: installId, wardConfig(+FetchedAt), language, practiceMode,
 * lastSyncAt, assist.campaign / place / recentCampaigns (a campaign's name and place),
 * assist.lastSaved (an id), pendingApplied (ids and revs), display, the lock's own entries,
 * wiped (a reason and a time), phoneRetention (counts and a time).
 * `device` is wrapped by the device key instead (sync/device-store.ts), so sync runs while locked.
 */
export const PERSONAL_META_KEYS: ReadonlySet<string> = new Set(['assist.entry', 'serverNotices']);

/** Every other meta key, each checked as not personal (a test keeps this list complete). */
export const CLEAR_META_KEYS: ReadonlySet<string> = new Set([
  'installId',
  'wardConfig',
  'wardConfigFetchedAt',
  'language',
  'practiceMode',
  'device', // sealed by the device key instead
  'deviceKey',
  'signingKey', // a non-extractable key and its public half
  'lastSyncAt',
  'assist.campaign',
  'assist.place',
  'assist.recentCampaigns',
  'assist.lastSaved',
  'pendingApplied',
  'display',
  'lock',
  'lock.attempts',
  'wiped',
  'phoneRetention',
]);

/** The at-rest field holding the encrypted personal parts. */
export const ENC_FIELD = 'enc';

type Row = Record<string, unknown>;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function aad(table: string, key: unknown): Uint8Array {
  return encoder.encode(`go-cua:${table}:${String(key)}`);
}

function fieldsFor(table: string, row: Row): readonly string[] {
  const fields = PERSONAL_FIELDS[table];
  if (!fields) return [];
  if (table === 'meta' && !PERSONAL_META_KEYS.has(String(row.key))) return [];
  return fields;
}

function hasAny(row: Row, fields: readonly string[]): boolean {
  return fields.some((f) => row[f] !== undefined);
}

function openEnc(keyring: Keyring, table: string, pk: unknown, blob: unknown): Row {
  const key = keyring.dataKey()!;
  return JSON.parse(decoder.decode(rowCipher().decrypt(key, blob as Uint8Array, aad(table, pk)))) as Row;
}

/** The row as stored: personal parts in `enc` (see the header for each lock state). */
export function encodeRow(keyring: Keyring, table: string, pkPath: string, row: Row): Row {
  if (!row || typeof row !== 'object') return row;
  const fields = fieldsFor(table, row);
  if (fields.length === 0 || !hasAny(row, fields)) return row; // nothing personal (or a locked row's ciphertext kept)
  if (keyring.status === 'no_pin') return row;
  if (keyring.status !== 'unlocked') throw new PhoneLockedError();
  const pk = row[pkPath];
  // A row read while locked and given personal fields after unlock keeps its other parts.
  const personal: Row = row[ENC_FIELD] !== undefined ? openEnc(keyring, table, pk, row[ENC_FIELD]) : {};
  const clear: Row = {};
  for (const [k, v] of Object.entries(row)) {
    if (fields.includes(k)) {
      if (v !== undefined) personal[k] = v;
    } else if (k !== ENC_FIELD) clear[k] = v;
  }
  if (table === 'records') {
    const rev = (personal.record as { rev?: unknown } | undefined)?.rev;
    if (typeof rev === 'number') clear.rev = rev;
  }
  clear[ENC_FIELD] = rowCipher().encrypt(keyring.dataKey()!, encoder.encode(JSON.stringify(personal)), aad(table, pk));
  return clear;
}

/** The row as the app reads it: decrypted when unlocked, without personal parts when locked. */
export function decodeRow(keyring: Keyring, table: string, pkPath: string, row: unknown): unknown {
  if (!row || typeof row !== 'object') return row;
  const stored = row as Row;
  if (stored[ENC_FIELD] === undefined || !keyring.isUnlocked()) return row;
  const { [ENC_FIELD]: blob, ...clear } = stored;
  if (table === 'records') delete clear.rev;
  return { ...clear, ...openEnc(keyring, table, stored[pkPath], blob) };
}

/**
 * decodeRow for many rows read past the middleware (storage/search-index.ts reads `summaries` as
 * stored): the same result, decrypted with WebCrypto in a batch — one key import per unlock
 * rather than a synchronous key set-up per row. Outside any transaction only (WebCrypto awaits).
 * A blob that fails its tag throws, as decodeRow does.
 */
export async function decodeRows<T>(keyring: Keyring | undefined, table: string, pkPath: string, rows: readonly unknown[]): Promise<T[]> {
  const key = keyring?.isUnlocked() ? keyring.webKey() : null;
  if (!key || !rows.some((r) => r && typeof r === 'object' && (r as Row)[ENC_FIELD] !== undefined)) return rows as T[];
  const cryptoKey = await key;
  return Promise.all(
    rows.map(async (row) => {
      if (!row || typeof row !== 'object' || (row as Row)[ENC_FIELD] === undefined) return row as T;
      const { [ENC_FIELD]: blob, ...clear } = row as Row;
      if (table === 'records') delete clear.rev;
      const sealed = blob as Uint8Array;
      if (!(sealed instanceof Uint8Array) || sealed.length < 1 + 12 + 16 || sealed[0] !== 1) throw new Error(`Encrypted data could not be authenticated (${table})`);
      let plain: ArrayBuffer;
      try {
        plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: sealed.slice(1, 13), additionalData: aad(table, (row as Row)[pkPath]) as Uint8Array<ArrayBuffer> },
          cryptoKey,
          sealed.slice(13),
        );
      } catch {
        throw new Error(`Encrypted data could not be authenticated (${table})`);
      }
      return { ...clear, ...(JSON.parse(decoder.decode(plain)) as Row) } as T;
    }),
  );
}

/**
 * encodeRow for many rows written past the middleware (storage/summary-packs.ts writes the
 * list's packs as stored): the same stored form, encrypted with WebCrypto in a batch. Outside
 * any transaction only (WebCrypto awaits); the caller then writes the result as it is.
 * Unlocked: encrypted; no PIN or no middleware: as given; locked: PhoneLockedError.
 */
export async function encodeRows(keyring: Keyring | undefined, table: string, pkPath: string, rows: readonly Row[]): Promise<Row[]> {
  if (!keyring || keyring.status === 'no_pin') return [...rows];
  const key = keyring.webKey();
  if (!key) throw new PhoneLockedError();
  const cryptoKey = await key;
  return Promise.all(
    rows.map(async (row) => {
      const fields = fieldsFor(table, row);
      if (fields.length === 0 || !hasAny(row, fields)) return row;
      const personal: Row = {};
      const clear: Row = {};
      for (const [k, v] of Object.entries(row)) {
        if (fields.includes(k)) {
          if (v !== undefined) personal[k] = v;
        } else clear[k] = v;
      }
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const aadBytes = aad(table, row[pkPath]) as Uint8Array<ArrayBuffer>;
      const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aadBytes }, cryptoKey, encoder.encode(JSON.stringify(personal))));
      // The blob layout of security/crypto.ts: version 1 | IV | ciphertext+tag.
      const sealed = new Uint8Array(1 + 12 + ct.length);
      sealed[0] = 1;
      sealed.set(iv, 1);
      sealed.set(ct, 13);
      clear[ENC_FIELD] = sealed;
      return clear;
    }),
  );
}

function wrapCursor(keyring: Keyring, table: string, pkPath: string, cursor: DBCoreCursor): DBCoreCursor {
  // The pattern Dexie's own middlewares use: a cursor whose `value` getter is replaced.
  return Object.create(cursor, {
    value: { get: () => decodeRow(keyring, table, pkPath, cursor.value) },
  }) as DBCoreCursor;
}

function encryptingTable(keyring: Keyring, table: DBCoreTable): DBCoreTable {
  const name = table.name;
  const pkPath = table.schema.primaryKey.keyPath;
  if (typeof pkPath !== 'string') return table; // every personal table has an inbound string key
  return {
    ...table,
    mutate(req: DBCoreMutateRequest) {
      if (req.type !== 'add' && req.type !== 'put') return table.mutate(req);
      // A Dexie upgrade runs before anyone could unlock: it moves rows as they are (an upgrade
      // from a build without the lock meets clear rows; setting the PIN encrypts them after).
      if ((req.trans as unknown as { mode?: string }).mode === 'versionchange') return table.mutate(req);
      let values: unknown[];
      try {
        // New objects: the caller keeps its clear row (saveRevision returns it to the screen).
        values = req.values.map((v) => encodeRow(keyring, name, pkPath, v as Row));
      } catch (err) {
        return Promise.reject(err);
      }
      return table.mutate({ ...req, values });
    },
    get(req) {
      return table.get(req).then((row) => decodeRow(keyring, name, pkPath, row));
    },
    getMany(req) {
      return table.getMany(req).then((rows) => rows.map((row) => decodeRow(keyring, name, pkPath, row)));
    },
    query(req) {
      return table.query(req).then((res) => (req.values ? { ...res, result: res.result.map((row) => decodeRow(keyring, name, pkPath, row)) } : res));
    },
    openCursor(req) {
      return table.openCursor(req).then((cursor) => (cursor && req.values !== false ? wrapCursor(keyring, name, pkPath, cursor) : cursor));
    },
  };
}

export function encryptionMiddleware(keyring: Keyring): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'GoCuaAtRestEncryption',
    // Above Dexie's own cache and observability layers (level 0): what they keep in memory for
    // live queries is the stored (encrypted) form.
    level: 10,
    create(down: DBCore): DBCore {
      return {
        ...down,
        table(tableName: string) {
          const table = down.table(tableName);
          return PERSONAL_FIELDS[tableName] ? encryptingTable(keyring, table) : table;
        },
      };
    },
  };
}

const keyrings = new WeakMap<object, Keyring>();

/** Installs the middleware on a database not yet opened (storage/app-db.ts, tests). */
export function installEncryption<D extends Dexie>(db: D, keyring: Keyring): D {
  db.use(encryptionMiddleware(keyring));
  keyrings.set(db, keyring);
  return db;
}

/** The keyring a database encrypts with; undefined for a database without the middleware (tests). */
export function keyringOf(db: object): Keyring | undefined {
  return keyrings.get(db);
}
