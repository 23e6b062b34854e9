// A part of tens of MiB streams through: the request body is generated as a stream (the test never holds it
// whole), crosses R2's multipart-upload threshold several times, and comes back intact with its hash.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { xapi } from "../../../helpers";
import { statement } from "../fixtures";
import { BOUNDARY, encoder, hex } from "./multipart";

const SIZE = 24 * 1024 * 1024 + 12345; // not a multiple of R2's 5 MiB part size
const CHUNK = 64 * 1024;

/** Deterministic pseudo-random bytes (xorshift32), chunk by chunk, the same on every call. */
async function* content(): AsyncGenerator<Uint8Array> {
  let state = 0x9e3779b9;
  for (let offset = 0; offset < SIZE; offset += CHUNK) {
    const chunk = new Uint8Array(Math.min(CHUNK, SIZE - offset));
    const words = new Uint32Array(chunk.buffer, 0, chunk.length >> 2);
    for (let i = 0; i < words.length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      words[i] = state >>> 0;
    }
    yield chunk;
  }
}

async function digestOf(chunks: AsyncIterable<Uint8Array>): Promise<{ sha2: string; length: number }> {
  const digest = new crypto.DigestStream("SHA-256");
  const writer = digest.getWriter();
  let length = 0;
  for await (const chunk of chunks) {
    length += chunk.length;
    await writer.write(chunk);
  }
  await writer.close();
  return { sha2: hex(await digest.digest), length };
}

/** The SIZE bytes that follow `marker` in a stream (the marker lies within the first few KiB). */
async function* partContent(chunks: AsyncIterable<Uint8Array>, marker: string): AsyncGenerator<Uint8Array> {
  let head = new Uint8Array(0);
  let remaining = -1;
  for await (const chunk of chunks) {
    let piece = chunk;
    if (remaining < 0) {
      const joined = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      head = joined;
      const at = String.fromCharCode(...head.subarray(0, 16384)).indexOf(marker);
      if (at < 0) continue;
      piece = head.subarray(at + marker.length);
      remaining = SIZE;
    }
    const take = piece.subarray(0, remaining);
    remaining -= take.length;
    if (take.length > 0) yield take;
    if (remaining === 0) return;
  }
}

async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
}

describe("a large attachment", () => {
  it("streams in, lands in R2 with its hash, and streams back out", { timeout: 120_000 }, async () => {
    const { sha2 } = await digestOf(content());
    const id = crypto.randomUUID();
    const attachment = { usageType: "http://example.com/usage/recording", display: { "en-US": "recording" }, contentType: "application/octet-stream", length: SIZE, sha2 };
    const head = `--${BOUNDARY}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(statement({ id, attachments: [attachment] }))}\r\n` +
      `--${BOUNDARY}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${sha2}\r\n\r\n`;
    async function* body(): AsyncGenerator<Uint8Array> {
      yield encoder.encode(head);
      yield* content();
      yield encoder.encode(`\r\n--${BOUNDARY}--\r\n`);
    }
    const generator = body();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await generator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    });
    const res = await xapi("/statements", { method: "POST", body: stream, headers: { "Content-Type": `multipart/mixed; boundary=${BOUNDARY}` } });
    expect(res.status, await res.text()).toBe(200);

    const row = await env.DB.prepare("SELECT r2_key AS r2Key, length FROM attachments WHERE sha2 = ?").bind(sha2).first<{ r2Key: string; length: number }>();
    expect(row!.length).toBe(SIZE);
    const object = await env.BLOBS.get(row!.r2Key);
    expect(await digestOf(streamChunks(object!.body))).toEqual({ sha2, length: SIZE });

    // The response streams the content from R2: digest exactly the part's bytes as they arrive.
    const get = await xapi(`/statements?statementId=${id}&attachments=true`);
    expect(get.status).toBe(200);
    const partStart = `X-Experience-API-Hash: ${sha2}\r\nContent-Length: ${SIZE}\r\n\r\n`;
    expect(await digestOf(partContent(streamChunks(get.body!), partStart))).toEqual({ sha2, length: SIZE });
  });
});
