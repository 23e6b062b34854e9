// The multipart/mixed reader on its own (RFC 2046 5.1.1): every body is fed in several chunkings, down to
// one byte at a time, so a delimiter split across chunks is always exercised.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { XapiError } from "../../../../src/errors";
import { boundaryOf, MultipartReader } from "../../../../src/xapi/statements/attachments/multipart-reader";
import { concatBytes, decoder, encoder } from "./multipart";

const LIMITS = { maxBodyBytes: 1 << 20, maxHeaderBytes: 1024, maxParts: 10 };
const CHUNKINGS = [1, 2, 3, 7, 64, Infinity];

function streamOf(bytes: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      const size = Math.min(chunk, bytes.length - offset);
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

type Read = { headers: Record<string, string>; content: string };

async function readParts(body: string | Uint8Array, boundary = "B", chunk = Infinity, limits = LIMITS): Promise<Read[]> {
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  const reader = new MultipartReader(streamOf(bytes, chunk).getReader(), boundary, limits);
  const parts: Read[] = [];
  for (let part = await reader.nextPart(); part; part = await reader.nextPart()) {
    const chunks: Uint8Array[] = [];
    for await (const piece of part.content()) chunks.push(piece.slice());
    parts.push({ headers: Object.fromEntries(part.headers), content: decoder.decode(concatBytes(...chunks)) });
  }
  return parts;
}

/** Every chunking gives the same parts. */
async function readAllChunkings(body: string, boundary = "B"): Promise<Read[]> {
  const results = await Promise.all(CHUNKINGS.map((chunk) => readParts(body, boundary, chunk)));
  for (const result of results) expect(result).toEqual(results[0]);
  return results[0]!;
}

async function rejection(body: string, boundary = "B", limits = LIMITS): Promise<number> {
  for (const chunk of CHUNKINGS) {
    const error = await readParts(body, boundary, chunk, limits).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof XapiError)) throw new Error(`accepted (chunk ${chunk}): ${JSON.stringify(body.slice(0, 80))}`);
    if (chunk === Infinity) return error.status;
  }
  return 0;
}

