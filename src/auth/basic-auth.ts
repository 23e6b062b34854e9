// HTTP Basic authentication for every xAPI route but /about (1.0.3 Communication 4; 9274.1.1 "Security").
// A wrong key, a wrong secret and a disabled credential are indistinguishable to the client, in message and in
// timing; repeated failures are throttled (./throttle.ts). A credential that passed recently is answered from
// the isolate's cache (./credential-cache.ts) with no D1 round trip.
import { createMiddleware } from "hono/factory";
import { HOME_DATABASE, rememberPlacement } from "../db/store-databases";
import type { AppEnv, Bindings, Principal } from "../env";
import { unauthorized, XapiError } from "../errors";
import {
  cachedCredential,
  clearSuspect,
  type CredentialLookupRow,
  markSuspect,
  mayUseCache,
  rememberCredential,
} from "./credential-cache";
import { assignedAuthority, ensureBootstrapCredential, selectCredentialByKey } from "./credentials";
import { authenticateLaunchToken } from "./launch-tokens/authenticate";
import { isLaunchTokenUser } from "./launch-tokens/token-format";
import { hashSecret, timingSafeEqual } from "./secrets";
import {
  clearFailures,
  clientAddress,
  type FailureRow,
  hasFailures,
  recordFailure,
  retryAfterSeconds,
  selectFailures,
  throttleSubjects,
} from "./throttle";

let bootstrapped: Promise<void> | undefined;
let bootstrappedFor = "";

function bootstrapOnce(env: Bindings): Promise<void> {
  const key = env.LRS_BOOTSTRAP_KEY;
  const secret = env.LRS_BOOTSTRAP_SECRET;
  if (!key || !secret) return Promise.resolve();
  // Keyed on the values so a test or a redeploy with other values is honoured.
  if (!bootstrapped || bootstrappedFor !== `${key}\n${secret}`) {
    bootstrappedFor = `${key}\n${secret}`;
    bootstrapped = ensureBootstrapCredential(env.DB, key, secret).catch((error) => {
      bootstrapped = undefined;
      throw error;
    });
  }
  return bootstrapped;
}

