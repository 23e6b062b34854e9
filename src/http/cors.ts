// CORS for browser apps (Fetch standard, "CORS protocol"), on /xapi and /tokens; the admin API and the console
// get none. LRS_CORS_ORIGINS lists the origins allowed to send credentials; empty, any origin may call without
// credentials. That is enough for xAPI clients: an explicit Authorization header needs no credentials mode,
// which is only for cookies and the browser's own HTTP auth. With a list, only its origins are answered (and
// they may use credentials); reflecting any Origin with credentials would let every site act as a signed-in user.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { CONSISTENT_THROUGH_HEADER } from "../statement-store/consistent-through";
import { VERSION_HEADER } from "../xapi/version";
import { BOOKMARK_HEADER } from "./bookmark";

const ALLOWED_METHODS = "GET, HEAD, PUT, POST, DELETE, OPTIONS";

/** What a browser may send beyond the CORS-safelisted headers. */
const ALLOWED_HEADERS = [
  "Authorization",
  "Content-Type",
  "Content-Encoding",
  VERSION_HEADER,
  "If-Match",
  "If-None-Match",
  "X-Experience-API-Hash",
  BOOKMARK_HEADER,
].join(", ");

/** What a script may read of a response beyond the CORS-safelisted headers. */
const EXPOSED_HEADERS = [
  "ETag",
  "Last-Modified",
  "Location",
  "Retry-After",
  CONSISTENT_THROUGH_HEADER,
  VERSION_HEADER,
  BOOKMARK_HEADER,
].join(", ");

/** Preflight answers are cached this long; Chromium caps it at 7,200 s whatever we say (Firefox at 86,400). */
export const PREFLIGHT_MAX_AGE_SECONDS = 7200;

type CorsPolicy = { anyOrigin: true } | { anyOrigin: false; origins: ReadonlySet<string> };

/** The CORS answer of /xapi and /tokens: preflights (OPTIONS) end here, other responses get their headers. */
export const browserCors = createMiddleware<AppEnv>(async function browserCors(c, next) {
  const policy = corsPolicy(c.env.LRS_CORS_ORIGINS);
  const headers = allowHeaders(policy, c.req.header("Origin"));
  if (c.req.method === "OPTIONS") {
    const preflight = new Headers(headers);
    if (preflight.has("Access-Control-Allow-Origin")) {
      preflight.set("Access-Control-Allow-Methods", ALLOWED_METHODS);
      preflight.set("Access-Control-Allow-Headers", ALLOWED_HEADERS);
      preflight.set("Access-Control-Max-Age", String(PREFLIGHT_MAX_AGE_SECONDS));
    }
    return new Response(null, { status: 204, headers: preflight });
  }
  await next();
  for (const [name, value] of Object.entries(headers)) {
    if (name === "Vary") c.res.headers.append(name, value);
    else c.res.headers.set(name, value);
  }
  if (headers["Access-Control-Allow-Origin"]) c.res.headers.set("Access-Control-Expose-Headers", EXPOSED_HEADERS);
});

function allowHeaders(policy: CorsPolicy, origin: string | undefined): Record<string, string> {
  if (policy.anyOrigin) return { "Access-Control-Allow-Origin": "*" };
  // The answer depends on Origin, so caches must key on it, allowed or not.
  if (origin === undefined || !policy.origins.has(origin)) return { Vary: "Origin" };
  return { "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", Vary: "Origin" };
}

let cached: { raw: string | undefined; policy: CorsPolicy } | undefined;

/**
 * Parses LRS_CORS_ORIGINS once per value. Entries are normalised to their origin (scheme, host, port: what a
 * browser sends); an entry that is not a URL is ignored, so a set but broken list allows no origin rather than all.
 */
export function corsPolicy(raw: string | undefined): CorsPolicy {
  if (cached && cached.raw === raw) return cached.policy;
  const entries = (raw ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
  const policy: CorsPolicy =
    entries.length === 0 ? { anyOrigin: true } : { anyOrigin: false, origins: new Set(entries.flatMap(originOf)) };
  cached = { raw, policy };
  return policy;
}

function originOf(entry: string): string[] {
  try {
    const { origin } = new URL(entry);
    return origin === "null" ? [] : [origin];
  } catch {
    return [];
  }
}
