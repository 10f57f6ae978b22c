import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEACHING_CARDS } from '../../../seeds/teaching/index.js';
import { teachingCardsFileSchema } from '../../../src/shared/schema/teaching-card.js';
import { cardsForMember } from '../../../src/shared/domain/teaching-cards.js';
import { HELP_TOPICS, type Member } from '../../../src/shared/schema/household.js';

const raw = JSON.parse(readFileSync(join(import.meta.dirname, '../../../seeds/teaching/cards.json'), 'utf8'));
const ids = (cards: readonly { id: string }[]) => cards.map((c) => c.id);

describe('teaching cards (seeds/teaching/cards.json)', () => {
  it('validate, one card per basic skill, 4–7 steps each', () => {
    expect(teachingCardsFileSchema.safeParse(raw).success).toBe(true);
    expect(ids(TEACHING_CARDS)).toEqual(['vneid-install', 'vneid-level2', 'health-record', 'pay-by-qr', 'online-public-service', 'scam-awareness']);
    for (const card of TEACHING_CARDS) {
      expect(card.steps.length, card.id).toBeGreaterThanOrEqual(4);
      expect(card.steps.length, card.id).toBeLessThanOrEqual(7);
    }
  });

  it('are in Vietnamese with diacritics (NFC) and in English, and the two differ', () => {
    for (const card of TEACHING_CARDS) {
      for (const text of [card.title, ...card.steps, ...(card.caution ? [card.caution] : [])]) {
        expect(text.vi).toBe(text.vi.normalize('NFC'));
        expect(text.vi, card.id).not.toBe(text.en);
        expect(text.en.trim(), card.id).not.toBe('');
      }
      expect(card.title.vi, card.id).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]/);
    }
  });

  it('name the places and things a resident needs: công an phường, CCCD gắn chip, số chính chủ, Cổng Dịch vụ công, VietQR, Sổ sức khỏe điện tử', () => {
    const text = (id: string) => {
      const card = TEACHING_CARDS.find((c) => c.id === id);
      return card ? [card.title.vi, ...card.steps.map((s) => s.vi)].join(' ') : '';
    };
    expect(text('vneid-level2')).toMatch(/công an phường/);
    expect(text('vneid-level2')).toMatch(/CCCD\) gắn chip/);
    expect(text('vneid-level2')).toMatch(/chính chủ/);
    expect(text('online-public-service')).toMatch(/Cổng Dịch vụ công quốc gia/);
    expect(text('online-public-service')).toMatch(/dichvucong\.gov\.vn/);
    expect(text('pay-by-qr')).toMatch(/VietQR/);
    expect(text('health-record')).toMatch(/Sổ sức khỏe điện tử/);
  });

  it('never tell anyone to share an OTP, password or passcode; the scam card says never to', () => {
    // Every sentence that names a secret also says it stays with its owner.
    for (const card of TEACHING_CARDS) {
      for (const text of [...card.steps, ...(card.caution ? [card.caution] : [])]) {
        if (/OTP|mật khẩu|passcode|mã PIN/i.test(text.vi)) {
          expect(text.vi, `${card.id}: ${text.vi}`).toMatch(/không|tự|chỉ mình/i);
        }
        if (/OTP|password|passcode|PIN/i.test(text.en)) {
          expect(text.en, `${card.id}: ${text.en}`).toMatch(/never|alone|own|yourself|yours|nobody|don't/i);
        }
      }
    }
    const scam = TEACHING_CARDS.find((c) => c.id === 'scam-awareness');
    expect(scam?.steps[0]?.vi).toMatch(/Không bao giờ đọc hay gửi mã OTP, mật khẩu/);
    expect(scam?.steps[0]?.en).toMatch(/Never read out or send an OTP, password/);
  });

  it('cover every help topic a card can teach, and the rejection of a bad file', () => {
    const covered = new Set(TEACHING_CARDS.flatMap((c) => c.topics));
    for (const topic of ['vneid_install', 'vneid_level2', 'ehr', 'payments', 'public_services', 'online_safety'] as const) {
      expect(covered.has(topic), topic).toBe(true);
    }
    expect(HELP_TOPICS).toContain('smartphone'); // no card: not a skill a card teaches
    const dup = structuredClone(raw);
    dup.cards.push(structuredClone(dup.cards[0]));
    expect(teachingCardsFileSchema.safeParse(dup).success).toBe(false);
    const short = structuredClone(raw);
    short.cards[0].steps = short.cards[0].steps.slice(0, 3);
    expect(teachingCardsFileSchema.safeParse(short).success).toBe(false);
    const secret = structuredClone(raw);
    secret.cards[0].otpField = 'x';
    expect(teachingCardsFileSchema.safeParse(secret).success).toBe(false);
  });
});

describe('cardsForMember', () => {
  const proficient = { publicServices: 'proficient', shopping: 'proficient', payments: 'proficient', safety: 'proficient', localPlatforms: 'proficient' } as const;
  const member = (m: Partial<Member>): Pick<Member, 'vneid' | 'ehr' | 'skills' | 'wantsHelp'> => ({
    vneid: 'level2', ehr: 'yes', skills: proficient, wantsHelp: [], ...m,
  });

  it('offers nothing to a member with no gaps, or whose gaps are unknown VNeID / health record', () => {
    expect(cardsForMember(member({}), TEACHING_CARDS)).toEqual([]);
    expect(cardsForMember(member({ vneid: 'unknown', ehr: 'unknown' }), TEACHING_CARDS)).toEqual([]);
  });

  it('offers the VNeID cards by level, the health record when missing', () => {
    expect(ids(cardsForMember(member({ vneid: 'none' }), TEACHING_CARDS))).toEqual(['vneid-install']);
    expect(ids(cardsForMember(member({ vneid: 'level1' }), TEACHING_CARDS))).toEqual(['vneid-level2']);
    expect(ids(cardsForMember(member({ ehr: 'no' }), TEACHING_CARDS))).toEqual(['health-record']);
  });

  it('offers a card for each skill not "thành thạo" (needs help, none or unknown)', () => {
    expect(ids(cardsForMember(member({ skills: { ...proficient, payments: 'needs_help' } }), TEACHING_CARDS))).toEqual(['pay-by-qr']);
    expect(ids(cardsForMember(member({ skills: { ...proficient, publicServices: 'none', safety: 'unknown' } }), TEACHING_CARDS))).toEqual([
      'online-public-service', 'scam-awareness',
    ]);
    // Shopping and local platforms have no card.
    expect(cardsForMember(member({ skills: { ...proficient, shopping: 'none', localPlatforms: 'none' } }), TEACHING_CARDS)).toEqual([]);
  });

  it('offers the cards for the help topics asked for, in the cards\' order, each once; a child without skill answers too', () => {
    const child = member({ wantsHelp: ['online_safety', 'vneid_install', 'payments'], vneid: 'none' });
    delete (child as Partial<Member>).skills;
    expect(ids(cardsForMember(child, TEACHING_CARDS))).toEqual(['vneid-install', 'pay-by-qr', 'scam-awareness']);
  });
});
