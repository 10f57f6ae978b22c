// The first start of an empty ward endpoint: load the ward configurations, make a ward-admin
// account and an enrolment code for a first device, and hand them to main.ts to print once.
// A marker row in server_meta, written in the same transaction as the account, makes every
// later start (or a crash after commit) skip this: the password exists only as a hash after.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { insertUser, prepareUser } from './accounts.js';
import { issueEnrolmentCode } from './enrolment-codes.js';
import { newPassword } from './secrets.js';
import { listWards, loadWardSeeds } from './wards.js';

/** The demo ward (Chí Linh, Hải Phòng) gets the first admin when it is among the seeds. */
export const DEMO_WARD_CODE = '10546';
const FIRST_START_KEY = 'first_start_done';

export interface FirstStartCredentials {
  wardCode: string;
  wardName: string;
  username: string;
  password: string;
  enrolmentCode: string;
}

export interface InitialiseResult {
  wardsAdded: string[];
  /** Only on the very first start; never again. */
  firstStart: FirstStartCredentials | null;
}

export async function initialise(server: { db: Kysely<Database>; enrolmentKey: Buffer }, seedsDir: string, now = new Date()): Promise<InitialiseResult> {
  const db = server.db;
  const wardsAdded = await loadWardSeeds(db, seedsDir, now);
  const done = await db.selectFrom('server_meta').select('value').where('key', '=', FIRST_START_KEY).executeTakeFirst();
  if (done) return { wardsAdded, firstStart: null };
  const wards = await listWards(db);
  const ward = wards.find((w) => w.code === DEMO_WARD_CODE) ?? wards[0];
  if (!ward) return { wardsAdded, firstStart: null }; // no seeds yet: try again next start

  const username = `admin-${ward.code}`;
  const password = newPassword();
  // Hashed before the transaction: scrypt takes half a second, and the write lock is not held meanwhile.
  const prepared = await prepareUser({ username, password });
  const credentials = await db.transaction().execute(async (trx) => {
    // The marker goes first: a second process starting at the same moment fails here, not after.
    await trx.insertInto('server_meta').values({ key: FIRST_START_KEY, value: now.toISOString() }).execute();
    await insertUser(trx, { wardCode: ward.code, role: 'ward_admin', ...prepared }, now);
    const { code: enrolmentCode } = await issueEnrolmentCode({ db: trx, enrolmentKey: server.enrolmentKey }, ward.code, 1, now);
    return { wardCode: ward.code, wardName: ward.name, username, password, enrolmentCode };
  });
  return { wardsAdded, firstStart: credentials };
}
