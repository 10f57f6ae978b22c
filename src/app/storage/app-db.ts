// The one database instance the app uses. Dexie opens it lazily on first use; tests make
// their own GoCuaDb instances instead. Personal fields are encrypted at rest with the app's
// keyring (security/at-rest.ts, security/lock-state.ts).
import { installEncryption } from '../security/at-rest.js';
import { appLock } from '../security/lock-state.js';
import { GoCuaDb } from './db.js';

export const appDb = installEncryption(new GoCuaDb(), appLock);
