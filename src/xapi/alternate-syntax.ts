// Alternate Request Syntax (1.0.3 Communication 1.3): `POST <resource>?method=<GET|PUT|POST|DELETE>` with an
// application/x-www-form-urlencoded body, for browsers that cannot send headers or other methods. The form
// fields Authorization, X-Experience-API-Version, Content-Type, Content-Length, If-Match and If-None-Match are
// headers, `content` is the body, every other field is a query parameter; the equivalent ordinary request is
// then dispatched through the whole app (version, auth, routes), so it obeys exactly the same rules.
// 9274.1.1 removed the syntax: a 2.0 request carrying `method` is refused (the 2.0 suite expects a 4xx).
// Runs before version negotiation and authentication, so it trusts nothing it reads here.
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { badRequest } from "../errors";
import { mediaType, readBodyText } from "../http/body";
import { VERSION_HEADER } from "./version";

const METHODS = new Set(["GET", "PUT", "POST", "DELETE"]);
const FORM = "application/x-www-form-urlencoded";
// 1.3.s3.b6: the form parameters that stand for headers (Content-Transfer-Encoding is not one of them).
const HEADER_FIELDS = new Map(
  ["Authorization", VERSION_HEADER, "Content-Type", "Content-Length", "If-Match", "If-None-Match"].map((name) => [
    name.toLowerCase(),
    name,
  ]),
);

/**
 * When the request uses the alternate syntax (`POST ?method=...` with a form body), returns the equivalent
 * ordinary Request to be dispatched instead; otherwise undefined.
 */
export async function rewriteAlternateRequest(c: Context<AppEnv>): Promise<Request | undefined> {
  const url = new URL(c.req.url);
  if (!url.searchParams.has("method")) return undefined;
  const isForm = mediaType(c.req.header("Content-Type")) === FORM;
  const fields = isForm && c.req.method === "POST" ? new URLSearchParams(await readBodyText(c)) : new URLSearchParams();
  const version = fields.get(VERSION_HEADER) ?? c.req.header(VERSION_HEADER) ?? "";
  if (/^2\./.test(version)) {
    throw badRequest("xAPI 2.0 has no Alternate Request Syntax: send the method, headers and body as usual", "method");
  }

  if (c.req.method !== "POST") throw badRequest("the Alternate Request Syntax is only a POST", "method");
  for (const name of url.searchParams.keys()) {
    if (name !== "method") {
      throw badRequest("with the Alternate Request Syntax, parameters go in the form body, not the query", name);
    }
  }
  const methods = url.searchParams.getAll("method");
  const method = methods[0]!.toUpperCase();
  if (methods.length > 1 || !METHODS.has(method)) throw badRequest("must be one of GET, PUT, POST, DELETE", "method");
  if (!isForm) throw badRequest(`the Alternate Request Syntax needs a ${FORM} body`, "Content-Type");

  const headers = new Headers(c.req.raw.headers);
  headers.delete("Content-Type");
  headers.delete("Content-Length");
  const query = new URLSearchParams();
  let content: string | undefined;
  const seenHeaders = new Set<string>();
  for (const [name, value] of fields) {
    const header = HEADER_FIELDS.get(name.toLowerCase());
    if (header) {
      if (seenHeaders.has(header)) throw badRequest("the form parameter is given more than once", header);
      seenHeaders.add(header);
      // Content-Length describes `content`; the rebuilt request computes its own.
      if (header !== "Content-Length") headers.set(header, headerValue(header, value));
    } else if (name === "content") {
      if (content !== undefined) throw badRequest("the form parameter is given more than once", "content");
      content = value;
    } else {
      query.append(name, value);
    }
  }

  const sendsContent = method === "PUT" || method === "POST";
  if (sendsContent && content === undefined) {
    throw badRequest(`a ${method} in the Alternate Request Syntax carries its body in the form parameter "content"`, "content");
  }
  if (!sendsContent && content !== undefined) throw badRequest(`a ${method} has no content`, "content");
  if (sendsContent && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  const target = `${url.origin}${url.pathname}${query.size > 0 ? `?${query}` : ""}`;
  return new Request(target, { method, headers, body: sendsContent ? content : undefined });
}

// RFC 9110 5.5: a field value is visible ASCII, obs-text, spaces and tabs. A form field can hold anything, and
// Headers.set throws on CR, LF, NUL or code points past U+00FF: refuse those as the client's error.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

function headerValue(header: string, value: string): string {
  if (!FIELD_VALUE.test(value)) {
    throw badRequest("must be a valid HTTP header value (no CR, LF, NUL or other control characters)", header);
  }
  return value;
}
