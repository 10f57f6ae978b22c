// A household address folded for the duplicate check: two visits to "Số 12, Ngõ 5, Lê Lợi" and
// "12 ngo 5 le loi" are the same door. Folds diacritics, đ, case and spaces (text-search.ts),
// drops punctuation other than "/" (house numbers like 12/3) and the words people put in front
// of a number or a name ("số", "ngõ", "hẻm", "kiệt", "ngách", "đường", "phố").
import { foldVietnamese } from './text-search.js';

const PREFIX = /^(so|ngo|hem|kiet|ngach|duong|pho|nha)(\s+|(?=\d))/;

export function normaliseAddressPart(text: string | undefined): string {
  let s = foldVietnamese(text ?? '')
    .replace(/[^a-z0-9/ ]+/g, ' ')
    .replace(/\s*\/\s*/g, '/')
    .replace(/\s+/g, ' ')
    .trim();
  // At most two prefix words ("số nhà 12").
  for (let i = 0; i < 2; i++) s = s.replace(PREFIX, '').trim();
  return s;
}

export function addressKey(address: { houseNumber: string; lane?: string; street?: string }): string {
  return [address.houseNumber, address.lane, address.street].map(normaliseAddressPart).join('|');
}