function parseBasicAuthorization(header: string | undefined): { key: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? "");
  if (!match) return undefined;
  let decoded: string;
  try {
    decoded = atob(match[1]!);
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  return { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

// Compared against when the key is unknown, so both paths hash and compare once.
const ABSENT_HASH = "0".repeat(64);

/** The outcome of a Basic authentication: a principal, or why not (as values: both are expected outcomes). */
export type AuthOutcome =
  | { ok: true; principal: Principal }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * Authenticates one request from the given client address. Only a presented key counts as a failed guess
 * (a missing or malformed header is simply unauthenticated).
 */
async function authenticateRequest(
  env: Bindings,
  db: D1Database,
  header: string | undefined,
  address: string,
  now = Date.now(),
): Promise<AuthOutcome> {
  const parsed = parseBasicAuthorization(header);
  if (!parsed) return { ok: false, reason: "invalid" };
  return authenticateCredential(env, db, parsed.key, parsed.secret, address, now);
}

/**
 * Checks a key and secret from the given client address, throttled per key and address (./throttle.ts); the
 * console's sign-in calls it directly. A disabled credential fails like a wrong secret.
 */
export async function authenticateCredential(
  env: Bindings,
  db: D1Database,
  key: string,
  secret: string,
  address: string,
  now = Date.now(),
): Promise<AuthOutcome> {
  await bootstrapOnce(env);
  const [subjects, presentedHash] = await Promise.all([throttleSubjects(key, address), hashSecret(secret)]);
  // A launch token (./launch-tokens) is checked against its issuer, then passes the throttle as a right secret
  // does; a bad one fails below like an unknown key.
  const launched = isLaunchTokenUser(key)
    ? await authenticateLaunchToken(env, key, secret, (issuerKey) => lookupCredential(env, db, issuerKey), now)
    : undefined;
  if (launched && mayUseCache(subjects)) return { ok: true, principal: launched };
  // Only a right secret is answered from the cache, and only for subjects with no failure seen in this isolate
  // within the throttle window: a wrong secret takes the D1 path it took before the cache (counted, asked of the
  // primary), and once one has failed here the right one goes to D1 too, where a throttled subject gets its 429.
  // A subject throttled only through other isolates could pass here with the right secret until its first
  // wrong guess here marks it: a guesser gains no more than one guess per isolate.
  const cached = mayUseCache(subjects) ? cachedCredential(key) : undefined;
  if (cached && accepts(cached, presentedHash)) return { ok: true, principal: principalOf(cached) };

  const [credentialResult, failureResult] = await db.batch([selectCredentialByKey(db, key), selectFailures(db, subjects)]);
  let row = credentialResult?.results[0] as CredentialLookupRow | undefined;
  const failures = (failureResult?.results ?? []) as FailureRow[];
  const retryAfter = retryAfterSeconds(failures, subjects, now);
  if (retryAfter !== undefined) {
    markSuspect(subjects);
    return { ok: false, reason: "throttled", retryAfterSeconds: retryAfter };
  }
  if (launched) {
    if (hasFailures(failures, subjects)) await clearFailures(db, subjects);
    clearSuspect(subjects);
    return { ok: true, principal: launched };
  }

  // A read replica may not yet hold a credential created, enabled or given a new secret a moment ago, so the
  // primary decides before a 401. Asked on every failure, so a missing key and a wrong secret still take one path.
  if (!accepts(row, presentedHash)) row = await findCredentialAtPrimary(env, key);
  if (!row || !accepts(row, presentedHash)) {
    markSuspect(subjects);
    await recordFailure(db, subjects, now);
    return { ok: false, reason: "invalid" };
  }
  if (hasFailures(failures, subjects)) await clearFailures(db, subjects);
  clearSuspect(subjects);
  rememberCredential(key, row);
  return { ok: true, principal: principalOf(row) };
}

function principalOf(row: CredentialLookupRow): Principal {
  // Where the store lives, learnt with the credential: the request's store session needs no lookup of its own.
  rememberPlacement(row.store_id, row.database ?? HOME_DATABASE);
  return {
    storeId: row.store_id,
    credentialId: row.id,
    scopes: JSON.parse(row.scopes) as string[],
    authority: JSON.parse(row.authority) as Record<string, unknown>,
  };
}

/**
 * The enabled credential of `key`, from the isolate's cache or D1 (the primary when the replica lacks it or
 * holds it disabled), for checks that present no secret of their own (launch tokens). No throttle: the caller
 * counts its own failures. Undefined for an unknown or disabled key.
 */
export async function lookupCredential(env: Bindings, db: D1Database, key: string): Promise<CredentialLookupRow | undefined> {
  const cached = cachedCredential(key);
  if (cached) return cached;
  let row = (await selectCredentialByKey(db, key).first<CredentialLookupRow>()) ?? undefined;
  if (!row || row.disabled) row = await findCredentialAtPrimary(env, key);
  if (!row || row.disabled) return undefined;
  rememberCredential(key, row);
  rememberPlacement(row.store_id, row.database ?? HOME_DATABASE);
  return row;
}

function accepts(row: CredentialLookupRow | undefined, presentedHash: string): boolean {
  const matches = timingSafeEqual(row?.secret_hash ?? ABSENT_HASH, presentedHash);
  return matches && row !== undefined && !row.disabled;
}

async function findCredentialAtPrimary(env: Bindings, key: string): Promise<CredentialLookupRow | undefined> {
  const primary = env.DB.withSession("first-primary") as unknown as D1Database;
  return (await selectCredentialByKey(primary, key).first<CredentialLookupRow>()) ?? undefined;
}

export const requireBasicAuth = createMiddleware<AppEnv>(async function requireBasicAuth(c, next) {
  const outcome = await authenticateRequest(
    c.env,
    c.get("db"),
    c.req.header("Authorization"),
    clientAddress(c.req.raw.headers),
  );
  if (!outcome.ok && outcome.reason === "throttled") {
    throw new XapiError(429, "too many failed authentications; retry later", undefined, {
      "Retry-After": String(outcome.retryAfterSeconds),
    });
  }
  if (!outcome.ok) throw unauthorized("a valid HTTP Basic credential is required");
  const { principal } = outcome;
  c.set("principal", { ...principal, authority: assignedAuthority(principal.authority, new URL(c.req.url).origin) });
  await next();
});
