// A streaming multipart/mixed reader (RFC 2046 5.1.1), the body format of statement requests with
// attachments (1.0.3 Communication 1.5.2; 9274.1.1 4.1.3). Parts are handed out one at a time and their
// content as chunks while the request streams in: nothing beyond one chunk plus a delimiter's length is held,
// so a part of tens of MiB never sits in memory whole. Every malformation of hostile input is a 400.
import { badRequest, payloadTooLarge } from "../../../errors";

export type MultipartLimits = {
  /** The whole request body, preamble and epilogue included (413 above it). */
  maxBodyBytes: number;
  /** One part's header block. */
  maxHeaderBytes: number;
  /** Parts, the statement part included. */
  maxParts: number;
};

export type MultipartPart = {
  /** Header names lower-cased; values trimmed and unfolded. */
  headers: ReadonlyMap<string, string>;
  /** The part's content; must be read to its end before asking for the next part. */
  content(): AsyncGenerator<Uint8Array>;
};

const CRLF = new Uint8Array([13, 10]);
const DASH_DASH = new Uint8Array([45, 45]);
const HEADER_END = new Uint8Array([13, 10, 13, 10]);
// Content-* headers a part may carry once: two conflicting values would make the part ambiguous.
const SINGLE_HEADERS = new Set(["content-type", "content-transfer-encoding", "content-length", "x-experience-api-hash"]);
const MAX_TRANSPORT_PADDING = 256;

export class MultipartReader {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private received = 0;
  private exhausted = false;
  private parts = 0;
  private state: "start" | "between" | "in-part" | "closed" = "start";
  /** CRLF "--" boundary: the delimiter; its CRLF belongs to the delimiter, not to the preceding content. */
  private readonly delimiter: Uint8Array;

  constructor(
    private readonly source: ReadableStreamDefaultReader<Uint8Array>,
    boundary: string,
    private readonly limits: MultipartLimits,
  ) {
    this.delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
  }

  /** The next part, or null once the close delimiter has been read (the epilogue is ignored). */
  async nextPart(): Promise<MultipartPart | null> {
    if (this.state === "in-part") throw new Error("MultipartReader: the previous part was not read to its end");
    if (this.state === "start") {
      await this.skipPreamble();
      this.state = (await this.readAfterBoundary()) === "close" ? "closed" : "between";
    }
    if (this.state === "closed") {
      await this.source.cancel().catch(() => {});
      return null;
    }
    if (++this.parts > this.limits.maxParts) throw badRequest(`a multipart request may have at most ${this.limits.maxParts} parts`);
    const headers = await this.readHeaders();
    this.state = "in-part";
    return { headers, content: () => this.readContent() };
  }

  /** Releases the request body, e.g. when a part was rejected before its content was read. */
  async cancel(): Promise<void> {
    await this.source.cancel().catch(() => {});
  }

  // multipart-body := [preamble CRLF] dash-boundary ...: the first boundary may open the body without a CRLF.
  private async skipPreamble(): Promise<void> {
    const dashBoundary = this.delimiter.subarray(2);
    await this.ensure(dashBoundary.length);
    if (startsWith(this.buf, dashBoundary, this.pos)) {
      this.pos += dashBoundary.length;
      return;
    }
    for (;;) {
      const found = indexOf(this.buf, this.delimiter, this.pos);
      if (found >= 0) {
        this.pos = found + this.delimiter.length;
        return;
      }
      this.pos = Math.max(this.pos, this.buf.length - (this.delimiter.length - 1));
      if (!(await this.fill())) throw badRequest("the multipart body has no boundary line of the Content-Type's boundary");
    }
  }

  // After a boundary: "--" closes the body; otherwise transport padding (spaces, tabs) and CRLF open a part.
  private async readAfterBoundary(): Promise<"part" | "close"> {
    await this.ensure(2);
    if (startsWith(this.buf, DASH_DASH, this.pos)) {
      this.pos += 2;
      return "close";
    }
    for (let padding = 0; ; padding++) {
      if (!(await this.ensure(1))) break;
      const byte = this.buf[this.pos];
      if (byte !== 32 && byte !== 9) break;
      if (padding >= MAX_TRANSPORT_PADDING) throw badRequest("a multipart boundary line is too long");
      this.pos++;
    }
    await this.ensure(2);
    if (!startsWith(this.buf, CRLF, this.pos)) {
      throw badRequest("a multipart boundary line must end with CRLF (or the boundary must close the body with --)");
    }
    this.pos += 2;
    return "part";
  }

