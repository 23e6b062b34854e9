// Checking what a person signs in with: the admin token (compared as SHA-256 digests in constant time, failures
// throttled like the admin API's) or a store credential's key and secret (through Basic authentication's own
// lookup and throttle, so the console is no easier a guessing target than /xapi). Returns the session claims.
import type { Bindings } from "../env";
import { authenticateRequest } from "../auth/basic-auth";
import { findCredential } from "../auth/credentials";
import { hashSecret, timingSafeEqual } from "../auth/secrets";
import { type FailureRow, recordFailure, retryAfterSeconds, selectFailures, throttleSubjects } from "../auth/throttle";
import { generationOf, selectAdminGeneration } from "./admin-session-generation";
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
  const expected = env.LRS_ADMIN_TOKEN;
  const subjects = await throttleSubjects("admin", address);
  const [[failures, generation], expectedHash, presentedHash] = await Promise.all([
    db.batch([selectFailures(db, subjects), selectAdminGeneration(db)]),
    hashSecret(expected ?? ""),
    hashSecret(token),
  ]);
  if (retryAfterSeconds((failures?.results ?? []) as FailureRow[], subjects, now) !== undefined) return { ok: false, message: THROTTLED };
  if (!expected || !token || !timingSafeEqual(expectedHash, presentedHash)) {
    if (token) await recordFailure(db, subjects, now);
    return { ok: false, message: REFUSED };
  }
  return {
    ok: true,
    claims: {
      kind: "admin",
      fingerprint: await fingerprintOf(expectedHash),
      generation: generationOf(generation),
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
  let header: string;
  try {
    header = `Basic ${btoa(`${key}:${secret}`)}`;
  } catch {
    return { ok: false, message: REFUSED }; // characters outside Latin-1 cannot be a generated key or secret
  }
  const outcome = await authenticateRequest(env, db, header, address, now);
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
