// Device enrolment: once, online. POST /api/v1/devices/enrol {"wardCode","enrolmentCode",
// "volunteerName"} → 201 {"deviceId","token"} (401: wrong or used-up code; 403: a code of another
// ward). The credentials go to meta 'device'; then GET /api/v1/config with the token caches the
// ward's configuration so the app works offline. The configuration is refreshed after each
// successful sync run (refreshWardConfig; failures are ignored: the cached copy stays).
import type { GoCuaDb } from '../storage/db.js';
import { cacheWardConfig } from '../storage/ward-config.js';
import type { WardConfig } from '../../shared/schema/ward-config.js';
import { getDevice, setDevice, setWardConfigFetchedAt, type DeviceCredentials } from './device-store.js';
import { ensureSigningKeyRegistered, newSigningKey, setSigningKey } from './signing-key.js';

/** Fired on window when a new ward configuration has been cached. */
export const WARD_CONFIG_EVENT = 'go-cua:ward-config';

export interface EnrolInput {
  wardCode: string;
  enrolmentCode: string;
  volunteerName: string;
}

/** Each has a message at `enrolment.error.<code>`. */
export type EnrolmentErrorCode =
  | 'ward_code_format'
  | 'code_required'
  | 'name_required'
  | 'wrong_code'
  | 'other_ward'
  | 'offline'
  | 'rate_limited'
  | 'update_app'
  | 'server';

export type EnrolFieldErrors = Partial<Record<keyof EnrolInput, EnrolmentErrorCode>>;

export interface HttpOptions {
  /** Origin of the ward endpoint; '' = same origin as the app. */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  now?: () => Date;
  language?: string;
}

export type EnrolResult =
  | { ok: true; device: DeviceCredentials; config?: WardConfig }
  | { ok: false; code: EnrolmentErrorCode; fieldErrors?: EnrolFieldErrors };

export function normaliseEnrolInput(input: EnrolInput): EnrolInput {
  return {
    wardCode: input.wardCode.replace(/\s+/g, ''),
    enrolmentCode: input.enrolmentCode.trim(),
    volunteerName: input.volunteerName.trim().replace(/\s+/g, ' '),
  };
}

export function validateEnrolInput(input: EnrolInput): EnrolFieldErrors {
  const n = normaliseEnrolInput(input);
  const errors: EnrolFieldErrors = {};
  if (!/^\d{5}$/.test(n.wardCode)) errors.wardCode = 'ward_code_format';
  if (!n.enrolmentCode) errors.enrolmentCode = 'code_required';
  if (!n.volunteerName) errors.volunteerName = 'name_required';
  return errors;
}

function fetchOf(options: HttpOptions): typeof globalThis.fetch {
  return options.fetch ?? ((input, init) => globalThis.fetch(input, init));
}

export async function enrolDevice(db: GoCuaDb, input: EnrolInput, options: HttpOptions = {}): Promise<EnrolResult> {
  const fieldErrors = validateEnrolInput(input);
  const first = Object.values(fieldErrors)[0];
  if (first) return { ok: false, code: first, fieldErrors };
  const body = normaliseEnrolInput(input);
  // The device's signing key (rescue files) goes with the enrolment; kept once it succeeds.
  const signing = await newSigningKey().catch(() => undefined);
  let response: Response;
  try {
    response = await fetchOf(options)(`${options.baseUrl ?? ''}/api/v1/devices/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': options.language ?? 'vi' },
      body: JSON.stringify(signing ? { ...body, signingKey: signing.publicKey } : body),
    });
  } catch {
    return { ok: false, code: 'offline' };
  }
  if (response.status === 401) return { ok: false, code: 'wrong_code', fieldErrors: { enrolmentCode: 'wrong_code' } };
  if (response.status === 403) return { ok: false, code: 'other_ward', fieldErrors: { wardCode: 'other_ward' } };
  if (response.status === 429) return { ok: false, code: 'rate_limited' };
  if (response.status === 426) return { ok: false, code: 'update_app' };
  if (response.status === 400) {
    // The server found the input malformed; our own checks passed, so point at the code.
    return { ok: false, code: 'wrong_code', fieldErrors: { enrolmentCode: 'wrong_code' } };
  }
  if (response.status !== 201 && response.status !== 200) return { ok: false, code: 'server' };
  let answer: { deviceId?: unknown; token?: unknown };
  try {
    answer = (await response.json()) as typeof answer;
  } catch {
    return { ok: false, code: 'server' };
  }
  if (typeof answer.deviceId !== 'string' || typeof answer.token !== 'string') return { ok: false, code: 'server' };
  const device: DeviceCredentials = {
    deviceId: answer.deviceId,
    token: answer.token,
    wardCode: body.wardCode,
    volunteerName: body.volunteerName,
    enrolledAt: (options.now?.() ?? new Date()).toISOString(),
  };
  await setDevice(db, device);
  if (signing) await setSigningKey(db, { ...signing, deviceId: device.deviceId, registered: 'yes' });
  const config = await refreshWardConfig(db, options);
  return { ok: true, device, ...(config ? { config } : {}) };
}

/** Fetches and caches the ward configuration; undefined (cached copy kept) on any failure. */
export async function refreshWardConfig(db: GoCuaDb, options: HttpOptions = {}): Promise<WardConfig | undefined> {
  const device = await getDevice(db);
  if (!device || device.revokedAt) return undefined;
  try {
    const response = await fetchOf(options)(`${options.baseUrl ?? ''}/api/v1/config`, {
      headers: { authorization: `Bearer ${device.token}`, accept: 'application/json' },
    });
    if (!response.ok) return undefined;
    const config = await cacheWardConfig(db, await response.json());
    // A phone enrolled before signing keys registers one (once; quiet when offline).
    await ensureSigningKeyRegistered(db, device, options).catch(() => undefined);
    await setWardConfigFetchedAt(db, (options.now?.() ?? new Date()).toISOString());
    // Screens holding the configuration (ward-context.tsx) reload it.
    const target = globalThis as { dispatchEvent?: (event: Event) => boolean };
    if (typeof target.dispatchEvent === 'function') target.dispatchEvent(new Event(WARD_CONFIG_EVENT));
    return config;
  } catch {
    return undefined;
  }
}

/**
 * The pre-filled values of a link from the dashboard's QR code: `?ward=CODE&code=XXXX`, in the
 * query or after the hash route (`#/enrol?ward=…&code=…`).
 */
export function readEnrolmentLink(url: string): Partial<Pick<EnrolInput, 'wardCode' | 'enrolmentCode'>> {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://local.invalid/');
  } catch {
    return {};
  }
  const hashQuery = parsed.hash.includes('?') ? parsed.hash.slice(parsed.hash.indexOf('?') + 1) : '';
  const params = [parsed.searchParams, new URLSearchParams(hashQuery)];
  const read = (key: string) => params.map((p) => p.get(key)?.trim()).find((v) => !!v);
  const wardCode = read('ward');
  const enrolmentCode = read('code');
  return { ...(wardCode ? { wardCode } : {}), ...(enrolmentCode ? { enrolmentCode } : {}) };
}
