import { describe, expect, it } from 'vitest';
import { SEED_WARDS } from '../../../seeds/index.js';
import { TEACHING_CARDS } from '../../../seeds/teaching/index.js';
import { generateHouseholds } from '../../../src/demo/demo-data.js';
import { DEMO_TEACHING_CARD_IDS, generateAssistances } from '../../../src/demo/demo-assistances.js';
import { buildFollowUpList, latestRevs, vneidUpdateSuggestion } from '../../../src/shared/domain/follow-up.js';
import { assistanceRecordSchema, type AssistanceRecord } from '../../../src/shared/schema/assistance.js';

const ward = SEED_WARDS.find((w) => w.code === '10546')!;
const households = generateHouseholds({ wardConfig: ward, count: 600, seed: 'demo' });
const assistances = generateAssistances({ wardConfig: ward, households, count: 1000, seed: 'demo' });
const firsts = assistances.filter((a) => a.rev === 1);
const share = (pred: (a: AssistanceRecord) => boolean) => firsts.filter(pred).length / firsts.length;

describe('generateAssistances', () => {
  it('makes count records (plus a few later revs), every rev valid', () => {
    expect(firsts).toHaveLength(1000);
    expect(latestRevs(assistances).size).toBe(1000);
    for (const a of assistances) {
      const result = assistanceRecordSchema.safeParse(a);
      expect(result.success, `${a.id} rev ${a.rev}: ${JSON.stringify(result.error?.issues)}`).toBe(true);
    }
    expect(assistances.length).toBeGreaterThan(1000);
    expect(assistances.filter((a) => a.rev === 2).every((a) => a.data.outcome === 'done' || a.data.voided)).toBe(true);
  });

  it('is deterministic: same inputs, same output; a smaller count is a prefix; another seed differs', () => {
    expect(generateAssistances({ wardConfig: ward, households, count: 1000, seed: 'demo' })).toEqual(assistances);
    const few = generateAssistances({ wardConfig: ward, households, count: 20, seed: 'demo' });
    expect(few).toEqual(assistances.slice(0, few.length));
    expect(generateAssistances({ wardConfig: ward, households, count: 20, seed: 'other' })[0]?.id).not.toBe(assistances[0]?.id);
    expect(new Set(firsts.map((a) => a.id)).size).toBe(1000);
  });

  it('has a realistic mix: install VNeID the most common help, mostly done, reasons when not, campaigns, about half linked', () => {
    const install = share((a) => a.data.kinds.includes('install_vneid'));
    for (const kind of ['activate_level2_guidance', 'password_or_device_recovery', 'setup_bank_ewallet_qr', 'scam_awareness'] as const) {
      expect(install, kind).toBeGreaterThan(share((a) => a.data.kinds.includes(kind)) * 2);
    }
    expect(install).toBeGreaterThan(0.4);
    expect(share((a) => a.data.outcome === 'done')).toBeGreaterThan(0.7);
    expect(share((a) => a.data.outcome === 'not_done')).toBeGreaterThan(0.08);
    expect(new Set(firsts.map((a) => a.data.reason).filter(Boolean)).size).toBeGreaterThanOrEqual(7);
    expect(firsts.some((a) => a.data.campaign === 'Đợt ra quân tháng 11/2026')).toBe(true);
    const linked = share((a) => a.data.household !== undefined);
    expect(linked).toBeGreaterThan(0.4);
    expect(linked).toBeLessThan(0.6);
    expect(share((a) => a.data.practice === true)).toBeLessThan(0.05);
  });

  it('links only to real surveyed members, carrying their year of birth, after the survey', () => {
    const byId = new Map(households.map((h) => [h.id, h]));
    for (const a of firsts.filter((x) => x.data.household)) {
      const h = byId.get(a.data.household!.householdId);
      const m = h?.data.members.find((x) => x.id === a.data.household!.memberId);
      expect(m, a.id).toBeDefined();
      expect(a.data.person.birthYear).toBe(m!.birthYear);
      expect(a.data.groupCode).toBe(h!.data.groupCode);
      expect(Date.parse(a.data.helpedAt)).toBeGreaterThan(Date.parse(h!.data.consent!.consentedAt));
    }
  });

  it('names only teaching cards that exist, and works without households', () => {
    expect([...DEMO_TEACHING_CARD_IDS]).toEqual(TEACHING_CARDS.map((c) => c.id));
    const cardIds = new Set(TEACHING_CARDS.map((c) => c.id));
    for (const a of firsts.filter((x) => x.data.teachingCardId)) expect(cardIds.has(a.data.teachingCardId!)).toBe(true);
    const alone = generateAssistances({ wardConfig: ward, households: [], count: 50, seed: 1 });
    expect(alone.every((a) => a.data.household === undefined && assistanceRecordSchema.safeParse(a).success)).toBe(true);
    expect(() => generateAssistances({ wardConfig: ward, households: [], count: -1, seed: 1 })).toThrow(RangeError);
  });

  it('feed a follow-up list with every kind of item in the ward\'s groups, and VNeID updates to offer', () => {
    const list = buildFollowUpList({ households, assistances, now: '2026-12-01T00:00:00.000Z', cards: TEACHING_CARDS });
    const kinds = new Set(list.groups.flatMap((g) => g.items.map((i) => i.kind)));
    expect([...kinds].sort()).toEqual(['assistance', 'member_help', 'revisit']);
    const codes = new Set(ward.groups.map((g) => g.code));
    for (const g of list.groups) if (g.groupCode !== null) expect(codes.has(g.groupCode), g.groupCode).toBe(true);
    const byId = new Map(households.map((h) => [h.id, h]));
    const offers = [...latestRevs(assistances).values()].flatMap((a) => {
      const h = a.data.household ? byId.get(a.data.household.householdId) : undefined;
      return h ? [vneidUpdateSuggestion(a, h)] : [];
    });
    expect(offers).toContain('level1');
    expect(offers).toContain('level2');
  });
});
