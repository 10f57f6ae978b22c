// Vietnamese phone numbers: 10 digits starting with 0; +84 / 84 is written as 0. Mobile
// prefixes change (carriers get new ranges), so the list is data a ward can edit; an unknown
// prefix is only a warning.

export const DEFAULT_MOBILE_PREFIXES: readonly string[] = [
  // Viettel
  '032', '033', '034', '035', '036', '037', '038', '039', '086', '096', '097', '098',
  // VinaPhone
  '081', '082', '083', '084', '085', '088', '091', '094',
  // MobiFone
  '070', '076', '077', '078', '079', '089', '090', '093',
  // Vietnamobile, Gmobile, Itel, Reddi
  '052', '056', '058', '092', '059', '099', '087', '055',
];

/** Strips spaces, dots, dashes and brackets and writes +84 / 84 as a leading 0. Returns the digits. */
export function normalisePhone(typed: string): string {
  let digits = typed.replace(/[\s.\-()]/g, '');
  if (digits.startsWith('+84')) digits = '0' + digits.slice(3);
  else if (digits.startsWith('84') && digits.length === 11) digits = '0' + digits.slice(2);
  return digits;
}

export type PhoneCheck = { ok: true; phone: string; warning?: 'phone_prefix_unknown' } | { ok: false; error: 'phone_format' };

export function checkPhone(typed: string, prefixes: readonly string[] = DEFAULT_MOBILE_PREFIXES): PhoneCheck {
  const phone = normalisePhone(typed);
  if (!/^0\d{9}$/.test(phone)) return { ok: false, error: 'phone_format' };
  if (!prefixes.includes(phone.slice(0, 3))) return { ok: true, phone, warning: 'phone_prefix_unknown' };
  return { ok: true, phone };
}
