// Writes many rows inside a transaction, fast on both engines. PostgreSQL gets one INSERT per
// call with the rows as one JSON parameter (see insertMany). SQLite gets cached prepared
// statements of 32 rows and of one row on the better-sqlite3 handle (runInGroups): in-process
// calls cost microseconds, while compiling and preparing a new statement sized to each batch
// costs milliseconds. The SQLite path must only run inside a Kysely transaction callback: the
// driver then holds its connection mutex, so these statements join that transaction.
import { CompiledQuery, type Transaction } from 'kysely';
import type SqliteDatabase from 'better-sqlite3';
import type { ServerDb } from './connect.js';
import type { Database } from './schema.js';

/** `add`: on conflict, adds the new row's values to the stored ones (counters: services/indicator-counters.ts). */
export type Conflict = { kind: 'error' } | { kind: 'ignore'; columns: string[] } | { kind: 'upsert'; columns: string[] } | { kind: 'add'; columns: string[] };

/** Any table, any column: for the statements whose table name is a parameter. */
type LooseDatabase = Record<string, Record<string, unknown>>;

const statements = new WeakMap<SqliteDatabase.Database, Map<string, SqliteDatabase.Statement>>();

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Rows per SQLite statement run: each run's fixed cost (a call into the driver, a reset) paid
 * once per this many rows (the rest one by one). A batch's rows have distinct keys, and SQLite
 * applies a multi-row VALUES list row by row, ON CONFLICT clauses included.
 */
const SQLITE_ROWS_PER_RUN = 32;

/** The statement cached under `key` on this handle, prepared from `text()` the first time. */
function cached(handle: SqliteDatabase.Database, key: string, text: () => string): SqliteDatabase.Statement {
  let cache = statements.get(handle);
  if (!cache) statements.set(handle, (cache = new Map()));
  let stmt = cache.get(key);
  if (!stmt) {
    stmt = handle.prepare(text());
    cache.set(key, stmt);
  }
  return stmt;
}

