// Bulk rows travel to D1 as JSON array texts under MAX_CHUNK_BYTES each (src/xapi/statements/json-chunks.ts),
// sized by counting UTF-8 bytes without encoding: the count must equal the encoder's for every kind of text.
import { describe, expect, it } from "vitest";
import { chunkJsonArrays, MAX_CHUNK_BYTES, utf8ByteLength } from "../../../src/xapi/statements/json-chunks";

const encoded = (text: string) => new TextEncoder().encode(text).byteLength;

describe("JSON chunks for D1", () => {
  it("counts UTF-8 bytes as the encoder does: ASCII, 2-, 3- and 4-byte characters, escaped lone surrogates", () => {
    const texts = ["", "plain ascii", "é", "ü𝄞é中", "\u007f\u0080\u07ff\u0800\uffff", "😀😀 mixed ascii", JSON.stringify("\ud800 lone"), "中".repeat(1000)];
    for (const text of texts) expect([text, utf8ByteLength(text)]).toEqual([text, encoded(text)]);
  });

  it("keeps every chunk of multi-byte rows under the limit in bytes, not characters, and loses no row", () => {
    // 3 bytes per character: counted in characters these rows would fit three times as many to a chunk.
    const rows = Array.from({ length: 40 }, (_, i) => ({ i, text: "中".repeat(50_000) }));
    const chunks = chunkJsonArrays(rows);
    expect(chunks.length).toBeGreaterThanOrEqual(Math.ceil((40 * 150_000) / MAX_CHUNK_BYTES));
    for (const chunk of chunks) expect(encoded(chunk)).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
    expect(chunks.flatMap((chunk) => JSON.parse(chunk) as unknown[])).toEqual(rows);
  });
});
