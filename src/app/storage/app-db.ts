// The one database instance the app uses. Dexie opens it lazily on first use; tests make
// their own GoCuaDb instances instead.
import { GoCuaDb } from './db.js';

export const appDb = new GoCuaDb();