function sqliteStatement(handle: SqliteDatabase.Database, table: string, columns: string[], conflict: Conflict, rowsPerRun = 1) {
  const key = `${table}|${columns.join(',')}|${conflict.kind}|${conflict.kind === 'error' ? '' : conflict.columns.join(',')}|${rowsPerRun}`;
  return cached(handle, key, () => {
    // Positional parameters, bound in column order: measurably cheaper than named ones, which
    // better-sqlite3 looks up on the row object one by one.
    const row = `(${columns.map(() => '?').join(', ')})`;
    let sql = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values ${Array.from({ length: rowsPerRun }, () => row).join(', ')}`;
    if (conflict.kind === 'ignore') sql += ` on conflict (${conflict.columns.map(quote).join(', ')}) do nothing`;
    if (conflict.kind === 'upsert') {
      const set = columns.filter((c) => !conflict.columns.includes(c)).map((c) => `${quote(c)} = excluded.${quote(c)}`);
      sql += ` on conflict (${conflict.columns.map(quote).join(', ')}) do update set ${set.join(', ')}`;
    }
    if (conflict.kind === 'add') {
      const set = columns.filter((c) => !conflict.columns.includes(c)).map((c) => `${quote(c)} = ${quote(table)}.${quote(c)} + excluded.${quote(c)}`);
      sql += ` on conflict (${conflict.columns.map(quote).join(', ')}) do update set ${set.join(', ')}`;
    }
    return sql;
  });
}

export async function insertMany<T extends keyof Database>(
  server: ServerDb,
  trx: Transaction<Database>,
  table: T,
  rows: Database[T][],
  conflict: Conflict = { kind: 'error' },
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  if (server.sqlite) {
    const width = columns.length;
    const valuesOf = (from: number, count: number): unknown[] => {
      const values: unknown[] = new Array(count * width);
      for (let r = 0; r < count; r++) {
        const record = rows[from + r] as unknown as Record<string, unknown>;
        for (let i = 0; i < width; i++) values[r * width + i] = record[columns[i]!];
      }
      return values;
    };
    runInGroups(server.sqlite, table, columns, conflict, rows.length, valuesOf);
    return;
  }
  // One statement and ONE parameter for all the rows: the rows as JSON, read back as the table's
  // own row type (json_populate_recordset casts each field to its column's type). A multi-row
  // VALUES list of a batch's members is thousands of parameters that Kysely builds and compiles
  // node by node and PostgreSQL parses and binds one by one: most of the sync's CPU on this engine.
  await trx.executeQuery(CompiledQuery.raw(pgInsertText(table, columns, conflict), [pgJson(rows)]));
}

/** Rows from..from+count as one flat list of values, in column order. */
type ValuesOf = (from: number, count: number) => unknown[];

function runInGroups(handle: SqliteDatabase.Database, table: string, columns: string[], conflict: Conflict, count: number, valuesOf: ValuesOf): void {
  let from = 0;
  if (count >= SQLITE_ROWS_PER_RUN) {
    const many = sqliteStatement(handle, table, columns, conflict, SQLITE_ROWS_PER_RUN);
    // Spread, not an array: better-sqlite3 binds arguments faster than an array's elements.
    for (; from + SQLITE_ROWS_PER_RUN <= count; from += SQLITE_ROWS_PER_RUN) many.run(...valuesOf(from, SQLITE_ROWS_PER_RUN));
  }
  const one = sqliteStatement(handle, table, columns, conflict);
  for (; from < count; from++) one.run(...valuesOf(from, 1));
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Rows as JSON for PostgreSQL's parser, which refuses the escape JSON.stringify writes for a
 * lone surrogate (`\ud800`). Such text is stored as U+FFFD, as the pg driver's UTF-8
 * encoding of a text parameter stores it. Rare: only then is each string looked at.
 */
function pgJson(rows: unknown[]): string {
  const json = JSON.stringify(rows);
  if (!/\\ud[89a-f]/i.test(json)) return json;
  return JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'string' ? value.replace(LONE_SURROGATE, '\ufffd') : value));
}

const pgInsertTexts = new Map<string, string>();

function pgInsertText(table: string, columns: string[], conflict: Conflict): string {
  const key = `${table}|${columns.join(',')}|${conflict.kind}|${conflict.kind === 'error' ? '' : conflict.columns.join(',')}`;
  let text = pgInsertTexts.get(key);
  if (!text) {
    const list = columns.map(quote).join(', ');
    text = `insert into ${quote(table)} (${list}) select ${list} from json_populate_recordset(null::${quote(table)}, $1::json)`;
    if (conflict.kind !== 'error') text += ` on conflict (${conflict.columns.map(quote).join(', ')})`;
    if (conflict.kind === 'ignore') text += ' do nothing';
    if (conflict.kind === 'upsert') {
      text += ` do update set ${columns.filter((c) => !conflict.columns.includes(c)).map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ')}`;
    }
    if (conflict.kind === 'add') {
      text += ` do update set ${columns.filter((c) => !conflict.columns.includes(c)).map((c) => `${quote(c)} = ${quote(table)}.${quote(c)} + excluded.${quote(c)}`).join(', ')}`;
    }
    pgInsertTexts.set(key, text);
  }
  return text;
}

/**
 * A statement prepared once per SQLite handle and kept (the sync's hot reads: building and
 * compiling a Kysely query costs more than SQLite's answer to it). Like the writers here, it
 * must only run inside a Kysely transaction callback on that handle.
 */
export function cachedSqliteStatement(handle: SqliteDatabase.Database, text: string): SqliteDatabase.Statement {
  return cached(handle, text, () => text);
}

/** DELETE … WHERE column IN (values), chunked; one prepared statement per value on SQLite. */
export async function deleteWhereIn<T extends keyof Database>(
  server: ServerDb,
  trx: Transaction<Database>,
  table: T,
  column: string,
  values: string[],
): Promise<void> {
  if (values.length === 0) return;
  if (server.sqlite) {
    const stmt = cached(server.sqlite, `delete|${table}|${column}`, () => `delete from ${quote(table)} where ${quote(column)} = ?`);
    for (const v of values) stmt.run(v);
    return;
  }
  for (let i = 0; i < values.length; i += 500) {
    await (trx as unknown as Transaction<LooseDatabase>).deleteFrom(table as string).where(column, 'in', values.slice(i, i + 500)).execute();
  }
}

const addRowsSql = new Map<string, string>();

/**
 * Adds rows of numbers to the stored rows of their keys (`insert … on conflict (key) do update
 * set c = t.c + excluded.c`): the indicator counters' write (services/indicator-counters.ts).
 * Rows are arrays in `columns` order (no object per row), and each key comes at most once.
 * SQLite: cached statements run 32 rows at a time, then row by row. PostgreSQL: ONE statement
 * for all the rows, passed as one array per column (`unnest`, typed by `pgTypes`), so a batch's
 * few hundred rows cost 31 parameters to bind and parse instead of thousands.
 */
export async function addRows(
  server: ServerDb,
  trx: Transaction<Database>,
  table: keyof Database,
  columns: readonly string[],
  keyColumns: readonly string[],
  pgTypes: readonly string[],
  rows: readonly unknown[][],
): Promise<void> {
  if (rows.length === 0) return;
  if (server.sqlite) {
    const valuesOf: ValuesOf = (from, count) => (count === 1 ? rows[from]! : rows.slice(from, from + count).flat());
    runInGroups(server.sqlite, table, [...columns], { kind: 'add', columns: [...keyColumns] }, rows.length, valuesOf);
    return;
  }
  const cacheKey = `${table}|${columns.join(',')}|${keyColumns.join(',')}`;
  let text = addRowsSql.get(cacheKey);
  if (!text) {
    const set = columns.filter((c) => !keyColumns.includes(c)).map((c) => `${quote(c)} = ${quote(table)}.${quote(c)} + excluded.${quote(c)}`);
    text =
      `insert into ${quote(table)} (${columns.map(quote).join(', ')}) ` +
      `select * from unnest(${columns.map((_, i) => `$${i + 1}::${pgTypes[i]}[]`).join(', ')}) ` +
      `on conflict (${keyColumns.map(quote).join(', ')}) do update set ${set.join(', ')}`;
    addRowsSql.set(cacheKey, text);
  }
  const byColumn = columns.map((_, i) => rows.map((row) => row[i]));
  await trx.executeQuery(CompiledQuery.raw(text, byColumn));
}
