// The assistance screen's model, without React or a browser (tests/unit/assistance/assist-model.test.ts).
// An "entry" is one person's help as it is being filled in. Its contract:
// - Checking an entry reports EVERY problem at once (kinds, outcome, reason, year, phone), in
//   codes whose messages say what to do ("195" → type four digits, not "not a whole number").
// - The save is the boundary between people: a saved entry is replaced by a fresh one (the
//   campaign and place stay); a refused entry stays as it is, errors and all, so the next
//   person's taps can never be added to it unnoticed.
// - The unsaved entry is kept in storage after every change (assistance-repo.ts), so a reload or
//   a killed tab brings it back; a successful save clears it in the same step.
// - A name and phone are kept only with the person's consent (issue 12): the consent question
//   comes before them; answering "no" clears them; a name or phone without "yes" is a problem
//   (`consent_required_for_contact`), and the record then carries the consent with the version of
//   the ward's assistance notice that was read.
// Storage is reached only through the repositories (storage/assistance-repo.ts, records-repo.ts).
import { checkPhone, DEFAULT_MOBILE_PREFIXES } from '../../../shared/domain/phone.js';
import type { FieldError } from '../../../shared/domain/validation.js';
import {
  ASSISTANCE_KINDS,
  ASSISTANCE_OUTCOMES,
  ASSISTANCE_REASONS,
  type AssistanceKind,
  type AssistanceOutcome,
  type AssistanceReason,
  type AssistanceRecord,
} from '../../../shared/schema/assistance.js';
import type { HouseholdRecord } from '../../../shared/schema/household.js';
import type { GoCuaDb } from '../../storage/db.js';
import {
  clearAssistEntry,
  getAssistEntry,
  putAssistEntry,
  saveAssistance,
  type AssistanceDraft,
} from '../../storage/assistance-repo.js';

/** Decade shortcuts on the year pad: people born in the 1930s to the 2010s come to the table. */
export const DECADES = [193, 194, 195, 196, 197, 198, 199, 200, 201] as const;

export interface EntryLink {
  householdId: string;
  memberId?: string;
}

export interface AssistEntry {
  kinds: AssistanceKind[];
  outcome: AssistanceOutcome | '';
  reason: AssistanceReason | '';
  reasonNote: string;
  /** As typed on the number pad (digits only). */
  birthYear: string;
  /** "May we keep your name and phone?": '' not asked yet. Name and phone only with 'yes'. */
  consent: '' | 'yes' | 'no';
  /** When 'yes' was recorded (ISO time). */
  consentAt?: string;
  name: string;
  phone: string;
  link: EntryLink | null;
  /** Set when this entry edits a saved help ("Sửa lượt vừa lưu") or is its next attempt: saved as a new rev. */
  existingId?: string;
  /** Why existingId is set: 'edit' keeps the outcome; 'again' is a new attempt. */
  mode?: 'edit' | 'again';
  /** The teaching card this help was given with (kind teaching_card). */
  cardId?: string;
}

export function emptyEntry(cardId?: string): AssistEntry {
  return {
    kinds: cardId ? ['teaching_card'] : [],
    outcome: '',
    reason: '',
    reasonNote: '',
    birthYear: '',
    consent: '',
    name: '',
    phone: '',
    link: null,
    ...(cardId ? { cardId } : {}),
  };
}

/** Records the person's answer; "no" (or taking a "yes" back) clears the name and phone. */
export function chooseConsent(entry: AssistEntry, answer: 'yes' | 'no', now: Date): AssistEntry {
  if (answer === 'yes') return { ...entry, consent: 'yes', consentAt: entry.consent === 'yes' && entry.consentAt ? entry.consentAt : now.toISOString() };
  const { consentAt: _at, ...rest } = entry;
  return { ...rest, consent: 'no', name: '', phone: '' };
}

/** True when nothing of a person was entered yet (a fresh entry need not be kept). */
export function isBlank(entry: AssistEntry): boolean {
  const fresh = emptyEntry(entry.cardId);
  return (
    !entry.existingId &&
    entry.kinds.join() === fresh.kinds.join() &&
    !entry.outcome &&
    !entry.reason &&
    !entry.reasonNote.trim() &&
    !entry.birthYear &&
    !entry.consent &&
    !entry.name.trim() &&
    !entry.phone.trim() &&
    !entry.link
  );
}

