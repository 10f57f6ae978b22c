// "Thẻ hướng dẫn phù hợp" in the survey's member editor: links to the teaching cards that match
// the member's gaps as answered so far (shared/domain/teaching-cards.ts).
import { useTranslation } from 'react-i18next';
import { cardsForMember } from '../../../shared/domain/teaching-cards.js';
import type { Member } from '../../../shared/schema/household.js';
import { TEACHING_CARDS } from '../../../../seeds/teaching/index.js';
import { currentLanguage } from '../../i18n/index.js';
import { href } from '../../ui/router.js';
import type { MemberForm } from '../survey/form-model.js';

export function MemberCards({ member, skillsAsked }: { member: MemberForm; skillsAsked: boolean }) {
  const { t } = useTranslation();
  // Unanswered skills ('') are no gap yet (counted as met here only); skills are asked from 14 (relevance.ts).
  const skillsAnswered = skillsAsked && Object.values(member.skills).some((v) => v !== '');
  const cards = cardsForMember(
    {
      vneid: (member.vneid || 'unknown') as Member['vneid'],
      ehr: (member.ehr || 'unknown') as Member['ehr'],
      wantsHelp: member.wantsHelp,
      ...(skillsAnswered ? { skills: Object.fromEntries(Object.entries(member.skills).map(([k, v]) => [k, v === '' ? 'proficient' : v])) as Member['skills'] } : {}),
    },
    TEACHING_CARDS,
  );
  if (cards.length === 0) return null;
  const lang = currentLanguage();
  return (
    <nav className="member-cards" aria-label={t('cards.forMember')} data-testid="member-cards">
      <p>
        <strong>{t('cards.forMember')}</strong>
      </p>
      <ul className="plain-list">
        {cards.map((card) => (
          <li key={card.id}>
            <a href={href({ name: 'card', id: card.id })} data-testid="member-card-link" data-id={card.id}>
              {card.title[lang]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
