// Checking what a person signs in with: the admin token (the admin API's own check and throttle,
// src/admin/admin-token.ts) or a store credential's key and secret (Basic authentication's own lookup and
// throttle, called directly), so the console is no easier a guessing target than /admin or /xapi. Returns the
// session claims.
import type { Bindings } from "../env";
import { checkAdminToken } from "../admin/admin-token";
import { authenticateCredential } from "../auth/basic-auth";
import { findCredential } from "../auth/credentials";
import { adminGeneration } from "./admin-session-generation";
import { fingerprintOf, newCsrfToken, SESSION_TTL_MS, type SessionClaims } from "./session-token";

export type SignInOutcome = { ok: true; claims: SessionClaims } | { ok: false; message: string };

const REFUSED = "Those details were not accepted.";
const THROTTLED = "Too many failed attempts; try again in a few minutes.";

export async function signInWithAdminToken(
  env: Bindings,
  db: D1Database,
  token: string,
  address: string,
  now = Date.now(),
): Promise<SignInOutcome> {
  const outcome = await checkAdminToken(env, db, token, address, now);
  if (!outcome.ok) return { ok: false, message: outcome.reason === "throttled" ? THROTTLED : REFUSED };
  return {
    ok: true,
    claims: {
      kind: "admin",
      fingerprint: await fingerprintOf(outcome.tokenHash),
      generation: await adminGeneration(db),
      csrf: newCsrfToken(),
      expiresMs: now + SESSION_TTL_MS,
    },
  };
}

export async function signInWithCredential(
  env: Bindings,
  db: D1Database,
  key: string,
  secret: string,
  address: string,
  now = Date.now(),
): Promise<SignInOutcome> {
  const outcome = await authenticateCredential(env, db, key, secret, address, now);
  if (!outcome.ok) return { ok: false, message: outcome.reason === "throttled" ? THROTTLED : REFUSED };
  const { storeId, credentialId } = outcome.principal;
  const row = await findCredential(db, storeId, credentialId);
  if (!row) return { ok: false, message: REFUSED };
  return {
    ok: true,
    claims: {
      kind: "credential",
      storeId,
      credentialId,
      fingerprint: await fingerprintOf(row.secretHash),
      generation: row.sessionGeneration,
      csrf: newCsrfToken(),
      expiresMs: now + SESSION_TTL_MS,
    },
  };
}
