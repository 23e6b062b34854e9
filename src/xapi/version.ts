// X-Experience-API-Version picks the rules a request is served under (1.0.3 Communication 3.3;
// 9274.1.1 "Versioning"): 1.0.0–1.0.3 select the 1.0.3 rules, 2.0.0 the 2.0 rules; anything else is 400.
import { createMiddleware } from "hono/factory";
import type { AppEnv, XapiVersion } from "../env";
import { badRequest } from "../errors";

export const VERSION_HEADER = "X-Experience-API-Version";
export const SERVED_VERSIONS = ["1.0.3", "2.0.0"] as const;

export function parseVersionHeader(value: string | undefined): XapiVersion | undefined {
  if (value === undefined) return undefined;
  if (/^1\.0\.[0-3]$/.test(value)) return "1.0.3";
  if (value === "2.0.0") return "2.0.0";
  return undefined;
}

/** Requires a supported version header and records it; every response says which version served it. */
export const requireXapiVersion = createMiddleware<AppEnv>(async function requireXapiVersion(c, next) {
  const header = c.req.header(VERSION_HEADER);
  const version = parseVersionHeader(header);
  if (!version) {
    throw badRequest(
      header === undefined
        ? `the ${VERSION_HEADER} header is required`
        : `unsupported ${VERSION_HEADER} "${header.slice(0, 40)}"; supported: 1.0.0-1.0.3, 2.0.0`,
    );
  }
  c.set("xapiVersion", version);
  c.set("xapiVersionHeader", header!);
  await next();
});

/** The version header value sent on responses. */
export function responseVersion(version: XapiVersion | undefined): string {
  return version ?? "2.0.0";
}
