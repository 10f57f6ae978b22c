// Which fields of each record kind identify a person (names, CCCD, phone numbers, address
// details, free text), and how to erase them while keeping everything the indicators count
// (year of birth, sex, relation, every answer, the visit's outcome and dates, tổ dân phố).
//
// Used where personal data must go but the record must stay: the server's retention
// (src/server/services/retention.ts: records past the ward's `retentionMonths`, every stored
// revision and conflict) and, for a whole record, the data-subject erasure. Pure: no clock, no I/O.
//
// An erased record still passes its kind's schema (stored bodies are re-read by the dashboard,
// the follow-up list, the sync's duplicate check and staff edits):
// - an optional field is removed;
// - a required text (the house number; a void reason or a reason note that a rule requires) is
//   replaced by ERASED_TEXT. Screens and exports show it translated ("(đã xoá)" / "(erased)",
//   `isErasedText`); it is in Vietnamese itself so a reader that does not translate it still
//   says the right thing to a Vietnamese user.
//
// A new schema version of a kind needs its own entry in PERSONAL_FIELDS (a unit test walks every
// kind and version of schema/registry.ts and fails otherwise), so a field added later is never
// left out silently.

/** What an erased required text field holds. Accepted by every text schema it replaces (1–40 chars). */
export const ERASED_TEXT = '(đã xoá)';

/** True when a stored text is the erased marker (show it translated, never as typed data). */
export function isErasedText(value: unknown): boolean {
  return value === ERASED_TEXT;
}

/**
 * `remove`: the key is deleted (optional fields). `marker`: a present value becomes ERASED_TEXT
 * (fields the schema or a cross-field rule requires); an absent one stays absent.
 */
export type Erasure = 'remove' | 'marker';

export interface PersonalField {
  /** Dot path inside the record's `data`; `*` is every element of an array. */
  path: string;
  erase: Erasure;
}

const HOUSEHOLD_V1: readonly PersonalField[] = [
  { path: 'address.houseNumber', erase: 'marker' },
  { path: 'address.lane', erase: 'remove' },
  { path: 'address.street', erase: 'remove' },
  { path: 'note', erase: 'remove' },
  // Required when voided; typed by a volunteer or staff, so it may name someone.
  { path: 'voidReason', erase: 'marker' },
  { path: 'consent.consenterName', erase: 'remove' },
  { path: 'members.*.name', erase: 'remove' },
  { path: 'members.*.cccd', erase: 'remove' },
  { path: 'members.*.phone', erase: 'remove' },
  { path: 'members.*.wantsHelpNote', erase: 'remove' },
];

const ASSISTANCE_V1: readonly PersonalField[] = [
  { path: 'person.name', erase: 'remove' },
  { path: 'person.phone', erase: 'remove' },
  // Required when the reason is "other".
  { path: 'reasonNote', erase: 'marker' },
  { path: 'voidReason', erase: 'marker' },
  // Kept: campaign and place name the event ("Đợt ra quân tháng 11", "Nhà văn hóa TDP 03"),
  // not the person, and the assistance tallies group by campaign.
];

/**
 * Personal fields by kind and schema version. Household version 2 changed which questions are
 * asked, not where identities sit, so it has version 1's list. A list for a version this build
 * does not define yet is harmless (it is only looked up for stored records).
 */
export const PERSONAL_FIELDS: Readonly<Record<string, Readonly<Record<number, readonly PersonalField[]>>>> = {
  household: { 1: HOUSEHOLD_V1, 2: HOUSEHOLD_V1 },
  // Assistance version 2 (issue 12, point 6) adds the person's consent record (purpose, notice
  // version, time: no identity) and keeps name and phone where version 1 had them.
  assistance: { 1: ASSISTANCE_V1, 2: ASSISTANCE_V1 },
};

export class UnknownPersonalFieldsError extends Error {
  constructor(kind: string, version: number) {
    super(`no personal-field list for ${kind} version ${version}`);
  }
}

/** The personal fields of a kind at a schema version; throws for a pair not listed (never erase half). */
export function personalFieldsOf(kind: string, schemaVersion: number): readonly PersonalField[] {
  const fields = PERSONAL_FIELDS[kind]?.[schemaVersion];
  if (!fields) throw new UnknownPersonalFieldsError(kind, schemaVersion);
  return fields;
}

type Json = unknown;

function eraseAt(node: Json, parts: readonly string[], erase: Erasure): void {
  if (typeof node !== 'object' || node === null) return;
  const [head, ...rest] = parts;
  if (head === undefined) return;
  if (head === '*') {
    if (Array.isArray(node)) for (const item of node) eraseAt(item, rest, erase);
    return;
  }
  const obj = node as Record<string, Json>;
  if (rest.length > 0) {
    eraseAt(obj[head], rest, erase);
    return;
  }
  if (!Object.prototype.hasOwnProperty.call(obj, head)) return;
  if (erase === 'remove') delete obj[head];
  else if (obj[head] !== undefined && obj[head] !== null) obj[head] = ERASED_TEXT;
}

/**
 * `data` of a record of `kind` at `schemaVersion` (default: the version the lists know as the
 * newest) with its personal fields erased. Returns a new object; the input is not changed.
 * Idempotent: erasing erased data changes nothing.
 */
export function erasePersonalFields<T>(kind: string, data: T, schemaVersion?: number): T {
  const versions = PERSONAL_FIELDS[kind];
  const version = schemaVersion ?? (versions ? Math.max(...Object.keys(versions).map(Number)) : 0);
  const fields = personalFieldsOf(kind, version);
  // Record data is JSON (stored bodies, phone rows): a JSON copy is exact and needs no DOM/Node API.
  const copy = (data === undefined ? data : JSON.parse(JSON.stringify(data))) as T;
  for (const field of fields) eraseAt(copy, field.path.split('.'), field.erase);
  return copy;
}

/**
 * A whole stored record (the sync envelope `{ id, kind, rev, schemaVersion, clientUpdatedAt,
 * data }`, in whatever version it was stored) with the personal fields of its `data` erased
 * for its own kind and version. Throws for a kind or version without a list.
 */
export function eraseRecordPersonalFields<T>(record: T): T {
  const envelope = record as { kind?: unknown; schemaVersion?: unknown; data?: unknown };
  if (typeof envelope !== 'object' || envelope === null || typeof envelope.kind !== 'string' || typeof envelope.schemaVersion !== 'number') {
    throw new UnknownPersonalFieldsError(String(envelope?.kind), Number(envelope?.schemaVersion));
  }
  return { ...record, data: erasePersonalFields(envelope.kind, envelope.data, envelope.schemaVersion) };
}
