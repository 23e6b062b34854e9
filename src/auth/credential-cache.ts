// Credentials remembered in the isolate, so Basic authentication usually costs no D1 round trip (each one is
// 100-300 ms for a learner far from the primary). Trade-off: a credential disabled, rotated or deleted is
// forgotten at once by the isolate that made the change (forgetCredential, called by the storage verbs), but
// another isolate may accept it until its entry expires: CREDENTIAL_CACHE_TTL_MS after it was read, never
// extended by use. Only enabled credentials are remembered, and only after a full check through D1 succeeded;
// a failure never touches the cache (see ./basic-auth.ts for how the throttle stays in force).
import type { ThrottleSubjects } from "./throttle";
import { FAILURE_WINDOW_MS } from "./throttle";

/** How long another isolate may still accept a disabled, rotated or deleted credential. */
export const CREDENTIAL_CACHE_TTL_MS = 5_000;
/** Bounded so a flood of distinct keys cannot grow the isolate's memory (128 MB per isolate). */
export const MAX_CACHED_CREDENTIALS = 1_000;
/** Past this many subjects with failures seen here (an attack), the cache is not used until they expire. */
export const MAX_SUSPECT_SUBJECTS = 10_000;

/** A credential as authentication needs it (the row of selectCredentialByKey). */
export type CredentialLookupRow = {
  id: string;
  store_id: string;
  secret_hash: string;
  scopes: string;
  authority: string;
  disabled: number;
  /** Ms; the issuer's launch tokens issued at or before it are refused (./launch-tokens/authenticate.ts). */
  tokens_not_before: number;
  /** The D1 binding holding the store's data; NULL: DB (src/db/store-databases.ts). */
  database?: string | null;
};

type Entry = { key: string; row: CredentialLookupRow; expiresAt: number };

const byKey = new Map<string, Entry>();
// Throttle subjects that failed, or were refused, in this isolate, until their failure window ends.
const suspects = new Map<string, number>();
let suspectOverflowUntil = 0;

/** The cache's clock; tests move it instead of sleeping. */
export const credentialCacheClock = { now: (): number => Date.now() };

/** The remembered, enabled credential of `key`, if its entry has not expired. */
export function cachedCredential(key: string, now = credentialCacheClock.now()): CredentialLookupRow | undefined {
  const entry = byKey.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt <= now) {
    byKey.delete(key);
    return undefined;
  }
  return entry.row;
}

/** Remembers a credential that just passed a full check; a disabled row is never remembered. */
export function rememberCredential(key: string, row: CredentialLookupRow, now = credentialCacheClock.now()): void {
  if (row.disabled) return;
  byKey.delete(key);
  if (byKey.size >= MAX_CACHED_CREDENTIALS) byKey.delete(byKey.keys().next().value as string);
  byKey.set(key, { key, row, expiresAt: now + CREDENTIAL_CACHE_TTL_MS });
}

/** Forgets a credential in this isolate: called by every change that may end its acceptance. */
export function forgetCredential(id: string): void {
  for (const [key, entry] of byKey) if (entry.row.id === id) byKey.delete(key);
}

/** Forgets every credential of a store (the store's deletion). */
export function forgetStoreCredentials(storeId: string): void {
  for (const [key, entry] of byKey) if (entry.row.store_id === storeId) byKey.delete(key);
}

/** Marks the subjects of a failed or throttled attempt: until their window ends they always go to D1. */
export function markSuspect(subjects: ThrottleSubjects, now = credentialCacheClock.now()): void {
  const until = now + FAILURE_WINDOW_MS;
  for (const subject of [subjects.keyAndAddress, subjects.address]) {
    suspects.delete(subject);
    if (suspects.size >= MAX_SUSPECT_SUBJECTS) pruneSuspects(now);
    // Dropping a mark could let a throttled subject in, so when full the cache is bypassed for everyone.
    if (suspects.size >= MAX_SUSPECT_SUBJECTS) suspectOverflowUntil = until;
    else suspects.set(subject, until);
  }
}

/** A success through D1 cleared the key's failures from this address (./throttle.ts clearFailures). */
export function clearSuspect(subjects: ThrottleSubjects): void {
  suspects.delete(subjects.keyAndAddress);
}

/** True when the cache may answer for these subjects: neither has failed here within its window. */
export function mayUseCache(subjects: ThrottleSubjects, now = credentialCacheClock.now()): boolean {
  if (suspectOverflowUntil > now) return false;
  return !isSuspect(subjects.keyAndAddress, now) && !isSuspect(subjects.address, now);
}

function isSuspect(subject: string, now: number): boolean {
  const until = suspects.get(subject);
  if (until === undefined) return false;
  if (until > now) return true;
  suspects.delete(subject);
  return false;
}

function pruneSuspects(now: number): void {
  for (const [subject, until] of suspects) if (until <= now) suspects.delete(subject);
}
