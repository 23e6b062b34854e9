// The admin API's guard: a bearer token equal to the LRS_ADMIN_TOKEN secret. Without the secret the admin API
// does not exist (404 for every route), so a deployment that never set it exposes nothing. Tokens are compared
// as SHA-256 digests in constant time, so neither content nor length leaks through timing, and failures are
// throttled per client address like Basic authentication.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
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

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export const requireAdminToken = createMiddleware<AppEnv>(async function requireAdminToken(c, next) {
  const expected = c.env.LRS_ADMIN_TOKEN;
  if (!expected) throw notFound("the admin API is disabled (LRS_ADMIN_TOKEN is not set)");

  // Admin reads and writes go to the primary: an operator expects to see what they just changed.
  const db = c.env.DB.withSession("first-primary") as unknown as D1Database;
  c.set("db", db);

  const presented = BEARER.exec(c.req.header("Authorization") ?? "")?.[1] ?? "";
  const subjects = await throttleSubjects("admin", clientAddress(c.req.raw.headers));
  const now = Date.now();
  const [failures, expectedHash, presentedHash] = await Promise.all([
    selectFailures(db, subjects).all<FailureRow>(),
    hashSecret(expected),
    hashSecret(presented),
  ]);
  const retryAfter = retryAfterSeconds(failures.results, subjects, now);
  if (retryAfter !== undefined) {
    throw new XapiError(429, "too many failed admin authentications; retry later", undefined, {
      "Retry-After": String(retryAfter),
    });
  }
  if (!presented || !timingSafeEqual(expectedHash, presentedHash)) {
    if (presented) await recordFailure(db, subjects, now);
    throw new XapiError(401, "a valid admin bearer token is required", undefined, {
      "WWW-Authenticate": 'Bearer realm="edge-lrs admin"',
    });
  }
  await next();
});