  // body-part := MIME-part-headers [CRLF *OCTET]. Leaves `pos` on the CRLF that ends the headers, which is
  // either the start of the content's CRLF or the delimiter's own CRLF.
  private async readHeaders(): Promise<Map<string, string>> {
    const headers = new Map<string, string>();
    await this.ensure(2);
    if (startsWith(this.buf, CRLF, this.pos)) return headers;
    for (;;) {
      const end = indexOf(this.buf, HEADER_END, this.pos);
      if (end >= 0 && end + 2 - this.pos <= this.limits.maxHeaderBytes) {
        parseHeaderBlock(latin1(this.buf.subarray(this.pos, end)), headers);
        this.pos = end + 2;
        return headers;
      }
      if (end >= 0 || this.buf.length - this.pos > this.limits.maxHeaderBytes) {
        throw badRequest(`a multipart part's headers exceed ${this.limits.maxHeaderBytes} bytes`);
      }
      if (!(await this.fill())) throw badRequest("a multipart part's headers are not terminated by an empty line");
    }
  }

  private async *readContent(): AsyncGenerator<Uint8Array> {
    const delimiter = this.delimiter;
    await this.ensure(delimiter.length);
    if (startsWith(this.buf, delimiter, this.pos)) {
      this.pos += delimiter.length; // a part with headers only
    } else {
      this.pos += 2; // the CRLF that separates headers from content
      for (;;) {
        const found = indexOf(this.buf, delimiter, this.pos);
        if (found >= 0) {
          if (found > this.pos) yield this.buf.subarray(this.pos, found);
          this.pos = found + delimiter.length;
          break;
        }
        // Hold back what could be the start of a delimiter split across chunks.
        const safe = this.buf.length - (delimiter.length - 1);
        if (safe > this.pos) {
          const chunk = this.buf.subarray(this.pos, safe);
          this.pos = safe;
          yield chunk;
        }
        if (!(await this.fill())) throw badRequest("the multipart body ends without its close delimiter");
      }
    }
    this.state = (await this.readAfterBoundary()) === "close" ? "closed" : "between";
  }

  /** Reads until at least `n` unread bytes are buffered; false when the body ends first. */
  private async ensure(n: number): Promise<boolean> {
    while (this.buf.length - this.pos < n) if (!(await this.fill())) return false;
    return true;
  }

  private async fill(): Promise<boolean> {
    if (this.exhausted) return false;
    const { done, value } = await this.source.read();
    if (done) {
      this.exhausted = true;
      return false;
    }
    this.received += value.byteLength;
    if (this.received > this.limits.maxBodyBytes) {
      await this.cancel();
      throw payloadTooLarge(`the request body exceeds ${this.limits.maxBodyBytes} bytes`);
    }
    // Chunks already handed out are views of the old buffer, so it is replaced, never written into.
    if (this.pos >= this.buf.length) {
      this.buf = value;
    } else {
      const joined = new Uint8Array(this.buf.length - this.pos + value.byteLength);
      joined.set(this.buf.subarray(this.pos));
      joined.set(value, this.buf.length - this.pos);
      this.buf = joined;
    }
    this.pos = 0;
    return true;
  }
}

// RFC 822 header fields: "name: value", continuation lines start with a space or tab (unfolded here).
function parseHeaderBlock(block: string, headers: Map<string, string>): void {
  const lines: string[] = [];
  for (const line of block.split("\r\n")) {
    if ((line.startsWith(" ") || line.startsWith("\t")) && lines.length > 0) lines[lines.length - 1] += ` ${line.trim()}`;
    else lines.push(line);
  }
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : "";
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) {
      throw badRequest(`a multipart part has a malformed header line "${line.slice(0, 60)}"`);
    }
    if (headers.has(name) && SINGLE_HEADERS.has(name)) throw badRequest(`a multipart part repeats the header ${name}`);
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 4096) text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return text;
}

function startsWith(haystack: Uint8Array, needle: Uint8Array, at: number): boolean {
  if (haystack.length - at < needle.length) return false;
  for (let i = 0; i < needle.length; i++) if (haystack[at + i] !== needle[i]) return false;
  return true;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(needle[0]!, from); i !== -1 && i <= last; i = haystack.indexOf(needle[0]!, i + 1)) {
    if (startsWith(haystack, needle, i)) return i;
  }
  return -1;
}

/**
 * The boundary parameter of a multipart/mixed Content-Type, quoted or not (RFC 2045 5.1, RFC 2046 5.1.1:
 * 1 to 70 characters of bchars, not ending in a space).
 */
export function boundaryOf(contentType: string): string {
  let boundary: string | undefined;
  const params = contentType.slice(contentType.indexOf(";") + 1);
  const param = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)\s*(?:;|$)/y;
  if (contentType.includes(";")) {
    for (let match = param.exec(params); match; match = param.exec(params)) {
      if (match[1]!.toLowerCase() === "boundary") {
        const raw = match[2]!.trim();
        boundary = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
      }
      if (param.lastIndex >= params.length) break;
    }
  }
  if (!boundary) throw badRequest("a multipart/mixed Content-Type needs a boundary parameter");
  if (!/^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary)) {
    throw badRequest("the multipart boundary must be 1 to 70 RFC 2046 boundary characters");
  }
  return boundary;
}
