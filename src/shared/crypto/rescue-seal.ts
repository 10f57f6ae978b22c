// Making a rescue file (rescue-file.ts has the format): the payload sealed to the ward's key
// with HPKE under the rescue `info`, bound to the clear envelope, then the envelope and the
// ciphertext signed with the device's signing key. Apart from rescue-file.ts so that checking a
// file's shape never loads the HPKE library. Used by the phone (features/rescue) and the tests.
import { canonicalJson } from '../protocol/canonical-json.js';
import { sealBound } from './hpke.js';
import {
  RESCUE_FORMAT,
  RESCUE_VERSION,
  rescueAadText,
  rescueInfoText,
  signRescueFile,
  type RescueEnvelope,
  type RescueFile,
  type RescuePayload,
} from './rescue-file.js';
import type { SealingPublicKey } from './sealed.js';

export interface RescueFileInput {
  wardCode: string;
  deviceId: string;
  createdAt: string;
  sealingKey: SealingPublicKey;
  /** The device's private signing key (a WebCrypto CryptoKey, ECDSA P-256, usage 'sign'). */
  signingKey: unknown;
  payload: RescuePayload;
}

export async function makeRescueFile(input: RescueFileInput): Promise<RescueFile> {
  const envelope: RescueEnvelope = {
    format: RESCUE_FORMAT,
    version: RESCUE_VERSION,
    wardCode: input.wardCode,
    deviceId: input.deviceId,
    createdAt: input.createdAt,
    records: input.payload.records.length,
    drafts: input.payload.drafts.length,
  };
  const sealed = await sealBound(input.sealingKey, rescueInfoText(input.wardCode), rescueAadText(envelope), canonicalJson(input.payload));
  const signature = await signRescueFile(input.signingKey, { envelope, sealed });
  return { envelope, sealed, signature };
}
