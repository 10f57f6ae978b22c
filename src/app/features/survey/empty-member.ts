// A member nothing was entered for: an accidental "+ Thêm thành viên". Closing it removes it,
// and the review step offers to remove it, so it never blocks saving the household.
import type { MemberForm } from './form-model.js';

export function isUntouchedMember(member: MemberForm): boolean {
  const blank = (v: unknown): boolean =>
    v === '' || v === false || v === null || v === undefined ||
    (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.values(v as object).every(blank));
  const { id: _id, ...rest } = member;
  return blank(rest);
}