describe("multipart/mixed reader", () => {
  it("reads parts with headers and content, the delimiter's CRLF not part of the content", async () => {
    const parts = await readAllChunkings(
      "--B\r\nContent-Type: application/json\r\n\r\n{}\r\n--B\r\nX-Experience-API-Hash: abc\r\nContent-Type: text/plain\r\n\r\nline 1\r\nline 2\r\n\r\n--B--",
    );
    expect(parts).toEqual([
      { headers: { "content-type": "application/json" }, content: "{}" },
      { headers: { "x-experience-api-hash": "abc", "content-type": "text/plain" }, content: "line 1\r\nline 2\r\n" },
    ]);
  });

  it("skips a preamble (also one that is just the CRLF before the first boundary) and the epilogue", async () => {
    expect(await readAllChunkings("This is a preamble.\r\n--B\r\n\r\nx\r\n--B--\r\nepilogue --B\r\n")).toEqual([
      { headers: {}, content: "x" },
    ]);
    expect(await readAllChunkings("\r\n--B\r\nContent-Type:application/json\r\n\r\n[]\r\n--B--")).toEqual([
      { headers: { "content-type": "application/json" }, content: "[]" },
    ]);
  });

  it("allows transport padding after a boundary and after the close delimiter", async () => {
    expect(await readAllChunkings("--B \t \r\n\r\na\r\n--B  \r\n\r\nb\r\n--B-- \r\n")).toEqual([
      { headers: {}, content: "a" },
      { headers: {}, content: "b" },
    ]);
  });

  it("keeps boundary look-alikes that are not at the start of a line, and partial delimiters", async () => {
    const content = "x--B y\r\n-B \r\n- \r\n--\r\n\r\n-";
    expect(await readAllChunkings(`--B\r\n\r\n${content}\r\n--B--`)).toEqual([{ headers: {}, content }]);
  });

  it("reads parts without headers, with empty content, and with headers only", async () => {
    expect(await readAllChunkings("--B\r\n\r\n\r\n--B\r\nA: 1\r\n\r\n\r\n--B\r\n\r\n--B--")).toEqual([
      { headers: {}, content: "" },
      { headers: { a: "1" }, content: "" },
      { headers: {}, content: "" },
    ]);
  });

  it("unfolds continuation lines and keeps the first of repeated ordinary headers", async () => {
    expect(await readAllChunkings("--B\r\nX-Note: one\r\n two\r\nX-Other: a\r\nX-Other: b\r\n\r\nc\r\n--B--")).toEqual([
      { headers: { "x-note": "one two", "x-other": "a" }, content: "c" },
    ]);
  });

  it("reads the boundary from a quoted parameter, with characters a token cannot hold", async () => {
    const boundary = boundaryOf('multipart/mixed; charset=x; BOUNDARY="gc0p4Jq0M:2Yt08j,34c0p ?"');
    expect(boundary).toBe("gc0p4Jq0M:2Yt08j,34c0p ?");
    expect(await readParts(`--${boundary}\r\n\r\nz\r\n--${boundary}--`, boundary)).toEqual([{ headers: {}, content: "z" }]);
    expect(boundaryOf("multipart/mixed;boundary=-------314159265358979323846")).toBe("-------314159265358979323846");
  });

  it("rejects a missing, empty, too long or ill-formed boundary parameter", () => {
    for (const type of ["multipart/mixed", "multipart/mixed;", "multipart/mixed; boundary=", 'multipart/mixed; boundary=""',
      `multipart/mixed; boundary=${"a".repeat(71)}`, 'multipart/mixed; boundary="ends in space "', "multipart/mixed; boundary=a{b}"]) {
      expect(() => boundaryOf(type), type).toThrow(XapiError);
    }
    expect(boundaryOf(`multipart/mixed; boundary=${"a".repeat(70)}`)).toHaveLength(70);
  });

  it("answers 400 to a body without the close delimiter", async () => {
    expect(await rejection("--B\r\n\r\nunterminated")).toBe(400);
    expect(await rejection("--B\r\n\r\nunterminated\r\n--B")).toBe(400);
    expect(await rejection("--B\r\n\r\nunterminated\r\n--B\r\n")).toBe(400);
    expect(await rejection("")).toBe(400);
    expect(await rejection("no boundary at all")).toBe(400);
  });

  it("answers 400 to bare LF line ends (RFC 2046 requires CRLF)", async () => {
    expect(await rejection("--B\nContent-Type: text/plain\n\nx\n--B--\n")).toBe(400);
    expect(await rejection("--B\r\nContent-Type: text/plain\n\nx\r\n--B--")).toBe(400);
  });

  it("answers 400 to a boundary line followed by anything but padding and CRLF", async () => {
    expect(await rejection("--B\r\n\r\nx\r\n--Bjunk\r\n\r\ny\r\n--B--")).toBe(400);
    expect(await rejection("--B x\r\n\r\ny\r\n--B--")).toBe(400);
  });

  it("answers 400 to malformed, repeated or oversized part headers and to too many parts", async () => {
    expect(await rejection("--B\r\nno colon here\r\n\r\nx\r\n--B--")).toBe(400);
    expect(await rejection("--B\r\n: empty name\r\n\r\nx\r\n--B--")).toBe(400);
    expect(await rejection("--B\r\nContent-Type: a/b\r\ncontent-type: c/d\r\n\r\nx\r\n--B--")).toBe(400);
    expect(await rejection(`--B\r\nX-Big: ${"h".repeat(2000)}\r\n\r\nx\r\n--B--`)).toBe(400);
    expect(await rejection(`${"--B\r\n\r\nx\r\n".repeat(11)}--B--`)).toBe(400);
    expect(await readParts(`${"--B\r\n\r\nx\r\n".repeat(10)}--B--`)).toHaveLength(10);
  });

  it("answers 413 once the body passes the byte limit, wherever that is", async () => {
    const body = `--B\r\n\r\n${"x".repeat(5000)}\r\n--B--`;
    expect(await rejection(body, "B", { ...LIMITS, maxBodyBytes: 4096 })).toBe(413);
    expect(await readParts(body, "B", 64, { ...LIMITS, maxBodyBytes: body.length })).toHaveLength(1);
  });

  it("round-trips arbitrary binary contents under arbitrary chunkings", async () => {
    const boundary = "q1w2e3r4";
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 97 }),
        async (contents, chunk) => {
          const pieces: (Uint8Array | string)[] = [];
          for (const content of contents) pieces.push(`--${boundary}\r\n\r\n`, content, "\r\n");
          pieces.push(`--${boundary}--`);
          const reader = new MultipartReader(streamOf(concatBytes(...pieces), chunk).getReader(), boundary, LIMITS);
          const read: Uint8Array[] = [];
          for (let part = await reader.nextPart(); part; part = await reader.nextPart()) {
            const chunks: Uint8Array[] = [];
            for await (const piece of part.content()) chunks.push(piece.slice());
            read.push(concatBytes(...chunks));
          }
          expect(read).toEqual(contents);
        },
      ),
      { numRuns: 200 },
    );
  });
});
