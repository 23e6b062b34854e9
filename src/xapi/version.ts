// X-Experience-API-Version picks the rules a request is served under (1.0.3 Communication 3.3.s3;
// 9274.1.1 4.1.7): `1.0` and any `1.0.x` select the 1.0.3 rules, `2.0` and any `2.0.x` the 2.0 rules; a missing
// header (a 0.9 request by 1.0.3's definition), older or newer versions are 400.
// LRS_XAPI_VERSIONS (default "1.0.3,2.0.0") restricts the versions a deployment serves, e.g. a store kept
// strictly on 1.0.3; a request for a version not served is a 400 like any unsupported one.
import { createMiddleware } from "hono/factory";
import type { AppEnv, Bindings, XapiVersion } from "../env";
import { badRequest } from "../errors";

export const VERSION_HEADER = "X-Experience-API-Version";
const ALL_VERSIONS: readonly XapiVersion[] = ["1.0.3", "2.0.0"];

/** The versions this deployment serves, oldest first. */
export function servedVersions(env: Bindings): readonly XapiVersion[] {
  const configured = (env.LRS_XAPI_VERSIONS ?? "").split(",").map((v) => v.trim());
  const served = ALL_VERSIONS.filter((version) => configured.includes(version));
  return served.length > 0 ? served : ALL_VERSIONS;
}

/** The rules a header value asks for, if this deployment serves them. */
export function parseVersionHeader(value: string | undefined, served = ALL_VERSIONS): XapiVersion | undefined {
  if (value === undefined) return undefined;
  const asked = /^1\.0(\.\d+)?$/.test(value) ? "1.0.3" : /^2\.0(\.\d+)?$/.test(value) ? "2.0.0" : undefined;
  return asked && served.includes(asked) ? asked : undefined;
}

/**
 * The version that labels a response (3.3.s3.b1: every response carries one): the rules the request was served
 * under, else the newest version served. A request without the header names no version this LRS speaks, so
 * a deployment serving both versions labels its 400 2.0.0; one serving only 1.0.3 labels it 1.0.3.
 */
export function responseVersion(value: string | undefined, served: readonly XapiVersion[]): XapiVersion {
  return parseVersionHeader(value, served) ?? served[served.length - 1]!;
}

/** Requires a supported version header and records it. */
export const requireXapiVersion = createMiddleware<AppEnv>(async function requireXapiVersion(c, next) {
  const header = c.req.header(VERSION_HEADER);
  const served = servedVersions(c.env);
  const version = parseVersionHeader(header, served);
  if (!version) {
    const supported = served.map((v) => v.replace(/\.\d+$/, ".x")).join(", ");
    throw badRequest(
      header === undefined
        ? `the ${VERSION_HEADER} header is required`
        : `unsupported ${VERSION_HEADER} "${header.slice(0, 40)}"; supported: ${supported}`,
    );
  }
  c.set("xapiVersion", version);
  c.set("xapiVersionHeader", header!);
  await next();
});
