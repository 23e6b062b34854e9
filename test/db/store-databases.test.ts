// Stores across several D1 databases (src/db/store-databases.ts): a store placed in DB_2 has every row of its
// data there and none in DB (read directly from both), whatever path wrote or read it: statements, documents,
// queries, rollups and the console's figures, forwarding and its cron backstop, export, erasure and deletion;
// DB keeps the store row, its credentials and jobs. Stores from before (no database named) stay in DB, and a new
// store goes to the emptiest open database.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { databaseBytes } from "../../src/db/store-databases";
import strict from "../strict/strict-worker";
import { admin, adminJson, createCredential, runJob, waitForJob, xapiAs } from "../admin/admin-helpers";
import { Browser, figure } from "../console/console-helpers";
import { acknowledgedIds, bindings, receiver, waitFor } from "../forwarding/forwarding-helpers";
import { metered } from "../limits/limits-helpers";
import { aggregate } from "../rollups/aggregator";

const DB = env.DB;
const DB_2 = (env as unknown as { DB_2: D1Database }).DB_2;
/** Tables of the home database only: what is global. */
const GLOBAL_TABLES = new Set(["stores", "credentials", "jobs", "auth_failures", "session_generations", "audit_log"]);

/** Every table with a store_id column but the global ones, as the schema is now (others may add tables). */
async function storeTables(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%`store_id`%'")
    .all<{ name: string }>();
  return results.map((row) => row.name).filter((name) => !GLOBAL_TABLES.has(name) && !name.startsWith("_cf") && !name.startsWith("d1_"));
}

/** The store's rows in each store table of `db` (index_entries through its dictionary values). */
async function rowsIn(db: D1Database, storeId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await storeTables(db)) {
    counts[table] = (await db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE store_id = ?`).bind(storeId).first<{ n: number }>())!.n;
  }
  counts.index_entries = (await db
    .prepare("SELECT COUNT(*) AS n FROM index_entries WHERE value_id IN (SELECT id FROM index_values WHERE store_id = ?)")
    .bind(storeId)
    .first<{ n: number }>())!.n;
  return counts;
}

const none = (counts: Record<string, number>) => Object.entries(counts).filter(([, n]) => n !== 0);
const countIn = async (db: D1Database, sql: string, ...values: unknown[]) => (await db.prepare(sql).bind(...values).first<{ n: number }>())!.n;

function statement(i: number, learner: string) {
  return {
    id: crypto.randomUUID(),
    actor: { mbox: `mailto:${learner}@example.org` },
    verb: { id: "http://adlnet.gov/expapi/verbs/completed" },
    object: { id: `http://example.org/databases/${i}` },
  };
}

async function storeIn(database: string, name: string): Promise<{ id: string; database: string }> {
  return adminJson<{ id: string; database: string }>("/stores", { method: "POST", json: { name, database } });
}