export function toggleKind(entry: AssistEntry, kind: AssistanceKind): AssistEntry {
  return { ...entry, kinds: entry.kinds.includes(kind) ? entry.kinds.filter((k) => k !== kind) : [...entry.kinds, kind] };
}

export function chooseOutcome(entry: AssistEntry, outcome: AssistanceOutcome): AssistEntry {
  return { ...entry, outcome, ...(outcome === 'done' ? { reason: '' as const, reasonNote: '' } : {}) };
}

export function needsReason(entry: Pick<AssistEntry, 'outcome'>): boolean {
  return entry.outcome === 'not_done' || entry.outcome === 'needs_follow_up';
}

/** Typing on the year pad keeps digits only, at most four. */
export function typeYear(entry: AssistEntry, typed: string): AssistEntry {
  return { ...entry, birthYear: typed.replace(/\D/g, '').slice(0, 4) };
}

/** A decade shortcut: "195" then one digit makes 195x. */
export function pickDecade(entry: AssistEntry, decade: number): AssistEntry {
  return { ...entry, birthYear: String(decade) };
}

export type YearReading = { ok: true; year: number } | { ok: false; code: 'required' | 'birth_year_digits' | 'birth_year_range' | 'birth_year_after_help' };

/**
 * Reads the year typed at the table: four digits, or the last two ("55" → 1955, "10" → 2010,
 * the latest year not after the help). One or three digits say what to type, never "not a number".
 */
export function readBirthYear(typed: string, helpedYear: number): YearReading {
  const digits = typed.trim();
  if (!digits) return { ok: false, code: 'required' };
  let year: number;
  if (/^\d{4}$/.test(digits)) year = Number(digits);
  else if (/^\d{2}$/.test(digits)) {
    const century = Math.floor(helpedYear / 100) * 100;
    const yy = Number(digits);
    year = century + yy <= helpedYear ? century + yy : century - 100 + yy;
  } else return { ok: false, code: 'birth_year_digits' };
  if (year > helpedYear) return { ok: false, code: 'birth_year_after_help' };
  if (helpedYear - year > 120) return { ok: false, code: 'birth_year_range' };
  return { ok: true, year };
}

export interface CheckContext {
  helpedYear: number;
  mobilePrefixes?: readonly string[];
  /** The version of the ward's assistance notice; without one no consent can be recorded. */
  noticeVersion?: string;
}

/** True when a name or phone may be kept: the person said yes to a notice the ward has. */
export function contactAllowed(entry: Pick<AssistEntry, 'consent'>, noticeVersion: string | undefined): boolean {
  return entry.consent === 'yes' && !!noticeVersion;
}

/** Every problem of the entry at once, in the order of the screen. */
export function checkEntry(entry: AssistEntry, ctx: CheckContext): FieldError[] {
  const problems: FieldError[] = [];
  if (entry.kinds.length === 0) problems.push({ path: 'kinds', code: 'kinds_required' });
  if (!entry.outcome) problems.push({ path: 'outcome', code: 'outcome_required' });
  if (needsReason(entry) && !entry.reason) problems.push({ path: 'reason', code: 'reason_required' });
  if (needsReason(entry) && entry.reason === 'other' && !entry.reasonNote.trim()) problems.push({ path: 'reasonNote', code: 'required' });
  const year = readBirthYear(entry.birthYear, ctx.helpedYear);
  if (!year.ok) problems.push({ path: 'person.birthYear', code: year.code === 'required' ? 'birth_year_required' : year.code });
  const allowed = contactAllowed(entry, ctx.noticeVersion);
  if (entry.name.trim() && !allowed) problems.push({ path: 'person.name', code: 'consent_required_for_contact' });
  if (entry.phone.trim()) {
    const phone = checkPhone(entry.phone, ctx.mobilePrefixes ?? DEFAULT_MOBILE_PREFIXES);
    if (!allowed) problems.push({ path: 'person.phone', code: 'consent_required_for_contact' });
    else if (!phone.ok) problems.push({ path: 'person.phone', code: 'phone_format' });
  }
  return problems;
}

