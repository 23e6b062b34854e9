// Reading request bodies under a byte limit. The limit is enforced while streaming, so a client that lies
// about (or omits) Content-Length still cannot make the Worker hold more than the limit.
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { badRequest, payloadTooLarge } from "../errors";
import { decodedRequestBody, isEncodedBody } from "./content-encoding";
import { requestLimits } from "./request-limits";

/** The limit of a statements body (request-limits.ts). */
export function maxBodyBytes(c: Context<AppEnv>): number {
  return requestLimits(c.env).maxBodyBytes;
}

/** The limit of a document body: application/json ones are parsed (and merged), so they have a lower one. */
export function maxDocumentBytes(c: Context<AppEnv>, contentType: string): number {
  const limits = requestLimits(c.env);
  return mediaType(contentType) === "application/json" ? limits.maxJsonDocumentBytes : limits.maxDocumentBytes;
}

const REQUEST_BODY = "the request body";

/** 413 naming what passed `limit` ("the statement part"). */
const tooLarge = (what: string, limit: number) => payloadTooLarge(`${what} exceeds ${limit} bytes`);

/** The body, decoded per Content-Encoding (content-encoding.ts); `limit` counts decoded bytes. */
export async function readBodyBytes(c: Context<AppEnv>, limit = maxBodyBytes(c)): Promise<Uint8Array> {
  // A declared length is the coded size: it bounds the decoded size only when there is no coding.
  const declared = isEncodedBody(c.req.raw) ? NaN : Number(c.req.header("Content-Length") ?? NaN);
  if (declared > limit) throw tooLarge(REQUEST_BODY, limit);
  if (Number.isSafeInteger(declared) && declared >= 0) {
    // HTTP framing ends an uncoded body at its declared length, here within the limit: one native read instead
    // of a loop over its chunks (which cost a statements batch about 13 µs per statement in workerd). The count
    // is checked again all the same.
    const bytes = new Uint8Array(await c.req.raw.arrayBuffer());
    if (bytes.byteLength > limit) throw tooLarge(REQUEST_BODY, limit);
    return bytes;
  }
  const body = await decodedRequestBody(c.req.raw);
  return body ? collectBytes(body, limit, REQUEST_BODY) : new Uint8Array(0);
}

/** The body as UTF-8 text; invalid UTF-8 is a 400, never a silent replacement character. */
export async function readBodyText(c: Context<AppEnv>, limit?: number): Promise<string> {
  return decodeUtf8(await readBodyBytes(c, limit), REQUEST_BODY);
}

/**
 * Concatenates a stream of chunks, refusing with 413 as soon as it passes `limit` bytes (leaving the loop early
 * cancels the stream). `what` names the body in the message ("the statement part").
 */
export async function collectBytes(chunks: AsyncIterable<Uint8Array>, limit: number, what: string): Promise<Uint8Array> {
  const collected: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.byteLength;
    if (total > limit) throw tooLarge(what, limit);
    collected.push(chunk);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of collected) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw badRequest(`${what} is not valid UTF-8`);
  }
}

/** The media type of the request without parameters, lower-cased ('' when absent). */
export function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}
