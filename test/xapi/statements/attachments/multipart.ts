// Test helpers for attachments: building multipart/mixed request bodies byte by byte, and an independent,
// deliberately simple multipart parser for reading responses back (whole body in memory; tests only).
import { xapi } from "../../../helpers";
import type { Json } from "../fixtures";

export const encoder = new TextEncoder();
export const decoder = new TextDecoder();

export async function sha256(bytes: Uint8Array | string): Promise<string> {
  const data = typeof bytes === "string" ? encoder.encode(bytes) : bytes;
  return hex(await crypto.subtle.digest("SHA-256", data));
}

export function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function concatBytes(...parts: (Uint8Array | string)[]): Uint8Array {
  const bytes = parts.map((p) => (typeof p === "string" ? encoder.encode(p) : p));
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of bytes) {
    out.set(b, offset);
    offset += b.byteLength;
  }
  return out;
}

export async function attachmentFor(content: Uint8Array | string, extra: Json = {}): Promise<Json> {
  const bytes = typeof content === "string" ? encoder.encode(content) : content;
  return {
    usageType: "http://example.com/attachment-usage/test",
    display: { "en-US": "A test attachment" },
    contentType: "text/plain",
    length: bytes.byteLength,
    sha2: await sha256(bytes),
    ...extra,
  };
}

export type RawPart = { headers: Record<string, string>; content: Uint8Array | string };

export const BOUNDARY = "-------314159265358979323846";

/** A multipart/mixed body: the statements part, then `parts`, CRLF everywhere, closed. */
export function multipartBody(statements: unknown, parts: RawPart[], boundary = BOUNDARY): Uint8Array {
  const pieces: (Uint8Array | string)[] = [`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(statements)}`];
  for (const part of parts) {
    const headers = Object.entries(part.headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
    pieces.push(`\r\n--${boundary}\r\n${headers}\r\n`, part.content);
  }
  pieces.push(`\r\n--${boundary}--\r\n`);
  return concatBytes(...pieces);
}

export async function partFor(content: Uint8Array | string, headers: Record<string, string> = {}): Promise<RawPart> {
  const bytes = typeof content === "string" ? encoder.encode(content) : content;
  return {
    headers: {
      "Content-Type": "text/plain",
      "Content-Transfer-Encoding": "binary",
      "X-Experience-API-Hash": await sha256(bytes),
      ...headers,
    },
    content: bytes,
  };
}

export function postMultipart(
  body: BodyInit,
  version: string,
  contentType = `multipart/mixed; boundary=${BOUNDARY}`,
  path = "/statements",
  method = "POST",
): Promise<Response> {
  return xapi(path, { method, body, version, headers: { "Content-Type": contentType } });
}

export type ParsedPart = { headers: Record<string, string>; body: Uint8Array };

/** Splits a multipart/mixed response: an independent reading of RFC 2046, for tests. */
export function parseMultipartResponse(contentType: string, body: Uint8Array): ParsedPart[] {
  const match = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!match) throw new Error(`no boundary in ${contentType}`);
  const delimiter = encoder.encode(`--${match[1]}`);
  const positions: number[] = [];
  for (let i = 0; i + delimiter.length <= body.length; i++) {
    if (delimiter.every((byte, j) => body[i + j] === byte) && (i === 0 || (body[i - 2] === 13 && body[i - 1] === 10))) {
      positions.push(i);
    }
  }
  const parts: ParsedPart[] = [];
  for (let k = 0; k + 1 < positions.length; k++) {
    const start = positions[k]! + delimiter.length + 2; // boundary line's CRLF
    const end = positions[k + 1]! - 2; // the delimiter's CRLF
    const section = body.subarray(start, end);
    let split = -1;
    for (let i = 0; i + 3 < section.length; i++) {
      if (section[i] === 13 && section[i + 1] === 10 && section[i + 2] === 13 && section[i + 3] === 10) {
        split = i;
        break;
      }
    }
    const headerText = decoder.decode(section.subarray(0, split));
    const headers: Record<string, string> = {};
    for (const line of headerText.split("\r\n")) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: section.subarray(split + 4) });
  }
  const last = positions[positions.length - 1]!;
  if (decoder.decode(body.subarray(last + delimiter.length, last + delimiter.length + 2)) !== "--") {
    throw new Error("no close delimiter");
  }
  return parts;
}