export interface DraftContext {
  wardCode: string;
  now: Date;
  campaign: string;
  place: string;
  /** The linked household's tổ dân phố (from records-repo), when the entry is linked. */
  groupCode?: string;
  mobilePrefixes?: readonly string[];
  /** The version of the ward's current assistance notice (ward config), if it has one. */
  noticeVersion?: string;
}

export type BuildResult = { ok: true; draft: AssistanceDraft } | { ok: false; errors: FieldError[] };

/** The record's data for a checked entry, or every problem with it. */
export function buildDraft(entry: AssistEntry, ctx: DraftContext): BuildResult {
  const helpedYear = ctx.now.getFullYear();
  const errors = checkEntry(entry, {
    helpedYear,
    ...(ctx.mobilePrefixes ? { mobilePrefixes: ctx.mobilePrefixes } : {}),
    ...(ctx.noticeVersion ? { noticeVersion: ctx.noticeVersion } : {}),
  });
  const year = readBirthYear(entry.birthYear, helpedYear);
  if (errors.length > 0 || !year.ok || !entry.outcome) return { ok: false, errors };
  const allowed = contactAllowed(entry, ctx.noticeVersion);
  const name = allowed ? entry.name.trim() : '';
  const phone = allowed && entry.phone.trim() ? checkPhone(entry.phone, ctx.mobilePrefixes ?? DEFAULT_MOBILE_PREFIXES) : undefined;
  // The consent travels with what it allows: a record with neither name nor phone needs none.
  const consent =
    (name || phone?.ok) && ctx.noticeVersion
      ? { given: true as const, purpose: 'assistance' as const, noticeVersion: ctx.noticeVersion, consentedAt: entry.consentAt ?? ctx.now.toISOString() }
      : undefined;
  const notDone = entry.outcome !== 'done';
  const draft: AssistanceDraft = {
    wardCode: ctx.wardCode,
    helpedAt: ctx.now.toISOString(),
    person: {
      birthYear: year.year,
      ...(name ? { name } : {}),
      ...(phone?.ok ? { phone: phone.phone } : {}),
    },
    ...(consent ? { consent } : {}),
    ...(entry.link
      ? { household: { householdId: entry.link.householdId, ...(entry.link.memberId ? { memberId: entry.link.memberId } : {}) }, ...(ctx.groupCode ? { groupCode: ctx.groupCode } : {}) }
      : {}),
    kinds: entry.kinds,
    ...(entry.kinds.includes('teaching_card') && entry.cardId ? { teachingCardId: entry.cardId } : {}),
    outcome: entry.outcome,
    ...(notDone && entry.reason ? { reason: entry.reason } : {}),
    ...(notDone && entry.reason === 'other' && entry.reasonNote.trim() ? { reasonNote: entry.reasonNote.trim() } : {}),
    ...(ctx.campaign.trim() ? { campaign: ctx.campaign.trim() } : {}),
    ...(ctx.place.trim() ? { place: ctx.place.trim() } : {}),
  };
  return { ok: true, draft };
}

/** A saved help opened again: every answer ("Sửa lượt vừa lưu"), or only the person for a new attempt. */
export function entryFromRecord(record: AssistanceRecord, mode: 'edit' | 'again'): AssistEntry {
  const d = record.data;
  return {
    ...emptyEntry(d.teachingCardId),
    kinds: [...d.kinds],
    ...(mode === 'edit' ? { outcome: d.outcome, reason: d.reason ?? '', reasonNote: d.reasonNote ?? '' } : {}),
    birthYear: String(d.person.birthYear),
    ...(d.consent ? { consent: 'yes' as const, consentAt: d.consent.consentedAt } : {}),
    name: d.person.name ?? '',
    phone: d.person.phone ?? '',
    link: d.household ? { householdId: d.household.householdId, ...(d.household.memberId ? { memberId: d.household.memberId } : {}) } : null,
    existingId: record.id,
    mode,
  };
}

