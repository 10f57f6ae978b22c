// Teaching cards: short step-by-step guides a volunteer shows on the phone to teach one basic
// skill at the door. The content is data (seeds/teaching/cards.json), checked by this schema so
// a bad card fails in a test and the build, never on a volunteer's phone.
import '../zod-setup.js';
import { z } from 'zod';
import { helpTopic, SKILL_KEYS } from './household.js';
import { assistanceKind, teachingCardIdSchema } from './assistance.js';

/** Vietnamese first (full diacritics, plain words for elderly residents), English second. */
const localized = (max: number) =>
  z.strictObject({ vi: z.string().trim().min(1).max(max), en: z.string().trim().min(1).max(max) });

export const teachingCardSchema = z.strictObject({
  /** Stable id; an assistance of kind teaching_card names it as `teachingCardId`. */
  id: teachingCardIdSchema,
  /** Help topics of the survey (member.wantsHelp) this card answers. */
  topics: z.array(helpTopic).min(1),
  /** The basic skills of CV 3240 this card teaches (a member not proficient in one is offered it). */
  skills: z.array(z.enum(SKILL_KEYS)).default([]),
  /** The kinds of help that teaching this card amounts to (used by the follow-up list). */
  assistanceKinds: z.array(assistanceKind).min(1),
  title: localized(80),
  steps: z.array(localized(240)).min(4).max(7),
  /** One line kept in view while teaching (e.g. "never read an OTP to anyone"). */
  caution: localized(240).optional(),
});
export type TeachingCard = z.infer<typeof teachingCardSchema>;

export const teachingCardsFileSchema = z
  .strictObject({
    /** Content version, bumped when a card's text changes. */
    version: z.string().min(1).max(40),
    cards: z.array(teachingCardSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.cards.forEach((card, i) => {
      if (seen.has(card.id)) ctx.addIssue({ code: 'custom', path: ['cards', i, 'id'], message: 'duplicate_card_id' });
      seen.add(card.id);
    });
  });
export type TeachingCardsFile = z.infer<typeof teachingCardsFileSchema>;
