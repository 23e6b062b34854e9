// Shared pieces of the hostile-input property tests: a fingerprint of everything a request could write, the
// response properties every request must satisfy, and fast-check settings that keep the suite under a minute.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { expect } from "vitest";

/** Per-test time limit: the runs are bounded by count, this only stops a stuck run (2 shared cores). */
export const FUZZ_TIMEOUT = 60_000;

/** Bounded runs with a fixed seed per property, so `npm test` is reproducible; failures print the input. */
export function fuzzOptions(seed: number, numRuns = 60): { seed: number; numRuns: number; endOnFailure: boolean; interruptAfterTimeLimit: number } {
  return { seed, numRuns, endOnFailure: true, interruptAfterTimeLimit: 40_000 };
}

const TABLES = [
  "statements",
  "index_values",
  "index_entries",
  "statement_refs",
  "activities",
  "agents",
  "documents",
  "attachments",
  "statement_attachments",
] as const;

/** Row counts of every learner-data table plus the number of R2 objects: equal before and after = unchanged. */
export async function storeFingerprint(): Promise<string> {
  const counts = await env.DB.prepare(`SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(", ")}`).first();
  let objects = 0;
  let cursor: string | undefined;
  do {
    const page = await env.BLOBS.list({ cursor, limit: 1000 });
    objects += page.objects.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return JSON.stringify({ ...counts, r2: objects });
}

export type Outcome = { status: number; text: string; contentType: string };

/**
 * The properties every response must have: never a 5xx; a 4xx carries a JSON body with an error message, or a
 * text or HTML one naming the status when the request's Accept preferred that (HEAD responses have no body). Returns the outcome for further checks.
 */
export async function saneResponse(response: Response, method: string, what: string): Promise<Outcome> {
  const text = await response.text();
  const outcome = { status: response.status, text, contentType: response.headers.get("Content-Type") ?? "" };
  expect(response.status, `${what} answered ${response.status}: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (response.status >= 400 && method !== "HEAD" && !outcome.contentType.startsWith("application/json")) {
    // An error negotiated to plain text or HTML (the client's Accept preferred it) still states its status.
    expect(outcome.contentType, `${what}: ${response.status} as ${outcome.contentType}`).toMatch(/^text\/(plain|html)/);
    expect(text, `${what}: ${response.status} without its status in the message`).toContain(String(response.status));
  } else if (response.status >= 400 && method !== "HEAD") {
    let message: unknown;
    try {
      message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    } catch {
      message = undefined;
    }
    expect(message, `${what}: ${response.status} without a JSON message: ${text.slice(0, 200)}`).toEqual(expect.stringMatching(/\S/));
  }
  return outcome;
}

/** Sends a request; if it is refused (4xx) the store must be exactly as before. */
export async function refusalChangesNothing(send: () => Promise<Response>, method: string, what: string): Promise<Outcome> {
  const before = await storeFingerprint();
  const outcome = await saneResponse(await send(), method, what);
  if (outcome.status >= 400) expect(await storeFingerprint(), `${what} was refused with ${outcome.status} but changed the store`).toBe(before);
  return outcome;
}

export const VERSION_VALUES = ["1.0.3", "2.0.0"] as const;
