// The bench entry's D1 meter sums D1's own meta (rows_read, rows_written) over every query a request makes,
// through prepare/bind/first/all/run/raw, batch and sessions, without changing the answers; and counts round
// trips, a batch as one.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type D1Rows, meterD1 } from "../../src/bench/d1-meter";

describe("meterD1", () => {
  it("counts rows written by a batch and rows read by first/all/raw, answering as D1 does", async () => {
    const table = `meter_${crypto.randomUUID().replaceAll("-", "")}`;
    await env.DB.exec(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, name TEXT)`);
    const rows: D1Rows = { read: 0, written: 0, queries: 0, calls: 0 };
    const db = meterD1(env.DB, rows);
    const insert = db.prepare(`INSERT INTO ${table} (id, name) VALUES (?, ?)`);
    const results = await db.batch([insert.bind(1, "a"), insert.bind(2, "b"), insert.bind(3, "c")]);
    expect(results.map((r) => r.meta.rows_written)).toEqual([1, 1, 1]);
    const insertReads = results.reduce((sum, r) => sum + r.meta.rows_read, 0);
    expect(rows).toEqual({ read: insertReads, written: 3, queries: 3, calls: 1 });

    const count = `SELECT count(*) AS n FROM ${table}`;
    const direct = await env.DB.prepare(count).all<{ n: number }>();
    expect(await db.prepare(count).first<{ n: number }>()).toEqual({ n: 3 });
    expect(await db.prepare(count).first<number>("n")).toBe(3);
    expect(await db.withSession("first-primary").prepare(`SELECT id, name FROM ${table} WHERE id = ?`).bind(2).raw()).toEqual([[2, "b"]]);
    expect(rows.queries).toBe(6);
    const byKey = await env.DB.prepare(`SELECT id, name FROM ${table} WHERE id = ?`).bind(2).all();
    expect(rows.read).toBe(insertReads + 2 * direct.meta.rows_read + byKey.meta.rows_read);
    expect(rows.written).toBe(3);
    // One round trip per run/all/first/raw and per batch: the batch above, three reads, this update.
    await db.prepare(`UPDATE ${table} SET name = 'd' WHERE id = 3`).run();
    expect(rows.calls).toBe(5);
  });
});
