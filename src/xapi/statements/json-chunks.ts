// D1 caps a bound value at ~2 MB; bulk rows travel as JSON arrays of at most ~1 MB each.
export const MAX_CHUNK_BYTES = 900_000;

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The UTF-8 size of `text` without encoding it (encoding every row of an ingest batch was a fifth of the insert's
 * CPU). `text` comes from JSON.stringify, which escapes lone surrogates, so each surrogate is half of a 4-byte pair.
 */
export function utf8ByteLength(text: string): number {
  if (!NON_ASCII.test(text)) return text.length;
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    bytes += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return bytes;
}

/** `rows` as JSON array texts, each under the limit (a single larger row still gets its own chunk). */
export function chunkJsonArrays(rows: readonly unknown[]): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const row of rows) {
    const text = JSON.stringify(row);
    const bytes = utf8ByteLength(text);
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
