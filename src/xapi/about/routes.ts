// The About resource (1.0.3 Communication 2.8; 9274.1.1 "About Resource"): no authentication, no version
// header required; lists every version this deployment serves, and in `extensions` (keyed by IRI, Data 2.4.5
// rules) the request limits a client must stay within, so a batch uploader can size its requests up front.
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { CONTENT_ENCODINGS } from "../../http/content-encoding";
import { requestLimits } from "../../http/request-limits";
import { servedVersions } from "../version";

export const LIMITS_EXTENSION = "https://edge-lrs.dev/xapi/extensions/limits";
/** The Content-Encodings a write may use besides identity (http/content-encoding.ts). */
export const CONTENT_ENCODINGS_EXTENSION = "https://edge-lrs.dev/xapi/extensions/content-encodings";

export const aboutRoutes = new Hono<AppEnv>().get("/", (c) =>
  c.json({
    version: [...servedVersions(c.env)],
    extensions: { [LIMITS_EXTENSION]: requestLimits(c.env), [CONTENT_ENCODINGS_EXTENSION]: [...CONTENT_ENCODINGS] },
  }),
);
