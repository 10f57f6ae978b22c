// The one database instance the app uses. Dexie opens it lazily on first use; tests make
// their own GoCuaDb instances instead. Personal fields are encrypted at rest with the app's
// keyring (security/at-rest.ts, security/lock-state.ts).
import Dexie from 'dexie';
import { installEncryption } from '../security/at-rest.js';
import { appLock } from '../security/lock-state.js';
import { GoCuaDb } from './db.js';

// Dexie turns its debug mode on by itself for pages served from localhost or 127.0.0.1 (a ward
// endpoint tried on the machine it runs on, `npm start`): every table operation then makes a
// console task (console.createTask), whose stack capture is costly on a cheap phone's start
// while DevTools or any debugger is attached. The app never wants it.
Dexie.debug = false;

export const appDb = installEncryption(new GoCuaDb(), appLock);