describe("a store placed in DB_2", () => {
  it("keeps every row of its data in DB_2 and none in DB, on every path; DB keeps its row, credential and jobs", { timeout: 120_000 }, async () => {
    const created = await storeIn("DB_2", "Second database");
    expect(created.database).toBe("DB_2");
    const storeId = created.id;
    expect((await adminJson<{ database: string }>(`/stores/${storeId}`)).database).toBe("DB_2");
    const listed = (await adminJson<{ stores: { id: string; database: string }[] }>("/stores")).stores.find((s) => s.id === storeId);
    expect(listed?.database).toBe("DB_2");
    const credential = await createCredential(storeId);

    // Statements, a document, queries.
    const statements = [statement(1, "ann"), statement(2, "ann"), statement(3, "bob")];
    expect((await xapiAs(credential, "/statements", { method: "POST", json: statements })).status).toBe(200);
    const agent = encodeURIComponent(JSON.stringify({ mbox: "mailto:ann@example.org" }));
    const state = `/activities/state?activityId=${encodeURIComponent("http://example.org/databases/1")}&agent=${agent}&stateId=s`;
    expect((await xapiAs(credential, state, { method: "PUT", body: "saved" })).status).toBe(204);
    expect(await (await xapiAs(credential, state)).text()).toBe("saved");
    const page = (await (await xapiAs(credential, `/statements?agent=${agent}`)).json()) as { statements: { id: string }[] };
    expect(page.statements.map((s) => s.id)).toEqual([statements[1]!.id, statements[0]!.id]);
    const single = (await (await xapiAs(credential, `/statements?statementId=${statements[2]!.id}`)).json()) as { id: string };
    expect(single.id).toBe(statements[2]!.id);
    expect((await xapiAs(credential, `/activities?activityId=${encodeURIComponent("http://example.org/databases/2")}`)).status).toBe(200);

    // Rollups and the console's figures.
    expect((await aggregate(storeId)).store).toBe(true);
    const browser = new Browser();
    await browser.signInAdmin();
    expect(figure((await browser.get(`/console/s/${storeId}`)).html, "total")).toBe("3");
    const storePage = await browser.get(`/console/admin/stores/${storeId}`);
    expect(storePage.status).toBe(200);
    // The stores page: one coalesced read per database; this store's row counted from DB_2.
    const row = /<tr data-store-id="([^"]+)">([\s\S]*?)<\/tr>/g;
    const cells = [...(await browser.get("/console/admin")).html.matchAll(row)]
      .find((match) => match[1] === storeId)![2]!
      .match(/<td>([^<]*)<\/td>/g)!
      .map((cell) => cell.replace(/<\/?td>/g, ""));
    expect(cells).toEqual(["3", "3", "2", "5 B"]);
    const figures = (await adminJson<{ figures: Record<string, number> }>(`/stores/${storeId}`)).figures;
    expect([figures.statements, figures.documents, figures.agents, figures.credentials]).toEqual([3, 1, 2, 1]);

    const inDb2 = await rowsIn(DB_2, storeId);
    expect([inDb2.statements, inDb2.documents, inDb2.activities, inDb2.agents]).toEqual([3, 1, 3, 2]);
    expect(inDb2.index_entries).toBeGreaterThan(0);
    expect(none(await rowsIn(DB, storeId))).toEqual([]);
    expect(await countIn(DB, "SELECT COUNT(*) AS n FROM credentials WHERE store_id = ?", storeId)).toBe(1);
    expect(await countIn(DB_2, "SELECT COUNT(*) AS n FROM credentials WHERE store_id = ?", storeId)).toBe(0);

    // Forwarding, woken by ingest and by the cron backstop (which scans every database).
    const name = await receiver();
    const forwarder = await adminJson<{ id: string }>(`/stores/${storeId}/forwarders`, {
      method: "POST",
      json: { kind: "webhook", url: `https://${name}.receiver.test/hook` },
    });
    expect(await countIn(DB_2, "SELECT COUNT(*) AS n FROM forwarders WHERE id = ?", forwarder.id)).toBe(1);
    expect(await countIn(DB, "SELECT COUNT(*) AS n FROM forwarders WHERE id = ?", forwarder.id)).toBe(0);
    const later = statement(4, "cat");
    expect((await xapiAs(credential, "/statements", { method: "POST", json: [later] })).status).toBe(200);
    await waitFor(() => acknowledgedIds(name), (ids) => ids.includes(later.id));
    const delivered = (await acknowledgedIds(name)).length;
    await DB_2.prepare("UPDATE forwarders SET position_seq = position_seq - 1 WHERE id = ?").bind(forwarder.id).run();
    const ctx = createExecutionContext();
    await strict.scheduled!(createScheduledController({ cron: "*/10 * * * *" }), bindings, ctx);
    await waitOnExecutionContext(ctx);
    expect((await waitFor(() => acknowledgedIds(name), (ids) => ids.length > delivered)).at(-1)).toBe(later.id);

    // Export: every statement, read from DB_2.
    const exported = await runJob(`/stores/${storeId}/jobs`, { method: "POST", json: { kind: "statement-export" } });
    expect(exported.state).toBe("succeeded");
    const file = await (await admin(`/stores/${storeId}/jobs/${exported.id}/download`)).text();
    expect(file.trim().split("\n").length).toBe(4);
    expect(await countIn(DB, "SELECT COUNT(*) AS n FROM jobs WHERE store_id = ?", storeId)).toBe(1);

    // Erasure: ann's statements and document go from DB_2; its audit entry is listed with DB's entries.
    const erased = await runJob(`/stores/${storeId}/erase-agent`, { method: "POST", json: { agent: { mbox: "mailto:ann@example.org" } } });
    expect(erased.state).toBe("succeeded");
    expect(await countIn(DB_2, "SELECT COUNT(*) AS n FROM statements WHERE store_id = ?", storeId)).toBe(2);
    expect(await countIn(DB_2, "SELECT COUNT(*) AS n FROM documents WHERE store_id = ?", storeId)).toBe(0);
    const audit = (await adminJson<{ entries: { action: string }[] }>(`/stores/${storeId}/audit`)).entries.map((e) => e.action);
    expect(audit).toEqual(["agent.erase", "forwarder.create", "credential.create", "store.create"]);
    expect(none(await rowsIn(DB, storeId))).toEqual([]);

    // Deletion: nothing of the store is left in either database, its row and the row's copy included.
    const deletion = await admin(`/stores/${storeId}`, { method: "DELETE" });
    expect(deletion.status).toBe(202);
    const { job } = (await deletion.json()) as { job: { id: string } };
    expect((await waitForJob(storeId, job.id)).state).toBe("succeeded");
    expect(none(await rowsIn(DB_2, storeId))).toEqual([]);
    expect(none(await rowsIn(DB, storeId))).toEqual([]);
    for (const db of [DB, DB_2]) {
      expect(await countIn(db, "SELECT COUNT(*) AS n FROM stores WHERE id = ?", storeId)).toBe(0);
      expect(await countIn(db, "SELECT COUNT(*) AS n FROM credentials WHERE store_id = ?", storeId)).toBe(0);
    }
    expect((await xapiAs(credential, "/statements")).status).toBe(401);
  });
});