/**
 * The year of the linked member fills an empty field; the name and phone too, but only when the
 * person agreed to have them kept here (`contact`): the survey's consent does not cover an
 * assistance. Never overwrites what was typed.
 */
export function fromMember(household: HouseholdRecord, memberId: string | undefined, current: AssistEntry, contact: boolean): Partial<AssistEntry> {
  const member = memberId ? household.data.members.find((m) => m.id === memberId) : undefined;
  if (!member) return {};
  return {
    ...(!current.birthYear ? { birthYear: String(member.birthYear) } : {}),
    ...(contact && !current.name && member.name ? { name: member.name } : {}),
    ...(contact && !current.phone && member.phone ? { phone: member.phone } : {}),
  };
}

/** Reads back a stored entry, dropping anything that is not one (an older app's or a broken value). */
export function asEntry(value: unknown): AssistEntry | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Partial<AssistEntry>;
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  const kinds = Array.isArray(v.kinds) ? v.kinds.filter((k): k is AssistanceKind => (ASSISTANCE_KINDS as readonly string[]).includes(k)) : [];
  const outcome = (ASSISTANCE_OUTCOMES as readonly string[]).includes(str(v.outcome)) ? (v.outcome as AssistanceOutcome) : '';
  const reason = (ASSISTANCE_REASONS as readonly string[]).includes(str(v.reason)) ? (v.reason as AssistanceReason) : '';
  // A name or phone kept without a "yes" (an older app's entry) is not brought back.
  const consent = v.consent === 'yes' || v.consent === 'no' ? v.consent : '';
  const link = v.link && typeof v.link === 'object' && typeof v.link.householdId === 'string' ? { householdId: v.link.householdId, ...(typeof v.link.memberId === 'string' ? { memberId: v.link.memberId } : {}) } : null;
  return {
    kinds,
    outcome,
    reason,
    reasonNote: str(v.reasonNote),
    birthYear: str(v.birthYear).replace(/\D/g, '').slice(0, 4),
    consent,
    ...(consent === 'yes' && typeof v.consentAt === 'string' ? { consentAt: v.consentAt } : {}),
    name: consent === 'yes' ? str(v.name) : '',
    phone: consent === 'yes' ? str(v.phone) : '',
    link,
    ...(typeof v.existingId === 'string' ? { existingId: v.existingId } : {}),
    ...(v.mode === 'edit' || v.mode === 'again' ? { mode: v.mode } : {}),
    ...(typeof v.cardId === 'string' ? { cardId: v.cardId } : {}),
  };
}

/** The unsaved entry left on this phone (after a reload), if any. */
export async function loadEntry(db: GoCuaDb): Promise<AssistEntry | undefined> {
  return asEntry(await getAssistEntry<unknown>(db));
}

/** Keeps the entry being filled; a blank one is not worth keeping. */
export async function keepEntry(db: GoCuaDb, entry: AssistEntry): Promise<void> {
  if (isBlank(entry)) await clearAssistEntry(db);
  else await putAssistEntry(db, entry);
}

export type SubmitResult =
  | { ok: true; record: AssistanceRecord; next: AssistEntry }
  | { ok: false; errors: FieldError[]; entry: AssistEntry };

/**
 * Saves the entry (record + outbox in one transaction, assistance-repo.ts). Saved: the stored
 * entry is cleared and `next` is a fresh entry for the next person. Refused: the entry is kept,
 * unchanged, with every problem.
 */
export async function submitEntry(db: GoCuaDb, entry: AssistEntry, ctx: DraftContext): Promise<SubmitResult> {
  const built = buildDraft(entry, ctx);
  if (!built.ok) {
    await keepEntry(db, entry);
    return { ok: false, errors: built.errors, entry };
  }
  const result = await saveAssistance(db, built.draft, { now: ctx.now, ...(entry.existingId ? { existingId: entry.existingId } : {}) });
  if (!result.ok) {
    await keepEntry(db, entry);
    return { ok: false, errors: result.errors, entry };
  }
  await clearAssistEntry(db);
  return { ok: true, record: result.record, next: emptyEntry(entry.cardId) };
}
