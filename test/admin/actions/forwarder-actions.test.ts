// The forwarder actions (src/admin/actions/forwarder-actions.ts): each change commits with its audit row in one
// D1 batch (src/db/alongside.ts), so an audit write that fails undoes the change, and a refused or not-found
// action writes no audit row. A trigger on audit_log, scoped to one store, stands in for the failing write.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, adminJson, createStore } from "../admin-helpers";

type Forwarder = { id: string; state: string; position: number };
type AuditEntries = { entries: { action: string; detail: Record<string, unknown> }[] };

const CLOSED = "https://127.0.0.1:9/hook";
const base = (storeId: string) => `/stores/${storeId}/forwarders`;
const auditOf = async (storeId: string) =>
  (await adminJson<AuditEntries>(`/stores/${storeId}/audit`)).entries
    .filter(({ action }) => action.startsWith("forwarder."))
    .map(({ action, detail }) => ({ action, detail }));
const rowOf = (id: string) =>
  env.DB.prepare("SELECT state, position_seq AS position FROM forwarders WHERE id = ?").bind(id).first<{ state: string; position: number }>();

/** Runs `act` while every audit insert of `storeId` fails (store ids are 1-63 of a-z 0-9 _ -: safe in a name). */
async function withAuditFailing<T>(storeId: string, act: () => Promise<T>): Promise<T> {
  const trigger = `audit_fails_${storeId.replace(/-/g, "_")}`;
  await env.DB.prepare(
    `CREATE TRIGGER ${trigger} BEFORE INSERT ON audit_log WHEN NEW.store_id = '${storeId}' BEGIN SELECT RAISE(ABORT, 'audit refused'); END`,
  ).run();
  try {
    return await act();
  } finally {
    await env.DB.prepare(`DROP TRIGGER ${trigger}`).run();
  }
}

describe("forwarder actions", () => {
  it("commits each change with its audit row: when the audit write fails, the change is undone", async () => {
    const storeId = await createStore("Forward atomic");
    const created = await adminJson<Forwarder>(base(storeId), { method: "POST", json: { kind: "webhook", url: CLOSED } });
    const path = `${base(storeId)}/${created.id}`;
    await adminJson(`${path}/pause`, { method: "POST" });
    await env.DB.prepare("UPDATE forwarders SET position_seq = 7 WHERE id = ?").bind(created.id).run();

    const statuses = await withAuditFailing(storeId, async () => [
      (await admin(base(storeId), { method: "POST", json: { kind: "webhook", url: CLOSED } })).status,
      (await admin(`${path}/resume`, { method: "POST" })).status,
      (await admin(`${path}/replay`, { method: "POST", json: { from: "beginning" } })).status,
      (await admin(path, { method: "DELETE" })).status,
    ]);
    expect(statuses).toEqual([500, 500, 500, 500]);
    // Still the one forwarder, paused, at its position: no create, resume, replay or delete went through.
    expect(await env.DB.prepare("SELECT count(*) AS n FROM forwarders WHERE store_id = ?").bind(storeId).first()).toEqual({ n: 1 });
    expect(await rowOf(created.id)).toEqual({ state: "paused", position: 7 });

    await adminJson(`${path}/resume`, { method: "POST" });
    expect(await withAuditFailing(storeId, async () => (await admin(`${path}/pause`, { method: "POST" })).status)).toBe(500);
    expect((await rowOf(created.id))!.state).toBe("active");
    expect(await auditOf(storeId)).toEqual([
      { action: "forwarder.resume", detail: { forwarderId: created.id } },
      { action: "forwarder.pause", detail: { forwarderId: created.id } },
      { action: "forwarder.create", detail: { forwarderId: created.id, kind: "webhook" } },
    ]);
  });

  it("audits each change once, with the change; replay names where it starts", async () => {
    const storeId = await createStore("Forward audited");
    const created = await adminJson<Forwarder>(base(storeId), { method: "POST", json: { kind: "webhook", url: CLOSED } });
    const path = `${base(storeId)}/${created.id}`;
    await adminJson(`${path}/pause`, { method: "POST" });
    await adminJson(`${path}/replay`, { method: "POST", json: { from: "beginning" } });
    await adminJson(`${path}/pause`, { method: "POST" });
    expect((await admin(path, { method: "DELETE" })).status).toBe(204);
    expect(await rowOf(created.id)).toBeNull();
    expect(await auditOf(storeId)).toEqual([
      { action: "forwarder.delete", detail: { forwarderId: created.id } },
      { action: "forwarder.pause", detail: { forwarderId: created.id } },
      { action: "forwarder.replay", detail: { forwarderId: created.id, from: "beginning" } },
      { action: "forwarder.pause", detail: { forwarderId: created.id } },
      { action: "forwarder.create", detail: { forwarderId: created.id, kind: "webhook" } },
    ]);
  });

  it("writes no audit row for a forwarder that is not found, nor for a refused creation", async () => {
    const storeId = await createStore("Forward not found");
    const other = await createStore("Forward other");
    const theirs = await adminJson<Forwarder>(base(other), { method: "POST", json: { kind: "webhook", url: CLOSED } });
    for (const id of [crypto.randomUUID(), theirs.id]) {
      const path = `${base(storeId)}/${id}`;
      expect((await admin(`${path}/pause`, { method: "POST" })).status).toBe(404);
      expect((await admin(`${path}/resume`, { method: "POST" })).status).toBe(404);
      expect((await admin(`${path}/replay`, { method: "POST", json: { from: "beginning" } })).status).toBe(404);
      expect((await admin(path, { method: "DELETE" })).status).toBe(404);
    }
    expect((await admin(base(storeId), { method: "POST", json: { kind: "webhook", url: "http://x.example/" } })).status).toBe(400);
    expect(await auditOf(storeId)).toEqual([]);
    expect(await rowOf(theirs.id)).toEqual({ state: "active", position: 0 });
    expect(await auditOf(other)).toEqual([{ action: "forwarder.create", detail: { forwarderId: theirs.id, kind: "webhook" } }]);
  });
});
