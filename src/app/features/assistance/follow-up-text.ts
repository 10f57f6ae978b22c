// The words of a follow-up item, the same on the phone's list (#/follow-up) and on the ward
// dashboard's team list: why it is on the list, and who or where it is.
import type { TFunction } from 'i18next';
import type { FollowUpItem } from '../../../shared/domain/follow-up.js';
import { isErasedText } from '../../../shared/domain/personal-fields.js';

export function followUpWhy(item: FollowUpItem, t: TFunction): string {
  if (item.kind === 'member_help') return t('followUp.helpTopic', { topics: item.why.map((w) => t(`members.help_${w}`)).join(', ') });
  // An unfinished help: its outcome first, then the reason the volunteer gave.
  return item.why.map((w) => (item.kind === 'assistance' && w !== item.why[0] ? t(`assist.reason.${w}`) : t(`followUp.why.${w}`))).join(' — ');
}

export function followUpWho(item: FollowUpItem, t: TFunction): string {
  const l = item.label;
  // An address erased past the ward's retention reads "(đã xoá)" / "(erased)".
  const shown = (part: string | undefined) => (isErasedText(part) ? t('personalData.erased') : part);
  const address = l.address ? [l.address.houseNumber, l.address.lane, l.address.street].map(shown).filter(Boolean).join(', ') : '';
  const person = [l.name, l.birthYear ? t('followUp.born', { year: l.birthYear }) : ''].filter(Boolean).join(', ');
  return [address, person || (item.kind === 'assistance' && !address ? t('followUp.unnamed') : '')].filter(Boolean).join(' · ');
}
