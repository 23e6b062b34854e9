// Headers that keep a body someone else stored from ever running as a page of the LRS origin.
// Document bodies and attachment contents carry whatever Content-Type their writer chose (text/html, SVG, ...);
// served as is from the origin of /console they would run with the administrator's session. So the xAPI API
// never lets a browser sniff a type, every xAPI response is a sandboxed, script-less document should a browser
// render it, and stored bodies are downloads, never pages (including through the 1.0.3 Alternate Request
// Syntax, where a cross-site form POST becomes an authenticated top-level GET).
import { createMiddleware } from "hono/factory";

/** On every /xapi response: no sniffing, and no script, style, frame or same-origin access if rendered. */
export const XAPI_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
};

/** On a response whose body is a stored document or attachment content: save it, never display it. */
export const STORED_BODY_HEADERS: Readonly<Record<string, string>> = {
  ...XAPI_RESPONSE_HEADERS,
  "Content-Disposition": "attachment",
};

/** Sets XAPI_RESPONSE_HEADERS on every response of the routes below it, errors and preflights included. */
export const xapiResponseHeaders = createMiddleware(async function xapiResponseHeaders(c, next) {
  await next();
  for (const [name, value] of Object.entries(XAPI_RESPONSE_HEADERS)) c.res.headers.set(name, value);
});
