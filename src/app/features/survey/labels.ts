// A human label for a data path, for the review step's error list
// ("Thành viên 2 — Năm sinh: Vui lòng trả lời câu này.").
import type { TFunction } from 'i18next';

const MEMBER_PREFIXED: Record<string, string> = {
  skills: 'members.skills',
  digitalServices12m: 'members.digitalServices12m',
};

export function labelFor(path: string, t: TFunction): string {
  const parts = path.split('.');
  const [head, second, third, fourth] = parts;
  // An error about the record as a whole (e.g. record_too_large from the save).
  if (path === '') return t('review.wholeRecord');
  if (head === 'groupCode') return t('address.group');
  if (head === 'address' && second) return t(`address.${second}`);
  if (head === 'outcome' || head === 'note') return t('outcome.legend');
  if (head === 'consent') {
    if (second === 'given' || !second) return t('consent.given');
    if (second === 'consenterRelation' || second === 'consenterName' || second === 'method') return t(`consent.${second}`);
    return t('field.consent');
  }
  if (head === 'devices' || head === 'payments') return second ? t(`devices.${second}`) : t(`field.${head}`);
  if (head === 'members') {
    if (second === undefined || third === undefined) return t('field.members');
    const who = t('members.memberN', { n: Number(second) + 1 });
    let what: string;
    if (third === 'skills' && fourth) what = t(`members.skill_${fourth}`);
    else if (third === 'digitalServices12m' && fourth) what = t(`members.service_${fourth}`);
    else what = t(MEMBER_PREFIXED[third] ?? `members.${third}`);
    return `${who} — ${what}`;
  }
  return path;
}
