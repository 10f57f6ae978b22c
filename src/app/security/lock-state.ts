// Whether the phone's personal data can be read right now, and the key that reads it.
// States of a `Keyring`:
// - 'locked': no data key in memory. Reads through the at-rest middleware return rows without
//   their personal parts (the ciphertext kept); writing such a row passes through unchanged;
//   a write that would need encryption throws PhoneLockedError. This is the state at start.
// - 'unlocked': the data key (256 bits, unwrapped with the PIN) is in memory; rows are decrypted
//   on read and encrypted on write.
// - 'no_pin': this phone has no PIN yet (a new phone, or one updated from a build without the
//   lock): rows pass through in clear, as before the lock existed. The app shows the PIN set-up
//   before any screen that writes personal data, and setting the PIN encrypts what is stored.
// The data key lives only in this module's memory (never in storage, never in a global).
// subscribe() tells listeners of every change: the search index (storage/search-index.ts) is
// built at unlock and cleared at lock; the app shows the lock screen.

export type LockStatus = 'locked' | 'unlocked' | 'no_pin';

/** A write needed the data key while the phone was locked; nothing was written. */
export class PhoneLockedError extends Error {
  readonly i18nKey = 'lock.error.locked';
  constructor(message = 'The phone is locked: personal data cannot be written until it is unlocked') {
    super(message);
    this.name = 'PhoneLockedError';
  }
}

export type LockListener = (status: LockStatus) => void;

export class Keyring {
  #status: LockStatus = 'locked';
  #key: Uint8Array | null = null;
  #webKey: Promise<CryptoKey> | null = null;
  readonly #listeners = new Set<LockListener>();

  get status(): LockStatus {
    return this.#status;
  }

  isUnlocked(): boolean {
    return this.#status === 'unlocked';
  }

  /** The data key, or null unless unlocked (used by the at-rest middleware only). */
  dataKey(): Uint8Array | null {
    return this.#key;
  }

  /**
   * The data key as a non-extractable WebCrypto key, imported once per unlock: reads and writes
   * of many rows outside a transaction (the list's index and its packs: storage/search-index.ts,
   * storage/summary-packs.ts) use it in a batch instead of one synchronous key set-up per row.
   * Null unless unlocked.
   */
  webKey(): Promise<CryptoKey> | null {
    if (!this.#key) return null;
    this.#webKey ??= crypto.subtle.importKey('raw', new Uint8Array(this.#key), 'AES-GCM', false, ['encrypt', 'decrypt']);
    return this.#webKey;
  }

  /** Holds the data key (after the PIN unwrapped it, or after it was made at PIN set-up). */
  unlock(key: Uint8Array): void {
    this.#key = key;
    this.#webKey = null;
    this.#set('unlocked');
  }

  /** Forgets the data key (idle timeout, the "Khoá" button, a PIN reset). */
  lock(): void {
    // Overwrite before dropping: a copy may linger in the heap, but not this one.
    this.#key?.fill(0);
    this.#key = null;
    this.#webKey = null;
    this.#set('locked');
  }

  /** No PIN is set on this phone (rows are in clear; see the header). */
  markNoPin(): void {
    this.#key?.fill(0);
    this.#key = null;
    this.#webKey = null;
    this.#set('no_pin');
  }

  subscribe(listener: LockListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(status: LockStatus): void {
    const changed = status !== this.#status;
    this.#status = status;
    if (changed) for (const l of [...this.#listeners]) l(status);
  }
}

/** The app's keyring (the one `appDb` encrypts with: storage/app-db.ts). Tests make their own. */
export const appLock = new Keyring();

/** Whether the app's personal data is readable now. */
export function isUnlocked(): boolean {
  return appLock.isUnlocked();
}

export function lockStatus(): LockStatus {
  return appLock.status;
}

/** Called on every lock/unlock of the app's data; returns the unsubscribe function. */
export function subscribe(listener: LockListener): () => void {
  return appLock.subscribe(listener);
}
