// D1 caps a bound value at ~2 MB; bulk rows travel as JSON arrays of at most ~1 MB each.
const MAX_CHUNK_BYTES = 900_000;
const encoder = new TextEncoder();

/** `rows` as JSON array texts, each under the limit (a single larger row still gets its own chunk). */
export function chunkJsonArrays(rows: readonly unknown[]): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const row of rows) {
    const text = JSON.stringify(row);
    const bytes = encoder.encode(text).byteLength;
    if (current.length > 0 && size + bytes + 1 > MAX_CHUNK_BYTES) {
      chunks.push(`[${current.join(",")}]`);
      current = [];
      size = 2;
    }
    current.push(text);
    size += bytes + 1;
  }
  if (current.length > 0) chunks.push(`[${current.join(",")}]`);
  return chunks;
}
