// X-Experience-API-Version picks the rules a request is served under (1.0.3 Communication 3.3.s3;
// 9274.1.1 4.1.7): `1.0` and any `1.0.x` select the 1.0.3 rules, `2.0` and any `2.0.x` the 2.0 rules; a missing
// header (a 0.9 request by 1.0.3's definition), older or newer versions are 400.
import { createMiddleware } from "hono/factory";
import type { AppEnv, XapiVersion } from "../env";
import { badRequest } from "../errors";

export const VERSION_HEADER = "X-Experience-API-Version";
export const SERVED_VERSIONS = ["1.0.3", "2.0.0"] as const;

export function parseVersionHeader(value: string | undefined): XapiVersion | undefined {
  if (value === undefined) return undefined;
  if (/^1\.0(\.\d+)?$/.test(value)) return "1.0.3";
  if (/^2\.0(\.\d+)?$/.test(value)) return "2.0.0";
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
        : `unsupported ${VERSION_HEADER} "${header.slice(0, 40)}"; supported: 1.0.x, 2.0.x`,
    );
  }
  c.set("xapiVersion", version);
  c.set("xapiVersionHeader", header!);
  await next();
});
