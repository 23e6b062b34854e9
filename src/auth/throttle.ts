// Throttling of failed authentication (Basic credentials and the admin token). Failures are counted in D1 per
// subject in a fixed window; once a subject reaches its limit every attempt is answered 429 with Retry-After,
// right credentials included, so the 429 tells a guesser nothing. Subjects are the presented key together with
// the client address, and the address alone: counting per key alone would let anyone lock a real client out by
// sending bad secrets under its key, while per address alone a classroom behind one NAT would share one budget.
// Unknown keys are counted exactly like known ones, so throttling never reveals whether a key exists.
//
// Trade-off: D1 rather than a Durable Object (no extra binding, no extra hop). The throttle read rides in the
// same D1 batch as the credential lookup and only failures write, so a good request costs nothing more; the
// price is that reads may come from a replica a moment behind, letting a few extra guesses through.
import { hashSecret } from "./secrets";

export const FAILURE_WINDOW_MS = 5 * 60_000;
/** Per key and address: generous enough for a person mistyping or a test suite probing 401s a few times. */
export const MAX_FAILURES_PER_KEY_AND_ADDRESS = 20;
export const MAX_FAILURES_PER_ADDRESS = 200;

export type ThrottleSubjects = { keyAndAddress: string; address: string };

/** What clientAddress answers for a request that did not come through Cloudflare's edge. */
export const NO_ADDRESS = "";

export async function throttleSubjects(key: string, address: string): Promise<ThrottleSubjects> {
  // Requests without an address (local runs, service bindings) are told apart by nothing: one shared address
  // counter would let any of them lock out all the others, so their "address" counter is per key too.
  const addressSubject = address === NO_ADDRESS ? `no-address\n${key}` : `address\n${address}`;
  const [keyAndAddress, addressOnly] = await Promise.all([
    hashSecret(`key\n${key}\n${address}`),
    hashSecret(addressSubject),
  ]);
  return { keyAndAddress: `k:${keyAndAddress}`, address: `a:${addressOnly}` };
}

/** The failure counters of both subjects, to run in the same batch as the credential lookup. */
export function selectFailures(db: D1Database, subjects: ThrottleSubjects): D1PreparedStatement {
  return db
    .prepare("SELECT subject, window_start_ms, failures FROM auth_failures WHERE subject IN (?, ?)")
    .bind(subjects.keyAndAddress, subjects.address);
}

export type FailureRow = { subject: string; window_start_ms: number; failures: number };

/** Seconds until the client may try again, or undefined when it is not throttled. */
export function retryAfterSeconds(rows: readonly FailureRow[], subjects: ThrottleSubjects, now: number): number | undefined {
  let until = 0;
  for (const row of rows) {
    const limit = row.subject === subjects.address ? MAX_FAILURES_PER_ADDRESS : MAX_FAILURES_PER_KEY_AND_ADDRESS;
    const windowEnd = row.window_start_ms + FAILURE_WINDOW_MS;
    if (row.failures >= limit && windowEnd > now) until = Math.max(until, windowEnd);
  }
  return until > now ? Math.ceil((until - now) / 1000) : undefined;
}

export function hasFailures(rows: readonly FailureRow[], subjects: ThrottleSubjects): boolean {
  return rows.some((row) => row.subject === subjects.keyAndAddress && row.failures > 0);
}

const UPSERT_FAILURE = `INSERT INTO auth_failures (subject, window_start_ms, failures) VALUES (?1, ?2, 1)
  ON CONFLICT (subject) DO UPDATE SET
    failures = CASE WHEN window_start_ms <= ?2 - ?3 THEN 1 ELSE failures + 1 END,
    window_start_ms = CASE WHEN window_start_ms <= ?2 - ?3 THEN ?2 ELSE window_start_ms END`;

export async function recordFailure(db: D1Database, subjects: ThrottleSubjects, now: number): Promise<void> {
  await db.batch([
    db.prepare(UPSERT_FAILURE).bind(subjects.keyAndAddress, now, FAILURE_WINDOW_MS),
    db.prepare(UPSERT_FAILURE).bind(subjects.address, now, FAILURE_WINDOW_MS),
    // Expired counters are swept a few at a time by the failures themselves; nothing else writes this table.
    db
      .prepare(
        "DELETE FROM auth_failures WHERE rowid IN (SELECT rowid FROM auth_failures WHERE window_start_ms <= ? LIMIT 20)",
      )
      .bind(now - FAILURE_WINDOW_MS),
  ]);
}

/** A success forgets the key's failures from this address (the address counter keeps its window). */
export async function clearFailures(db: D1Database, subjects: ThrottleSubjects): Promise<void> {
  await db.prepare("DELETE FROM auth_failures WHERE subject = ?").bind(subjects.keyAndAddress).run();
}

/** The client address as Cloudflare reports it (clients cannot set CF-Connecting-IP through the edge). */
export function clientAddress(headers: Headers): string {
  return headers.get("CF-Connecting-IP") ?? NO_ADDRESS;
}
