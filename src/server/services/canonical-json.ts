// Canonical JSON: object keys sorted, arrays in order, no spaces. Two JSON values are equal as

// parsed JSON exactly when their canonical texts are equal (key order ignored).
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/**
 * Whether two record bodies (JSON text) hold the same content for the sync protocol: the same
 * `kind`, `schemaVersion` and `data` as parsed JSON. `id`, `rev` and `clientUpdatedAt` are not
 * compared (the caller matched id and rev already).
 */
export function sameContent(bodyA: string, bodyB: string): boolean {
  const content = (text: string) => {
    const r = JSON.parse(text) as Record<string, unknown>;
    return canonicalJson({ kind: r.kind, schemaVersion: r.schemaVersion, data: r.data });
  };
  return content(bodyA) === content(bodyB);
}
