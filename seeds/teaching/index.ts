// The teaching cards, parsed with the shared schema so a bad card fails at import (a test, the
// build, the server start) rather than on a volunteer's phone. A static JSON import keeps this
// usable from the app bundle and the server alike.
import { teachingCardsFileSchema, type TeachingCard } from '../../src/shared/schema/teaching-card.js';
import raw from './cards.json' with { type: 'json' };

const file = teachingCardsFileSchema.parse(raw);

export const TEACHING_CARDS_VERSION: string = file.version;
export const TEACHING_CARDS: readonly TeachingCard[] = file.cards;
