// Transient D1 errors on the statement write (src/db/transient-errors.ts): the real D1 binding is wrapped so
// that its batch() fails on the first N batches that insert statements, with the message D1 gives in
// production, either before the batch runs or after it committed (a connection lost on the way back).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { basic } from "../../helpers";
import { statement } from "./fixtures";

const app = createApp();
const LOST = "D1_ERROR: Network connection lost.";

type Fault = {
  failures: number;
  message: string;
  afterCommit?: boolean;
  /** Reads (all(), or a batch holding one) of SQL matching `sql` fail `failures` times. */
  reads?: { sql: RegExp; failures: number };
};

// The lookup of stored statements by id that the duplicate-id path runs (statement-rows.ts findStatementsByIds).
const FIND_BY_IDS = /FROM statements\s+WHERE store_id = \?1 AND id IN/;
// The page query of GET /statements (query/sql.ts).
const PAGE_QUERY = /SELECT seq, storedMs, statement, matched FROM/;

/**
 * The real binding, its sessions too, with `fault` applied to batches that insert statements and to the reads
 * in `fault.reads`.
 */
function faultyDb(fault: Fault): { db: D1Database; writeBatches: () => number } {
  let writeBatches = 0;
  let lookups = 0;
  const failingLookup = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(t, prop) {
        if (prop === "all") {
          return async () => {
            if (++lookups <= (fault.reads?.failures ?? 0)) throw new Error(fault.message);
            return t.all();
          };
        }
        if (prop === "bind") return (...values: unknown[]) => failingLookup(t.bind(...values));
        const value = Reflect.get(t, prop);
        return typeof value === "function" ? value.bind(t) : value;
      },
    });
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop) {
        if (prop === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            const sqlOf = (s: D1PreparedStatement) => (s as unknown as { statement: string }).statement;
            // A read in a batch (a query page rides with Consistent-Through) fails as the batch.
            if (fault.reads && statements.some((s) => fault.reads!.sql.test(sqlOf(s))) && ++lookups <= fault.reads.failures) {
              throw new Error(fault.message);
            }
            const writes = statements.some((s) => /INSERT INTO statements\b/.test(sqlOf(s)));
            if (!writes) return (t as unknown as D1Database).batch(statements);
            writeBatches++;
            if (writeBatches > fault.failures) return (t as unknown as D1Database).batch(statements);
            if (fault.afterCommit) await (t as unknown as D1Database).batch(statements);
            throw new Error(fault.message);
          };
        }
        if (prop === "prepare") {
          return (sql: string) => {
            const prepared = (t as unknown as D1Database).prepare(sql);
            return fault.reads?.sql.test(sql) ? failingLookup(prepared) : prepared;
          };
        }
        if (prop === "withSession") {
          return (...args: unknown[]) => wrap((t as unknown as { withSession: (...a: unknown[]) => object }).withSession(...args));
        }
        const value = Reflect.get(t, prop);
        return typeof value === "function" ? value.bind(t) : value;
      },
    });
  return { db: wrap(env.DB), writeBatches: () => writeBatches };
}

async function postWith(db: D1Database, body: unknown, init: { method?: string; query?: string } = {}) {
  const ctx = createExecutionContext();
  const method = init.method ?? "POST";
  const request = new Request(`http://lrs.test/xapi/statements${init.query ?? ""}`, {
    method,
    headers: { Authorization: basic(), "X-Experience-API-Version": "2.0.0", "Content-Type": "application/json" },
    body: method === "GET" ? undefined : JSON.stringify(body),
  });
  const response = await app.fetch(request, { ...env, DB: db }, ctx);
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  return { status: response.status, headers: response.headers, text };
}

async function storedCount(ids: string[]): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM statements WHERE id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(ids))
    .first<{ n: number }>();
  return row!.n;
}

