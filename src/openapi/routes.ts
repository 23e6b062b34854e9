// GET /xapi/openapi.json: the OpenAPI document, without authentication (like About). It is generated ahead of
// time (`npm run openapi`: see ./document.ts for why); only the versions served (LRS_XAPI_VERSIONS) are applied
// here, once per isolate and version set. Served with a day of caching and an ETag (its SHA-256) that makes a
// revalidation a 304 without a body.
import { Hono } from "hono";
import type { AppEnv, XapiVersion } from "../env";
import { servedVersions } from "../xapi/version";
import generated from "./document.generated.json";
import { withVersions } from "./versions";

export const OPENAPI_CACHE_CONTROL = "public, max-age=86400";

type Served = { body: string; etag: string };
const built = new Map<string, Promise<Served>>();

async function serve(versions: readonly XapiVersion[]): Promise<Served> {
  const body = JSON.stringify(withVersions(generated, versions));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  const hex = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return { body, etag: `"${hex}"` };
}

/** RFC 9110 13.1.2: a weak comparison against each listed tag, or `*`. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((tag) => {
    const trimmed = tag.trim();
    return trimmed === "*" || trimmed.replace(/^W\//, "") === etag;
  });
}

export const openapiRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const versions = servedVersions(c.env);
  const key = versions.join(",");
  let served = built.get(key);
  if (!served) built.set(key, (served = serve(versions)));
  const { body, etag } = await served;
  const headers = { ETag: etag, "Cache-Control": OPENAPI_CACHE_CONTROL };
  if (matches(c.req.header("If-None-Match"), etag)) return c.body(null, 304, headers);
  return c.body(body, 200, { ...headers, "Content-Type": "application/json" });
});
