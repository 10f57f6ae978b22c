// Soft warnings on a household: things worth a second look that never block saving or syncing
// (a CCCD that does not match the member's year of birth or sex, a phone with an unknown prefix).
import type { HouseholdData } from '../schema/household.js';
import { checkCccd } from './cccd.js';
import { checkPhone, DEFAULT_MOBILE_PREFIXES } from './phone.js';
import type { FieldError } from './validation.js';

export function householdWarnings(
  data: Pick<HouseholdData, 'members'>,
  mobilePrefixes: readonly string[] = DEFAULT_MOBILE_PREFIXES,
): FieldError[] {
  const warnings: FieldError[] = [];
  data.members.forEach((member, i) => {
    if (member.cccd) {
      for (const code of checkCccd(member.cccd, member)) {
        if (code !== 'cccd_format') warnings.push({ path: `members.${i}.cccd`, code });
      }
    }
    if (member.phone) {
      const phone = checkPhone(member.phone, mobilePrefixes);
      if (phone.ok && phone.warning) warnings.push({ path: `members.${i}.phone`, code: phone.warning });
    }
  });
  return warnings;
}
