// The shapes of sealed outbox records (docs/sync-protocol.md, "Sealed records"): the ward's
// public sealing key as the phone receives it, and a sealed payload as the phone stores and
// sends it. Schemas only, no cryptography (that is hpke.ts), so the ward configuration's schema
// can check a key without loading the HPKE library.
import '../zod-setup.js';
import { z } from 'zod';
import { MAX_RECORD_BYTES } from '../protocol/record-limits.js';

/** The one HPKE suite (RFC 9180) Gõ Cửa seals with: all three are WebCrypto in Chromium and Node. */
export const SEAL_SUITE = 'DHKEM(P-256,HKDF-SHA256)/HKDF-SHA256/AES-256-GCM';

/** A key id: the first 16 bytes of SHA-256 of the raw public key, base64url (22 characters). */
export const KID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/**
 * An uncompressed P-256 point (65 bytes, first byte 0x04), base64url without padding: 87
 * characters, the first of which is 'B' (0x04 is 000001 in its first six bits). Both the
 * public key and HPKE's `enc` have this shape.
 */
export const P256_POINT_PATTERN = /^B[A-Za-z0-9_-]{86}$/;
/** Ciphertext of one record: at most MAX_RECORD_BYTES of JSON plus the 16-byte AES-GCM tag. */
export const MAX_SEALED_CT_CHARS = Math.ceil(((MAX_RECORD_BYTES + 16) * 4) / 3);

/** The ward's public sealing key, in the configuration the phone fetches (GET /api/v1/config). */
export const sealingPublicKeySchema = z
  .object({
    suite: z.literal(SEAL_SUITE),
    kid: z.string().regex(KID_PATTERN),
    publicKey: z.string().regex(P256_POINT_PATTERN),
  })
  .strict();
export type SealingPublicKey = z.infer<typeof sealingPublicKeySchema>;

/** A sealed record's payload: base64url `enc` (the sender's ephemeral key) and `ct`. */
export const sealedPayloadSchema = z
  .object({
    kid: z.string().regex(KID_PATTERN),
    enc: z.string().regex(P256_POINT_PATTERN),
    ct: z.string().min(22).max(MAX_SEALED_CT_CHARS).regex(/^[A-Za-z0-9_-]+$/),
  })
  .strict();
export type SealedPayload = z.infer<typeof sealedPayloadSchema>;

/**
 * A batch item carrying a sealed record: id and rev in clear, for the per-position result and
 * because the ciphertext is bound to them (the AAD), so it cannot be replayed under another.
 */
export const sealedItemSchema = z
  .object({
    id: z.uuid(),
    rev: z.number().int().min(1),
    sealed: sealedPayloadSchema,
  })
  .strict();
export type SealedItem = z.infer<typeof sealedItemSchema>;

/** Whether a batch item is meant as a sealed record (then sealedItemSchema is its judge). */
export function isSealedItem(item: unknown): boolean {
  return typeof item === 'object' && item !== null && !Array.isArray(item) && 'sealed' in item;
}

/** HPKE `info`: what the key is used for, and for which ward. */
export function sealInfoText(wardCode: string): string {
  return `go-cua outbox v1|${wardCode}`;
}

/** HPKE AAD: the record id and rev the ciphertext belongs to. */
export function sealAadText(id: string, rev: number): string {
  return `go-cua record|${id}|${rev}`;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64URL_INDEX = new Map([...B64URL].map((c, i) => [c, i]));

export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]!;
    if (i + 1 < bytes.length) out += B64URL[(n >> 6) & 63]!;
    if (i + 2 < bytes.length) out += B64URL[n & 63]!;
  }
  return out;
}

/** Decodes unpadded base64url; throws on any other character or an impossible length. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (text.length % 4 === 1) throw new Error('base64url: bad length');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    const chunk = text.slice(i, i + 4);
    for (let j = 0; j < 4; j++) {
      const c = chunk[j];
      const v = c === undefined ? 0 : B64URL_INDEX.get(c);
      if (v === undefined) throw new Error('base64url: bad character');
      n = (n << 6) | v;
    }
    out[o++] = (n >> 16) & 255;
    if (chunk.length > 2) out[o++] = (n >> 8) & 255;
    if (chunk.length > 3) out[o++] = n & 255;
  }
  return out;
}
