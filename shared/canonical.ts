/**
 * Canonical JSON: object keys sorted, no white space, numbers as JavaScript
 * prints them, `-0` as `0`. Two results are equal under `compare: "exact"`
 * exactly when their canonical texts are equal, whatever order a volunteer's
 * engine wrote the keys in.
 */
export function canonicalJson(value: unknown): string {
  return write(value);
}

function write(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) return 'null';
      return Object.is(value, -0) ? '0' : String(value);
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return '[' + value.map(write).join(',') + ']';
      const keys = Object.keys(value as object)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort();
      const parts = keys.map(
        (k) =>
          JSON.stringify(k) +
          ':' +
          write((value as Record<string, unknown>)[k]),
      );
      return '{' + parts.join(',') + '}';
    }
    default:
      // undefined, functions and symbols have no JSON form.
      return 'null';
  }
}
