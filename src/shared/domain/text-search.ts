// Search that ignores Vietnamese diacritics, đ/d and case: "nguyen van" finds "Nguyễn Văn",
// "dung" finds "Dũng". Works on precomposed (NFC) and decomposed (NFD) input alike, which
// matters because Telex / VNI keyboards on different phones produce either.

/** Folds text to lower-case ASCII-ish letters: no tones, no vowel marks, đ → d, spaces collapsed. */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when every word of the query appears in the folded haystack. */
export function matchesQuery(foldedHaystack: string, query: string): boolean {
  const words = foldVietnamese(query).split(' ').filter(Boolean);
  return words.every((w) => foldedHaystack.includes(w));
}
