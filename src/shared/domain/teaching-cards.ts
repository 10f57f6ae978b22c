// Which teaching cards to offer for a surveyed member: the cards that answer one of the member's
// gaps. Pure; the cards come from seeds/teaching (see schema/teaching-card.ts).
import type { HELP_TOPICS, Member, SkillKey } from '../schema/household.js';
import { SKILL_KEYS } from '../schema/household.js';
import type { TeachingCard } from '../schema/teaching-card.js';

type HelpTopic = (typeof HELP_TOPICS)[number];

/** The help topics and skills a member lacks, from their own answers. */
export function memberGaps(member: Pick<Member, 'vneid' | 'ehr' | 'skills' | 'wantsHelp'>): { topics: Set<HelpTopic>; skills: Set<SkillKey> } {
  const topics = new Set<HelpTopic>(member.wantsHelp ?? []);
  // "Không rõ" (unknown) VNeID or health record is not a known gap: asking is cheaper than teaching.
  if (member.vneid === 'none') topics.add('vneid_install');
  if (member.vneid === 'level1') topics.add('vneid_level2');
  if (member.ehr === 'no') topics.add('ehr');
  const skills = new Set<SkillKey>();
  // Skills are asked only from MIN_QUESTION_AGE; anything short of "thành thạo" is worth a card.
  if (member.skills) for (const key of SKILL_KEYS) if (member.skills[key] !== 'proficient') skills.add(key);
  return { topics, skills };
}

/** The cards that match a member's gaps, in the cards' own order, each once. */
export function cardsForMember(
  member: Pick<Member, 'vneid' | 'ehr' | 'skills' | 'wantsHelp'>,
  cards: readonly TeachingCard[],
): TeachingCard[] {
  const gaps = memberGaps(member);
  return cards.filter((card) => card.topics.some((t) => gaps.topics.has(t)) || card.skills.some((s) => gaps.skills.has(s)));
}
