// The personal-data requests screen's messages: the same keys in Vietnamese and English, none
// empty, the same {{variables}}, and every kind / status / field the API knows has a label.
import { describe, expect, it } from 'vitest';
import { privacyEn, privacyVi } from '../../src/app/features/dashboard/privacy/locales.js';
import { IDENTITY_CHECKS, REQUEST_KINDS, REQUESTERS } from '../../src/app/features/dashboard/privacy/api.js';
import * as server from '../../src/server/services/data-subject-requests.js';
import { ASSISTANCE_FIELDS, HOUSEHOLD_FIELDS, MEMBER_FIELDS } from '../../src/server/services/data-subject.js';

function flat(obj: object, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? Object.entries(flat(v as object, `${prefix}${k}.`)) : [[`${prefix}${k}`, String(v)]])),
  );
}

describe('personal-data request translations', () => {
  const vi = flat(privacyVi);
  const en = flat(privacyEn);
  it('vi and en have the same keys, none empty, the same variables', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(vi)) {
      expect(vi[key]!.trim(), key).not.toBe('');
      expect(vars(en[key]!), key).toEqual(vars(vi[key]!));
    }
    expect(privacyVi.privacy.title).toBe('Yêu cầu về dữ liệu cá nhân');
  });
  it('labels every kind, requester, identity check, status and correctable field the server knows', () => {
    expect([...REQUEST_KINDS]).toEqual([...server.REQUEST_KINDS]);
    expect([...REQUESTERS]).toEqual([...server.REQUESTERS]);
    expect([...IDENTITY_CHECKS]).toEqual([...server.IDENTITY_CHECKS]);
    for (const k of server.REQUEST_KINDS) expect(vi[`privacy.kinds.${k}`]).toBeDefined();
    for (const k of server.STATUSES) expect(vi[`privacy.statuses.${k}`]).toBeDefined();
    for (const f of [...MEMBER_FIELDS, ...ASSISTANCE_FIELDS, ...HOUSEHOLD_FIELDS]) expect(vi[`privacy.fields.${f}`], f).toBeDefined();
  });
});
