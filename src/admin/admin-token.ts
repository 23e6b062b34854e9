// The admin token (the LRS_ADMIN_TOKEN secret), checked in one place for the admin API's bearer guard and the
// console's administrator sign-in (src/console/sign-in.ts). Without the secret the admin API does not exist
// (404 for every route), so a deployment that never set it exposes nothing. Tokens are compared as SHA-256
// digests in constant time, so neither content nor length leaks through timing, and failures are throttled per
// client address like Basic authentication, one budget for both front ends.
import { createMiddleware } from "hono/factory";
import type { AppEnv, Bindings } from "../env";
import { notFound, XapiError } from "../errors";
import { hashSecret, timingSafeEqual } from "../auth/secrets";
import {
  clientAddress,
  type FailureRow,
  recordFailure,
  retryAfterSeconds,
  selectFailures,
  throttleSubjects,
} from "../auth/throttle";

/** The outcome of presenting an admin token; `tokenHash` fingerprints console sessions (src/console/session.ts). */
export type AdminTokenOutcome =
  | { ok: true; tokenHash: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/** Only a presented token counts as a failed guess; an empty one is simply unauthenticated. */
export async function checkAdminToken(
  env: Bindings,
  db: D1Database,
  presented: string,
  address: string,
  now = Date.now(),
): Promise<AdminTokenOutcome> {
  const expected = env.LRS_ADMIN_TOKEN ?? "";
  const subjects = await throttleSubjects("admin", address);
  const [failures, expectedHash, presentedHash] = await Promise.all([
    selectFailures(db, subjects).all<FailureRow>(),
    hashSecret(expected),
    hashSecret(presented),
  ]);
  const retryAfter = retryAfterSeconds(failures.results, subjects, now);
  if (retryAfter !== undefined) return { ok: false, reason: "throttled", retryAfterSeconds: retryAfter };
  if (!expected || !presented || !timingSafeEqual(expectedHash, presentedHash)) {
    if (presented) await recordFailure(db, subjects, now);
    return { ok: false, reason: "invalid" };
  }
  return { ok: true, tokenHash: expectedHash };
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export const requireAdminToken = createMiddleware<AppEnv>(async function requireAdminToken(c, next) {
  if (!c.env.LRS_ADMIN_TOKEN) throw notFound("the admin API is disabled (LRS_ADMIN_TOKEN is not set)");

  // Admin reads and writes go to the primary: an operator expects to see what they just changed.
  const db = c.env.DB.withSession("first-primary") as unknown as D1Database;
  c.set("db", db);

  const presented = BEARER.exec(c.req.header("Authorization") ?? "")?.[1] ?? "";
  const outcome = await checkAdminToken(c.env, db, presented, clientAddress(c.req.raw.headers));
  if (!outcome.ok && outcome.reason === "throttled") {
    throw new XapiError(429, "too many failed admin authentications; retry later", undefined, {
      "Retry-After": String(outcome.retryAfterSeconds),
    });
  }
  if (!outcome.ok) {
    throw new XapiError(401, "a valid admin bearer token is required", undefined, {
      "WWW-Authenticate": 'Bearer realm="edge-lrs admin"',
    });
  }
  await next();
});
