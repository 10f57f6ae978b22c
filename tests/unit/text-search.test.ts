import { describe, expect, it } from 'vitest';
import { foldVietnamese, matchesQuery } from '../../src/shared/domain/text-search.js';

describe('foldVietnamese', () => {
  it('drops tones and vowel marks and lower-cases', () => {
    expect(foldVietnamese('Nguyễn Văn Dũng')).toBe('nguyen van dung');
    expect(foldVietnamese('Trần Thị Hương')).toBe('tran thi huong');
    expect(foldVietnamese('Ngõ 12, Phường Phù Liễn')).toBe('ngo 12, phuong phu lien');
    expect(foldVietnamese('ƯỚC MƠ ỞỞ')).toBe('uoc mo oo');
  });

  it('folds đ and Đ to d', () => {
    expect(foldVietnamese('Đặng')).toBe('dang');
    expect(foldVietnamese('Đỗ Đức Đạt')).toBe('do duc dat');
    expect(foldVietnamese('đường')).toBe('duong');
  });

  it('gives the same result for precomposed (NFC) and decomposed (NFD) input', () => {
    const nfc = 'Nguyễn Thị Thủy Đặng';
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    expect(foldVietnamese(nfd)).toBe(foldVietnamese(nfc));
    expect(foldVietnamese(nfd)).toBe('nguyen thi thuy dang');
  });

  it('collapses and trims spaces', () => {
    expect(foldVietnamese('  Tổ   dân\tphố  3 ')).toBe('to dan pho 3');
  });
});

describe('matchesQuery', () => {
  const haystack = foldVietnamese('Nguyễn Văn Dũng · Đặng Thị Mỹ · Ngõ 12 Hoàng Văn Thụ · Tổ dân phố số 3');

  it('"nguyen van" finds "Nguyễn Văn"', () => {
    expect(matchesQuery(haystack, 'nguyen van')).toBe(true);
  });

  it('"dung" finds "Dũng", "dang" finds "Đặng"', () => {
    expect(matchesQuery(haystack, 'dung')).toBe(true);
    expect(matchesQuery(haystack, 'dang')).toBe(true);
  });

  it('accepts accented, upper-case and NFD queries alike', () => {
    expect(matchesQuery(haystack, 'DŨNG')).toBe(true);
    expect(matchesQuery(haystack, 'Đặng'.normalize('NFD'))).toBe(true);
    expect(matchesQuery(haystack, 'ngo 12')).toBe(true);
  });

  it('needs every word, in any order', () => {
    expect(matchesQuery(haystack, 'dung nguyen')).toBe(true);
    expect(matchesQuery(haystack, 'nguyen lan')).toBe(false);
    expect(matchesQuery(haystack, 'tran')).toBe(false);
  });

  it('matches everything on an empty query', () => {
    expect(matchesQuery(haystack, '   ')).toBe(true);
  });
});
