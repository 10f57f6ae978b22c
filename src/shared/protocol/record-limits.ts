// Limits on one record, checked by the server per record (a `rejected` result, the rest of the
// batch stored) and by the phone when it saves (a field error on the form). Both measure the
// same thing: the record's JSON text in UTF-8 bytes, and how deep its JSON nests.
//
// The depth check is iterative and runs BEFORE anything recursive (JSON.stringify, zod,
// canonicalJson): a record nesting thousands of levels deep would overflow their stacks.

/**
 * The deepest nesting a record may have (the envelope is level 1). A valid record of any kind
 * today nests 5 deep (envelope → data → members → member → skills); 32 leaves room for future
 * versions and still keeps every recursive walk far from the stack's limit.
 */
export const MAX_RECORD_DEPTH = 32;

/**
 * The largest record, in UTF-8 bytes of its JSON. A household with the schema's 60 members and
 * every text field at its longest, written in the characters that cost most in JSON (control
 * characters, six bytes each as \u00XX), is about 180 KB (tests/unit/record-limits.test.ts
 * computes it); 256 KiB keeps that with room, and is also the phone's batch size
 * (CLIENT_BATCH_MAX_BYTES), so a record that fits here always fits in some batch.
 */
export const MAX_RECORD_BYTES = 256 * 1024;

/**
 * Whether a JSON value (as JSON.parse makes it: objects, arrays, primitives, no cycles) nests
 * deeper than `max` levels. Iterative, so it cannot itself overflow; it stops as soon as it knows.
 */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  // Two parallel stacks (no pair allocated per object: the server walks every record of a batch).
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const child of children) {
      if (child !== null && typeof child === 'object') {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** UTF-8 length of a string, without allocating its bytes (a lone surrogate counts 3, as TextEncoder's U+FFFD). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export type RecordLimitError = { path: ''; code: 'record_too_deep' | 'record_too_large' };

/**
 * Checks one record against both limits: depth first (so the size, measured with
 * JSON.stringify, is only ever measured on a shallow value). Null when within them.
 *
 * `sentInBytes`: the size of the JSON text the record arrived in (the server passes the whole
 * request body's). A record is part of that text, so when it is no larger than the limit the
 * record is within it as sent and is not serialised again to be measured: the phone's batches
 * are never larger (CLIENT_BATCH_MAX_BYTES), so its records cost one depth walk, not a
 * JSON.stringify each.
 */
export function checkRecordLimits(record: unknown, sentInBytes?: number): RecordLimitError | null {
  if (jsonDepthExceeds(record, MAX_RECORD_DEPTH)) return { path: '', code: 'record_too_deep' };
  if (sentInBytes !== undefined && sentInBytes <= MAX_RECORD_BYTES) return null;
  const text = JSON.stringify(record) ?? '';
  // Each UTF-16 unit is 1 to 3 bytes of UTF-8 (a surrogate pair, two units, is 4): the exact
  // count is needed only between those bounds, for a record near the limit.
  if (text.length * 3 <= MAX_RECORD_BYTES) return null;
  if (text.length > MAX_RECORD_BYTES || utf8ByteLength(text) > MAX_RECORD_BYTES) return { path: '', code: 'record_too_large' };
  return null;
}