describe("the cost of living elsewhere", () => {
  it("a request to a store in DB_2 makes as many D1 calls as one to a store in DB (where it lives comes with the credential)", async () => {
    const calls = async (database: string) => {
      const credential = await createCredential((await storeIn(database, `Cost ${database}`)).id);
      const state = `/activities/state?activityId=${encodeURIComponent("http://example.org/cost")}&agent=${encodeURIComponent(
        JSON.stringify({ mbox: "mailto:cost@example.org" }),
      )}&stateId=s`;
      const requests: [string, () => Promise<Response>][] = [
        ["POST statements (first request: credential from D1)", () => xapiAs(credential, "/statements", { method: "POST", json: [statement(1, "eve"), statement(2, "fay")] })],
        ["GET statements?agent", () => xapiAs(credential, `/statements?agent=${encodeURIComponent(JSON.stringify({ mbox: "mailto:eve@example.org" }))}`)],
        ["PUT state", () => xapiAs(credential, state, { method: "PUT", body: "x" })],
        ["GET state", () => xapiAs(credential, state)],
      ];
      const counted: Record<string, number> = {};
      for (const [label, send] of requests) {
        const { status, report } = await metered(send);
        expect(status, label).toBeLessThan(300);
        counted[label] = report.d1;
      }
      return counted;
    };
    // Once first, so what an isolate learns on its first query (the upgrade's legacy index gone) is learnt.
    await calls("DB");
    const home = await calls("DB");
    expect(await calls("DB_2")).toEqual(home);
    // The Worker's own calls (the PUT's write is the DocumentWriter's, in its own invocation); the same for both.
    expect(Object.values(home)).toEqual([3, 1, 0, 1]);
  });
});

describe("placement", () => {
  it("keeps a store from before (no database named) in DB, where its data stays", async () => {
    expect((await adminJson<{ database: string }>("/stores/default")).database).toBe("DB");
    expect(await countIn(DB, "SELECT COUNT(*) AS n FROM stores WHERE id = 'default' AND database IS NULL")).toBe(1);
    const one = statement(9, "dan");
    const response = await xapiAs({ auth: `Basic ${btoa("test-key:test-secret")}` }, "/statements", { method: "POST", json: [one] });
    expect(response.status).toBe(200);
    expect(await countIn(DB, "SELECT COUNT(*) AS n FROM statements WHERE id = ?", one.id)).toBe(1);
    expect(await countIn(DB_2, "SELECT COUNT(*) AS n FROM statements WHERE id = ?", one.id)).toBe(0);
  });

  it("puts a new store in the emptiest open database, as D1 reports their sizes", async () => {
    const open = { LRS_NEW_STORE_DATABASES: undefined };
    const place = async () => (await adminJson<{ database: string }>("/stores", { method: "POST", json: { name: "Placed" }, vars: open })).database;
    // Whichever is smaller now, the other one is made larger than it by ~1 MB of rows (audit rows: a table both have).
    const grow = async (db: D1Database, bytes: number) => {
      const detail = "x".repeat(100_000);
      for (let written = 0; written < bytes; written += detail.length) {
        await db.prepare("INSERT INTO audit_log (store_id, action, detail, at_ms) VALUES ('filler', 'filler', ?, 0)").bind(detail).run();
      }
    };
    const [home, second] = [await databaseBytes(DB), await databaseBytes(DB_2)];
    await grow(DB_2, Math.max(0, home - second) + 1_000_000);
    expect(await databaseBytes(DB_2)).toBeGreaterThan(await databaseBytes(DB));
    expect(await place()).toBe("DB");
    await grow(DB, (await databaseBytes(DB_2)) - (await databaseBytes(DB)) + 1_000_000);
    expect(await databaseBytes(DB)).toBeGreaterThan(await databaseBytes(DB_2));
    expect(await place()).toBe("DB_2");
    // A database left out of LRS_NEW_STORE_DATABASES gets no new store, however empty.
    const closed = await adminJson<{ database: string }>("/stores", { method: "POST", json: { name: "Closed" }, vars: { LRS_NEW_STORE_DATABASES: "DB" } });
    expect(closed.database).toBe("DB");
  });

  it("refuses a database the Worker has no binding for with 400 naming `database`, and creates nothing", async () => {
    const id = `nowhere-${crypto.randomUUID().slice(0, 8)}`;
    for (const database of ["DB_7", "db2"]) {
      const response = await admin("/stores", { method: "POST", json: { id, name: "Nowhere", database } });
      expect(response.status, database).toBe(400);
      expect(((await response.json()) as { error: { path: string } }).error.path, database).toBe("database");
    }
    expect((await admin(`/stores/${id}`)).status).toBe(404);
    for (const db of [DB, DB_2]) expect(await countIn(db, "SELECT COUNT(*) AS n FROM stores WHERE id = ?", id)).toBe(0);
  });
});
