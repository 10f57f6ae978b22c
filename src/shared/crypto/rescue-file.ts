// The rescue file (docs/sync-protocol.md, "Rescue files"): a phone that cannot reach the ward
// endpoint exports its unsynced records and drafts as ONE file, sealed to the ward's public key
// with HPKE (the suite of the sealed outbox, another `info`) and signed by the device's signing
// key (ECDSA P-256, SHA-256; its public half registered with the device at enrolment). Ward staff
// upload it on the dashboard; the server checks the signature, opens the payload and ingests the
// records through the sync path.
//
// Shapes and the exact bytes signed and bound live here, used unchanged by the phone (which
// builds the file) and the server (which checks it): a drift between the two would refuse every
// file. Zod and WebCrypto only (present in every browser and Node ≥ 20).
import { z } from 'zod';
import { canonicalJson } from '../protocol/canonical-json.js';
import { wardCodeSchema } from '../schema/common.js';
import { fromBase64Url, KID_PATTERN, P256_POINT_PATTERN, toBase64Url } from './sealed.js';

export const RESCUE_FORMAT = 'go-cua-rescue';
export const RESCUE_VERSION = 1;
/** At most this many records and drafts in one file (a phone's outbox is hundreds at most). */
export const MAX_RESCUE_RECORDS = 5000;
export const MAX_RESCUE_DRAFTS = 1000;
/** The whole file as uploaded: bytes (the route's body limit). */
export const MAX_RESCUE_FILE_BYTES = 8 * 1024 * 1024;
const MAX_RESCUE_CT_CHARS = Math.ceil((MAX_RESCUE_FILE_BYTES * 3) / 4);

/** An ECDSA P-256 signature as WebCrypto makes it (r ‖ s, 64 bytes), base64url: 86 characters. */
export const P256_SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{86}$/;
const ISO_TIME = z.iso.datetime({ offset: false });

/** A device's public signing key: the uncompressed P-256 point, base64url (as the ward's sealing key). */
export const signingPublicKeySchema = z.string().regex(P256_POINT_PATTERN);

/** The clear envelope: what staff see before anything is opened; all of it is signed. */
export const rescueEnvelopeSchema = z
  .object({
    format: z.literal(RESCUE_FORMAT),
    version: z.literal(RESCUE_VERSION),
    wardCode: wardCodeSchema,
    deviceId: z.uuid(),
    createdAt: ISO_TIME,
    records: z.number().int().min(0).max(MAX_RESCUE_RECORDS),
    drafts: z.number().int().min(0).max(MAX_RESCUE_DRAFTS),
  })
  .strict();
export type RescueEnvelope = z.infer<typeof rescueEnvelopeSchema>;

export const rescueFileSchema = z
  .object({
    envelope: rescueEnvelopeSchema,
    sealed: z
      .object({
        kid: z.string().regex(KID_PATTERN),
        enc: z.string().regex(P256_POINT_PATTERN),
        ct: z.string().min(22).max(MAX_RESCUE_CT_CHARS).regex(/^[A-Za-z0-9_-]+$/),
      })
      .strict(),
    signature: z.object({ alg: z.literal('ES256'), sig: z.string().regex(P256_SIGNATURE_PATTERN) }).strict(),
  })
  .strict();
export type RescueFile = z.infer<typeof rescueFileSchema>;

/** A draft as it travels: the form as the phone's UI kept it (possibly incomplete), never parsed as a record. */
export const rescueDraftSchema = z
  .object({
    id: z.uuid(),
    kind: z.literal('household'),
    recordId: z.uuid().optional(),
    step: z.string().max(40),
    form: z.unknown(),
    createdAt: ISO_TIME,
    updatedAt: ISO_TIME,
  })
  .strict();
export type RescueDraft = z.infer<typeof rescueDraftSchema>;

/** What is sealed: the records' envelopes exactly as the sync would send them, and the drafts. */
export const rescuePayloadSchema = z
  .object({
    records: z.array(z.unknown()).max(MAX_RESCUE_RECORDS),
    drafts: z.array(rescueDraftSchema).max(MAX_RESCUE_DRAFTS),
  })
  .strict();
export type RescuePayload = z.infer<typeof rescuePayloadSchema>;

/** HPKE `info`: not the outbox's, so a rescue payload never opens as an outbox record (or back). */
export function rescueInfoText(wardCode: string): string {
  return `go-cua rescue v1|${wardCode}`;
}

/** HPKE AAD: the whole clear envelope, so the ciphertext cannot be moved under another one. */
export function rescueAadText(envelope: RescueEnvelope): string {
  return `go-cua rescue|${canonicalJson(envelope)}`;
}

/** The exact text the device signs: the canonical JSON of the file without its signature. */
export function rescueSignedText(file: Pick<RescueFile, 'envelope' | 'sealed'>): string {
  return canonicalJson({ envelope: file.envelope, sealed: file.sealed });
}

/** The file's name: ward, device (first 8 characters) and the day it was made. */
export function rescueFileName(envelope: Pick<RescueEnvelope, 'wardCode' | 'deviceId' | 'createdAt'>): string {
  return `go-cua-${envelope.wardCode}-${envelope.deviceId.slice(0, 8)}-${envelope.createdAt.slice(0, 10)}.gocua.json`;
}

// src/shared is typed without the DOM and Node libraries: the WebCrypto calls used are named by hand.
interface Subtle {
  importKey(format: 'raw', data: Uint8Array, algorithm: object, extractable: boolean, usages: string[]): Promise<unknown>;
  verify(algorithm: object, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
  sign(algorithm: object, key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
}
interface Platform {
  crypto: { subtle: Subtle };
  TextEncoder: new () => { encode(text: string): Uint8Array<ArrayBuffer> };
}
const platform = globalThis as unknown as Platform;
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ES256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/**
 * Whether a public signing key is a P-256 point on the curve (WebCrypto refuses any other
 * point on import). Never throws.
 */
export async function isValidSigningKey(publicKey: string): Promise<boolean> {
  if (!signingPublicKeySchema.safeParse(publicKey).success) return false;
  try {
    await platform.crypto.subtle.importKey('raw', fromBase64Url(publicKey), ECDSA, false, ['verify']);
    return true;
  } catch {
    return false;
  }
}

/** Signs the file's signed text with the device's private key (a WebCrypto CryptoKey). */
export async function signRescueFile(privateKey: unknown, file: Pick<RescueFile, 'envelope' | 'sealed'>): Promise<RescueFile['signature']> {
  const signature = await platform.crypto.subtle.sign(ES256, privateKey, new platform.TextEncoder().encode(rescueSignedText(file)));
  return { alg: 'ES256', sig: toBase64Url(new Uint8Array(signature)) };
}

/** Whether the file's signature is the registered key's. Never throws. */
export async function verifyRescueFile(publicKey: string, file: RescueFile): Promise<boolean> {
  try {
    const key = await platform.crypto.subtle.importKey('raw', fromBase64Url(publicKey), ECDSA, false, ['verify']);
    return await platform.crypto.subtle.verify(ES256, key, fromBase64Url(file.signature.sig), new platform.TextEncoder().encode(rescueSignedText(file)));
  } catch {
    return false;
  }
}