describe("transient D1 errors on PUT/POST /statements", () => {
  it("a batch refused with 'Network connection lost' is retried: 200, stored once", async () => {
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    const { db, writeBatches } = faultyDb({ failures: 1, message: LOST });
    const res = await postWith(db, ids.map((id) => statement({ id })));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual(ids);
    expect(writeBatches()).toBe(2);
    expect(await storedCount(ids)).toBe(2);
  });

  it("PUT retries 'D1 DB reset because its code was updated' and 'D1 DB is overloaded': 204, stored once", async () => {
    const id = crypto.randomUUID();
    const { db, writeBatches } = faultyDb({ failures: 2, message: "D1 DB reset because its code was updated." });
    expect((await postWith(db, statement(), { method: "PUT", query: `?statementId=${id}` })).status).toBe(204);
    expect(writeBatches()).toBe(3);
    const other = crypto.randomUUID();
    const overloaded = faultyDb({ failures: 1, message: "D1_ERROR: D1 DB is overloaded. Too many requests queued." });
    expect((await postWith(overloaded.db, statement(), { method: "PUT", query: `?statementId=${other}` })).status).toBe(204);
    expect(await storedCount([id, other])).toBe(2);
  });

  it("a batch that committed before the connection was lost is retried as a no-op: 200, stored once", async () => {
    const id = crypto.randomUUID();
    const { db, writeBatches } = faultyDb({ failures: 1, message: LOST, afterCommit: true });
    const res = await postWith(db, statement({ id, object: { objectType: "Activity", id: `http://example.com/lost/${id}` } }));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual([id]);
    expect(writeBatches()).toBe(2);
    expect(await storedCount([id])).toBe(1);
    const index = await env.DB.prepare(
      "SELECT count(*) AS n FROM index_entries WHERE seq = (SELECT seq FROM statements WHERE id = ?1) AND value_id IN (SELECT id FROM index_values)",
    )
      .bind(id)
      .first<{ n: number }>();
    const control = crypto.randomUUID();
    expect((await postWith(env.DB, statement({ id: control, object: { objectType: "Activity", id: `http://example.com/lost/${control}` } }))).status).toBe(200);
    const controlIndex = await env.DB.prepare(
      "SELECT count(*) AS n FROM index_entries WHERE seq = (SELECT seq FROM statements WHERE id = ?1) AND value_id IN (SELECT id FROM index_values)",
    )
      .bind(control)
      .first<{ n: number }>();
    expect(index!.n).toBe(controlIndex!.n);
  });

  it("the lookup of stored ids after a duplicate is retried too: a re-send answers 200, stored once", async () => {
    const id = crypto.randomUUID();
    expect((await postWith(env.DB, statement({ id }))).status).toBe(200);
    const { db } = faultyDb({ failures: 0, message: LOST, reads: { sql: FIND_BY_IDS, failures: 1 } });
    const res = await postWith(db, statement({ id }));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual([id]);
    expect(await storedCount([id])).toBe(1);
  });

  it("a non-transient error is not retried: 500", async () => {
    const id = crypto.randomUUID();
    const { db, writeBatches } = faultyDb({ failures: 1, message: "D1_ERROR: no such table: statements_x" });
    const res = await postWith(db, statement({ id }));
    expect(res.status).toBe(500);
    expect(writeBatches()).toBe(1);
    expect(await storedCount([id])).toBe(0);
  });

  it("when every try fails: 503 with Retry-After and a JSON message, nothing written", async () => {
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    const { db, writeBatches } = faultyDb({ failures: Infinity, message: LOST });
    const res = await postWith(db, ids.map((id) => statement({ id })));
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("1");
    expect(JSON.parse(res.text)).toEqual({ error: { status: 503, message: "the database is briefly unavailable; try again shortly" } });
    expect(writeBatches()).toBe(3);
    expect(await storedCount(ids)).toBe(0);
  });
});

describe("transient D1 errors on GET /statements", () => {
  it("the page query is retried: 200 with the statements", async () => {
    const id = crypto.randomUUID();
    const registration = crypto.randomUUID();
    expect((await postWith(env.DB, statement({ id, context: { registration } }))).status).toBe(200);
    const { db } = faultyDb({ failures: 0, message: LOST, reads: { sql: PAGE_QUERY, failures: 2 } });
    const res = await postWith(db, undefined, { method: "GET", query: `?registration=${registration}` });
    expect(res.status).toBe(200);
    expect((JSON.parse(res.text) as { statements: { id: string }[] }).statements.map((s) => s.id)).toEqual([id]);
  });

  it("when every try fails: 503 with Retry-After", async () => {
    const { db } = faultyDb({ failures: 0, message: LOST, reads: { sql: PAGE_QUERY, failures: Infinity } });
    const res = await postWith(db, undefined, { method: "GET", query: `?registration=${crypto.randomUUID()}` });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("1");
  });

  it("when the Consistent-Through read fails too: still 503, with the header (the time of the answer)", async () => {
    const reads = /SELECT seq, storedMs, statement, matched FROM|SELECT \(SELECT s\.stored_ms FROM statement_runs AS r/;
    const { db } = faultyDb({ failures: 0, message: LOST, reads: { sql: reads, failures: Infinity } });
    const before = Date.now();
    const res = await postWith(db, undefined, { method: "GET", query: `?registration=${crypto.randomUUID()}` });
    expect(res.status).toBe(503);
    expect(Date.parse(res.headers.get("X-Experience-API-Consistent-Through")!)).toBeGreaterThanOrEqual(before - 1000);
  });
});
