// D1 under the strict entry: a fresh D1Database over a metering Fetcher. Every query, batch and exec (from the
// binding, its sessions and drizzle alike) is one request to that Fetcher, so it is counted once, its bound
// values and total size are checked before it is sent (a refused query changes nothing), and D1's own
// meta.rows_read / rows_written are summed from the answer.
// Relies on workerd's D1 binding shape (a D1Database built from a Fetcher, seen in workerd 2026-11); the
// constructor check below fails loudly if that changes.
import type { Invocation } from "./invocation";
import { MAX_BOUND_VALUE_BYTES, MAX_RPC_BYTES } from "./limits";

type WireQuery = { sql: string; params?: unknown[] | null };
type WireResult = { success?: boolean; meta?: { rows_read?: number; rows_written?: number } };

const encoder = new TextEncoder();

function utf8Bytes(text: string): number {
  // A string of n UTF-16 units takes at most 3n bytes; only long strings need the exact count.
  return text.length * 3 <= MAX_BOUND_VALUE_BYTES ? text.length : encoder.encode(text).byteLength;
}

/** Bytes of one bound value as D1 stores it: text as UTF-8, a BLOB (sent as an array of bytes) by length. */
function valueBytes(value: unknown): number {
  if (typeof value === "string") return utf8Bytes(value);
  if (Array.isArray(value)) return value.length;
  return 8;
}

function wireQueries(body: unknown): WireQuery[] {
  if (typeof body !== "string") return [];
  const parsed = JSON.parse(body) as WireQuery | WireQuery[] | { queries: WireQuery[] };
  if (Array.isArray(parsed)) return parsed;
  if ("queries" in parsed) return parsed.queries;
  return [parsed];
}

function checkQueries(invocation: Invocation, queries: WireQuery[]): void {
  let total = 0;
  for (const query of queries) {
    total += utf8Bytes(query.sql);
    for (const [index, value] of (query.params ?? []).entries()) {
      const bytes = valueBytes(value);
      total += bytes;
      if (bytes > MAX_BOUND_VALUE_BYTES) {
        invocation.violate(
          "bound-value",
          `a bound value of ${bytes} bytes (D1 allows ${MAX_BOUND_VALUE_BYTES}) at parameter ${index + 1} of ${query.sql.slice(0, 120)}`,
        );
      }
    }
  }
  if (queries.length > 1 && total > MAX_RPC_BYTES) {
    invocation.violate("batch-bytes", `a D1 batch of ${queries.length} statements and ${total} bytes (RPC arguments: 32 MiB)`);
  }
}

function meteringFetcher(inner: Fetcher, invocation: Invocation): Fetcher {
  return {
    async fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
      const queries = wireQueries(init?.body);
      const what = queries.length > 1 ? `a D1 batch of ${queries.length}` : `D1 ${(queries[0]?.sql ?? "").slice(0, 80)}`;
      invocation.count("d1", what);
      checkQueries(invocation, queries);
      const response = await inner.fetch(input as RequestInfo, init);
      const answer = (await response
        .clone()
        .json()
        .catch(() => [])) as WireResult | WireResult[];
      const results = Array.isArray(answer) ? answer : [answer];
      results.forEach((result, index) => {
        const rowsRead = result.meta?.rows_read ?? 0;
        invocation.report.rowsRead += rowsRead;
        invocation.report.rowsWritten += result.meta?.rows_written ?? 0;
        invocation.report.queries.push({ sql: queries[index]?.sql ?? "?", rowsRead });
      });
      return response;
    },
  } as Fetcher;
}

type D1Internals = { fetcher?: Fetcher; alwaysPrimarySession?: { bookmarkOrConstraint: unknown } };

export function guardD1(database: D1Database, invocation: Invocation): D1Database {
  const internals = database as unknown as D1Internals;
  if (!internals.fetcher || !internals.alwaysPrimarySession) {
    throw new Error("strict entry: this D1 binding has no fetcher; update test/strict/d1-guard.ts");
  }
  // The classes cannot be constructed from a handler ("Illegal constructor"), so the copy is made from their
  // prototypes with the same two fields the constructors set.
  const fetcher = meteringFetcher(internals.fetcher, invocation);
  const primary = Object.create(Object.getPrototypeOf(internals.alwaysPrimarySession) as object) as Record<string, unknown>;
  primary.fetcher = fetcher;
  primary.bookmarkOrConstraint = internals.alwaysPrimarySession.bookmarkOrConstraint;
  const guarded = Object.create(Object.getPrototypeOf(database) as object) as Record<string, unknown>;
  guarded.fetcher = fetcher;
  guarded.alwaysPrimarySession = primary;
  return guarded as unknown as D1Database;
}

export function isD1(binding: unknown): binding is D1Database {
  return typeof binding === "object" && binding !== null && "withSession" in binding && "prepare" in binding;
}
