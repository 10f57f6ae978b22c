// Sorting the roll-up's ward rows (pure, unit-tested): by name, by how many indicators are
// behind plan, or by one indicator's value. Wards without a value (no data, or a hidden cell)
// always go last, whichever the direction, so "lowest first" shows the wards to visit.
import type { IndicatorCode } from '../../../../shared/domain/indicators.js';
import type { CityWardRow } from '../../../../shared/protocol/city.js';

export type SortKey = 'name' | 'behind' | IndicatorCode;
export interface Sort {
  key: SortKey;
  ascending: boolean;
}

function valueOf(row: CityWardRow, key: SortKey): number | string | null {
  if (key === 'name') return row.name;
  if (key === 'behind') return row.hasData ? row.behindCount : null;
  return row.indicators.find((i) => i.code === key)?.value ?? null;
}

export function sortWards(rows: readonly CityWardRow[], sort: Sort): CityWardRow[] {
  const dir = sort.ascending ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = valueOf(a, sort.key);
    const y = valueOf(b, sort.key);
    if (x === null || y === null) return x === y ? a.code.localeCompare(b.code) : x === null ? 1 : -1;
    const order = typeof x === 'string' ? x.localeCompare(String(y), 'vi') : x - (y as number);
    return order !== 0 ? order * dir : a.code.localeCompare(b.code);
  });
}

/** A click on a column heading: the same column flips the direction, another starts ascending (names) or descending (counts). */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, ascending: !current.ascending };
  return { key, ascending: key !== 'behind' };
}
