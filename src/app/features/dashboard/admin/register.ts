// Register panel: the tổ dân phố list edited row by row, or replaced by a CSV import. The server
// answers a bad CSV with its per-line errors and a list still in use with the groups concerned.
import { ApiError, type RegisterGroup } from '../api.js';
import { failed, invalid, valid, type Checked, type Status } from './panel.js';

/** A row as typed (the household count stays text until checked). */
export interface GroupRow {
  code: string;
  name: string;
  households: string;
}

export function registerRows(groups: RegisterGroup[]): GroupRow[] {
  return groups.map((g) => ({ code: g.code, name: g.name, households: String(g.householdsOnRegister) }));
}

export const blankRow = (): GroupRow => ({ code: '', name: '', households: '0' });

export function editRow(rows: GroupRow[], i: number, patch: Partial<GroupRow>): GroupRow[] {
  return rows.map((r, j) => (j === i ? { ...r, ...patch } : r));
}

export function removeRow(rows: GroupRow[], i: number): GroupRow[] {
  return rows.filter((_, j) => j !== i);
}

/** The register to send; the first incomplete row is named (1-based, as on screen). */
export function checkRegister(rows: GroupRow[]): Checked<RegisterGroup[]> {
  const groups: RegisterGroup[] = [];
  for (const [i, r] of rows.entries()) {
    const n = Number(r.households);
    if (!r.code.trim() || !r.name.trim() || !Number.isInteger(n) || n < 0) return invalid({ key: 'dashboard.admin.rowInvalid', values: { row: i + 1 } });
    groups.push({ code: r.code.trim(), name: r.name.trim(), householdsOnRegister: n });
  }
  return valid(groups);
}

export function importedStatus(result: { groups: RegisterGroup[] }): Status {
  return { ok: true, text: { key: 'dashboard.admin.imported', values: { count: result.groups.length } } };
}

/** The server's message with its per-line CSV errors, or the groups that block the change. */
export function registerFailure(e: unknown): Status {
  if (e instanceof ApiError && Array.isArray(e.body.lines)) {
    const lines = (e.body.lines as { line: number; message: string }[]).map((l) => ({ key: 'dashboard.admin.csvLine', values: { line: l.line, message: l.message } }));
    return { ok: false, text: e.message, lines };
  }
  if (e instanceof ApiError && Array.isArray(e.body.groups)) return { ok: false, text: e.message, lines: (e.body.groups as unknown[]).map(String) };
  return failed(e);
}
