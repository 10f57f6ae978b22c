// The synchronous row cipher the at-rest middleware uses (AES-256-GCM from @noble/ciphers,
// security/crypto.ts), reached through this slot rather than a static import: the middleware is
// part of every start (storage/app-db.ts), while the cipher is needed only once the phone is
// unlocked — and unlocking goes through crypto.ts (pin-lock.ts), which fills the slot when it
// loads. A first visit (no PIN) or a locked start never downloads the cipher (issue 13).

export interface RowCipher {
  encrypt(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  decrypt(key: Uint8Array, blob: Uint8Array, aad: Uint8Array): Uint8Array;
}

let cipher: RowCipher | undefined;

/** Called by security/crypto.ts when it is evaluated. */
export function provideRowCipher(c: RowCipher): void {
  cipher = c;
}

/** The cipher; only reachable while unlocked, which implies crypto.ts has loaded. */
export function rowCipher(): RowCipher {
  if (!cipher) throw new Error('The row cipher is not loaded (security/crypto.ts): the phone cannot be unlocked without it');
  return cipher;
}
