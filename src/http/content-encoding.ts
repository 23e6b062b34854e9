// Compressed request bodies (RFC 9110 8.4): a write may arrive with Content-Encoding gzip or deflate, and every
// body reader sees the decoded stream, so the byte limits (request-limits.ts) count inflated bytes as they stream
// and a small gzip bomb is refused after inflating just past the limit, never buffered whole (see inflating).
import { once } from "node:events";
import { createGunzip, createInflate, createInflateRaw } from "node:zlib";
import { badRequest, XapiError } from "../errors";

/** The codings a write may use besides identity, as About advertises them. */
export const CONTENT_ENCODINGS = ["gzip", "deflate"] as const;

type Coding = (typeof CONTENT_ENCODINGS)[number] | "identity";

type Format = "gzip" | "deflate" | "deflate-raw";

/** Whether the body is sent with a coding, i.e. its Content-Length says nothing of the decoded size. */
export function isEncodedBody(request: Request): boolean {
  return contentCodingOf(request) !== "identity";
}

/**
 * The request body as the resource sees it: decoded per Content-Encoding (415 for an unknown coding, a 400 naming
 * Content-Encoding when the compressed data is corrupt, raised by the stream's reader).
 */
export async function decodedRequestBody(request: Request): Promise<ReadableStream<Uint8Array> | null> {
  const coding = contentCodingOf(request);
  const body = request.body;
  if (coding === "identity" || !body) return body;
  const reader = body.getReader();
  // RFC 9110 8.4.1.2: "deflate" is the zlib format. Some clients (older IIS/.NET ones) send raw deflate under
  // that name. The zlib header (RFC 1950 2.2: method 8, header a multiple of 31) tells them apart for a two-byte
  // look: a raw stream could only start with such a byte if its first block were stored with nonzero padding
  // bits, which encoders never write.
  const head = await readAtLeast(reader, 2, coding);
  const format: Format = coding === "gzip" ? "gzip" : isZlibHeader(head) ? "deflate" : "deflate-raw";
  return inflating(reader, head, format, coding);
}

function contentCodingOf(request: Request): Coding {
  const header = request.headers.get("Content-Encoding");
  if (header === null) return "identity";
  // A list names the codings in the order applied (RFC 9110 8.4); identity entries change nothing.
  const codings = header
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== "" && entry !== "identity");
  if (codings.length === 0) return "identity";
  // RFC 9110 8.4.1.3: x-gzip is the same as gzip.
  const coding = codings.length === 1 ? (codings[0] === "x-gzip" ? "gzip" : codings[0]) : undefined;
  if (coding === "gzip" || coding === "deflate") return coding;
  throw new XapiError(
    415,
    `the body's coding "${header.slice(0, 60)}" is not supported; send one of ${CONTENT_ENCODINGS.join(", ")} or identity`,
    "Content-Encoding",
  );
}

function isZlibHeader(head: Uint8Array): boolean {
  return head.length >= 2 && (head[0]! & 0x0f) === 8 && (head[0]! >> 4) <= 7 && ((head[0]! << 8) | head[1]!) % 31 === 0;
}

async function readAtLeast(reader: ReadableStreamDefaultReader<Uint8Array>, bytes: number, coding: Coding): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < bytes) {
    const { done, value } = await reader.read().catch(() => corrupt(coding));
    if (done) break;
    chunks.push(value);
    length += value.byteLength;
  }
  const head = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    head.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return head;
}

/**
 * The inflated body, produced as it is read. Node's zlib streams (nodejs_compat) do what workerd's
 * DecompressionStream does not: that one inflates every write whole into its buffer, with no backpressure, so a
 * 100 KB bomb would sit in memory as 100 MiB (workerd's compression.c++ says so). Here the inflater stops once
 * a 64 KiB output chunk waits unread, and takes compressed input (buffering ~64 KB of it) only as output is read.
 */
function inflating(reader: ReadableStreamDefaultReader<Uint8Array>, head: Uint8Array, format: Format, coding: Coding): ReadableStream<Uint8Array> {
  const options = { chunkSize: 64 * 1024 };
  const inflater = format === "gzip" ? createGunzip(options) : format === "deflate" ? createInflate(options) : createInflateRaw(options);
  const output = inflater[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  // Writes the compressed body into the inflater as fast as it takes it ("drain"), ending it at the body's end.
  async function feed(): Promise<void> {
    let chunk = head;
    while (!inflater.destroyed) {
      if (chunk.byteLength > 0 && !inflater.write(chunk)) await Promise.race([once(inflater, "drain"), once(inflater, "close")]);
      const next = await reader.read().catch(() => corrupt(coding));
      if (next.done) return void (inflater.destroyed || inflater.end());
      chunk = next.value;
    }
  }
  let feeding: Promise<void> | undefined; // started by the first read, so nothing is inflated before it
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        feeding ??= feed().catch((error: unknown) => void inflater.destroy(error as Error));
        const next = await output.next().catch((error: unknown) => {
          if (error instanceof XapiError) throw error; // the body itself failed to arrive (feed)
          return corrupt(coding); // zlib's own error: bad header, bad data, bad CRC, truncated
        });
        if (next.done) return controller.close();
        controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
      },
      async cancel(reason) {
        inflater.destroy();
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

function corrupt(coding: Coding): never {
  throw badRequest(`the body is not valid ${coding} data`, "Content-Encoding");
}
