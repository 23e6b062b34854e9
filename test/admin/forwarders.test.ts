// The admin API of statement forwarders (issue 15): create (a webhook's signing secret shown once, an xAPI
// destination's secret never), list, show with position and lag, pause, resume, replay and delete; 400 naming the
// property, 404 for an unknown store or another store's forwarder, every change audited without secrets.
// Destinations that could receive anything point at a closed port on loopback (https://127.0.0.1:9): no test
// sends a statement off this machine.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, adminJson, createCredential, createStore, runJob, xapiAs } from "./admin-helpers";

type Forwarder = {
  id: string;
  storeId: string;
  kind: string;
  destination: Record<string, string>;
  filter: Record<string, unknown>;
  batchSize: number;
  state: string;
  position: number;
  delivered: number;
  attempts: number;
  lag?: { statements: number; capped: boolean; seconds: number };
  lastSuccessAt: string | null;
  lastError: unknown;
  secret?: string;
};
type ErrorBody = { error: { status: number; message: string; path?: string } };
type AuditEntries = { entries: { action: string; detail: Record<string, unknown> }[] };

const CLOSED = "https://127.0.0.1:9/hook";
const base = (storeId: string) => `/stores/${storeId}/forwarders`;
const create = (storeId: string, json: unknown, vars?: Record<string, string | undefined>) =>
  admin(base(storeId), { method: "POST", json, ...(vars ? { vars } : {}) });
const audit = async (storeId: string) =>
  (await adminJson<AuditEntries>(`/stores/${storeId}/audit`)).entries.filter((e) => e.action.startsWith("forwarder."));
const statement = (n: number) => ({
  id: crypto.randomUUID(),
  actor: { mbox: `mailto:learner${n}@example.com` },
  verb: { id: "http://adlnet.gov/expapi/verbs/completed" },
  object: { id: `http://example.com/activities/${n}` },
});
const seqOf = async (id: string) =>
  (await env.DB.prepare("SELECT seq FROM statements WHERE id = ?").bind(id).first<{ seq: number }>())!.seq;

describe("forwarders admin API", () => {
  it("creates a webhook forwarder: 201 with its signing secret once; list and show never carry it", async () => {
    const storeId = await createStore("Forward webhook");
    const res = await create(storeId, { kind: "webhook", url: CLOSED, filter: { verb: "http://adlnet.gov/expapi/verbs/completed" }, batchSize: 25 });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Forwarder;
    expect(created.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect([created.kind, created.destination, created.filter, created.batchSize, created.state, created.position]).toEqual([
      "webhook",
      { url: CLOSED },
      { verb: "http://adlnet.gov/expapi/verbs/completed" },
      25,
      "active",
      0,
    ]);
    await adminJson(`${base(storeId)}/${created.id}/pause`, { method: "POST" });

    const listed = await (await admin(base(storeId))).text();
    expect(listed).not.toContain(created.secret);
    const { forwarders } = JSON.parse(listed) as { forwarders: Forwarder[] };
    expect(forwarders.map((f) => [f.id, f.state, f.lag])).toEqual([[created.id, "paused", { statements: 0, capped: false, seconds: 0 }]]);
    const shown = await (await admin(`${base(storeId)}/${created.id}`)).text();
    expect(shown).not.toContain(created.secret);
    expect(JSON.parse(shown)).toMatchObject({ id: created.id, attempts: 0, delivered: 0, lastSuccessAt: null, lastError: null });
    expect(JSON.parse(shown)).not.toHaveProperty("secret");
  });

  it("never echoes or stores in clear an xAPI destination's secret; the audit holds ids and the kind only", async () => {
    const storeId = await createStore("Forward xapi");
    const secret = `destination-secret-${crypto.randomUUID()}`;
    const endpoint = "https://127.0.0.1:9/xapi/?token=in-the-query";
    const res = await create(storeId, { kind: "xapi", endpoint, key: "dest-key", secret, version: "1.0.3" });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain(secret);
    const created = JSON.parse(text) as Forwarder;
    expect(created).not.toHaveProperty("secret");
    expect(created.destination).toEqual({ endpoint, key: "dest-key", version: "1.0.3" });
    await adminJson(`${base(storeId)}/${created.id}/pause`, { method: "POST" });
    const row = await env.DB.prepare("SELECT sealed_secret FROM forwarders WHERE id = ?").bind(created.id).first<{ sealed_secret: string }>();
    expect(row!.sealed_secret).not.toContain(secret);
    expect(row!.sealed_secret).toMatch(/^v1\./);
    expect(await audit(storeId)).toEqual([
      { action: "forwarder.pause", detail: { forwarderId: created.id } },
      { action: "forwarder.create", detail: { forwarderId: created.id, kind: "xapi" } },
    ].map((entry) => expect.objectContaining(entry)));
    const auditText = await (await admin(`/stores/${storeId}/audit`)).text();
    expect(auditText).not.toContain(secret);
    expect(auditText).not.toContain("in-the-query");
  });

  it.each([
    [{ kind: "webhook", url: "http://127.0.0.1:9/hook" }, "url", /https:\/\//],
    [{ kind: "webhook", url: "ftp://127.0.0.1/hook" }, "url", /https:\/\//],
    [{ kind: "webhook" }, "url", /./],
    [{ kind: "carrier-pigeon", url: CLOSED }, "kind", /./],
    [{ kind: "xapi", endpoint: "https://127.0.0.1:9/xapi", key: "k" }, "secret", /./],
    [{ kind: "xapi", endpoint: "https://127.0.0.1:9/xapi", key: "k", secret: "s", version: "0.95" }, "version", /./],
    [{ kind: "webhook", url: CLOSED, batchSize: 0 }, "batchSize", /./],
    [{ kind: "webhook", url: CLOSED, filter: { verb: "not an iri" } }, "filter.verb", /./],
    [{ kind: "webhook", url: CLOSED, secret: "mine" }, "secret", /^secret: Unrecognized key: "secret"$/],
    [{ kind: "webhook", url: CLOSED, filter: { since: "2026-01-01T00:00:00Z" } }, "filter.since", /^filter\.since: Unrecognized key: "since"$/],
  ])("refuses %j with 400 naming %s, creating nothing", async (json, path, message) => {
    const storeId = await createStore("Forward refusals");
    const res = await create(storeId, json);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error.path).toBe(path);
    expect(error.message).toMatch(message);
    expect(await adminJson(base(storeId))).toEqual({ forwarders: [] });
    expect(await audit(storeId)).toEqual([]);
  });

  it("accepts plain http destinations only when LRS_FORWARD_ALLOW_HTTP=1 (local development)", async () => {
    const storeId = await createStore("Forward http");
    const json = { kind: "webhook", url: "http://127.0.0.1:9/hook" };
    const refused = await create(storeId, json, { LRS_FORWARD_ALLOW_HTTP: undefined });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorBody).error.message).toBe("url: must be an https:// URL (plain http needs LRS_FORWARD_ALLOW_HTTP=1)");
    const allowed = await create(storeId, json, { LRS_FORWARD_ALLOW_HTTP: "1" });
    expect(allowed.status).toBe(201);
    const created = (await allowed.json()) as Forwarder;
    expect(created.destination).toEqual({ url: "http://127.0.0.1:9/hook" });
    expect((await admin(`${base(storeId)}/${created.id}`, { method: "DELETE" })).status).toBe(204);
  });

  it("shows lag in statements and seconds, and replays from a time or the beginning", async () => {
    const storeId = await createStore("Forward lag");
    const credential = await createCredential(storeId);
    const before = statement(0);
    expect((await xapiAs(credential, "/statements", { method: "POST", json: before })).status).toBe(200);
    const created = (await (await create(storeId, { kind: "webhook", url: CLOSED })).json()) as Forwarder;
    // A new forwarder starts at the store's head: what was stored before it is not forwarded unless replayed.
    expect(created.position).toBe(await seqOf(before.id));
    const path = `${base(storeId)}/${created.id}`;
    await adminJson(`${path}/pause`, { method: "POST" });
    const later = [statement(1), statement(2), statement(3)];
    for (const s of later) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect((await xapiAs(credential, "/statements", { method: "POST", json: s })).status).toBe(200);
    }
    const shown = await adminJson<Forwarder>(path);
    expect(shown.lag).toEqual({ statements: 3, capped: false, seconds: expect.any(Number) as number });
    expect(shown.lag!.seconds).toBeGreaterThanOrEqual(0);
    expect(shown.lag!.seconds).toBeLessThan(60);

    const stored = (await (await xapiAs(credential, `/statements?statementId=${later[0]!.id}`)).json()) as { stored: string };
    const since = await admin(`${path}/replay`, { method: "POST", json: { since: stored.stored } });
    expect(since.status).toBe(200);
    expect(((await since.json()) as Forwarder).position).toBe((await seqOf(later[1]!.id)) - 1);
    await adminJson(`${path}/pause`, { method: "POST" });
    expect((await adminJson<Forwarder>(path)).lag!.statements).toBe(2);

    const beginning = await adminJson<Forwarder>(`${path}/replay`, { method: "POST", json: { from: "beginning" } });
    expect([beginning.position, beginning.state]).toEqual([0, "active"]);
    await adminJson(`${path}/pause`, { method: "POST" });
    expect((await adminJson<Forwarder>(path)).lag!.statements).toBe(4);
    expect((await audit(storeId)).map((e) => e.detail)).toEqual([
      { forwarderId: created.id },
      { forwarderId: created.id, from: "beginning" },
      { forwarderId: created.id },
      { forwarderId: created.id, since: new Date(Date.parse(stored.stored)).toISOString() },
      { forwarderId: created.id },
      { forwarderId: created.id, kind: "webhook" },
    ]);
  });

  it.each([
    [{}, "since"],
    [{ since: "yesterday" }, "since"],
    [{ from: "the end" }, "from"],
    [{ since: "2026-01-01T00:00:00Z", from: "beginning" }, "since"],
    [{ since: "2026-01-01T00:00:00Z", until: "2026-02-01T00:00:00Z" }, "until"],
  ])("refuses the replay %j with 400 naming %s, changing nothing", async (json, path) => {
    const storeId = await createStore("Forward replay refusals");
    const created = (await (await create(storeId, { kind: "webhook", url: CLOSED })).json()) as Forwarder;
    await adminJson(`${base(storeId)}/${created.id}/pause`, { method: "POST" });
    const res = await admin(`${base(storeId)}/${created.id}/replay`, { method: "POST", json });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.path).toBe(path);
    expect(await adminJson<Forwarder>(`${base(storeId)}/${created.id}`)).toMatchObject({ state: "paused", position: 0 });
    expect((await audit(storeId)).map((e) => e.action)).toEqual(["forwarder.pause", "forwarder.create"]);
  });

  it("pauses, resumes and deletes; each change audited once", async () => {
    const storeId = await createStore("Forward lifecycle");
    const created = (await (await create(storeId, { kind: "webhook", url: CLOSED })).json()) as Forwarder;
    const path = `${base(storeId)}/${created.id}`;
    expect((await adminJson<Forwarder>(`${path}/pause`, { method: "POST" })).state).toBe("paused");
    expect((await adminJson<Forwarder>(path)).state).toBe("paused");
    expect((await adminJson<Forwarder>(`${path}/resume`, { method: "POST" })).state).toBe("active");
    expect((await adminJson<Forwarder>(`${path}/pause`, { method: "POST" })).state).toBe("paused");
    expect((await admin(path, { method: "DELETE" })).status).toBe(204);
    expect((await admin(path)).status).toBe(404);
    expect((await admin(path, { method: "DELETE" })).status).toBe(404);
    expect(await adminJson(base(storeId))).toEqual({ forwarders: [] });
    expect((await audit(storeId)).map((e) => e.action)).toEqual([
      "forwarder.delete",
      "forwarder.pause",
      "forwarder.resume",
      "forwarder.pause",
      "forwarder.create",
    ]);
  });

  it("answers 404 for an unknown store and for another store's forwarder, changing nothing", async () => {
    const owner = await createStore("Forward owner");
    const other = await createStore("Forward other");
    const created = (await (await create(owner, { kind: "webhook", url: CLOSED })).json()) as Forwarder;
    await adminJson(`${base(owner)}/${created.id}/pause`, { method: "POST" });
    expect((await admin(base("no-such-store"))).status).toBe(404);
    expect((await create("no-such-store", { kind: "webhook", url: CLOSED })).status).toBe(404);
    const foreign = `${base(other)}/${created.id}`;
    const attempts: [string, string, unknown][] = [
      ["GET", foreign, undefined],
      ["POST", `${foreign}/pause`, undefined],
      ["POST", `${foreign}/resume`, undefined],
      ["POST", `${foreign}/replay`, { from: "beginning" }],
      ["DELETE", foreign, undefined],
    ];
    for (const [method, path, json] of attempts) {
      const res = await admin(path, { method, ...(json ? { json } : {}) });
      expect(res.status).toBe(404);
      expect(((await res.json()) as ErrorBody).error.message).toBe(`no forwarder ${created.id} in this store`);
    }
    expect(await adminJson<Forwarder>(`${base(owner)}/${created.id}`)).toMatchObject({ state: "paused", position: 0 });
    expect(await audit(other)).toEqual([]);
    expect((await audit(owner)).map((e) => e.action)).toEqual(["forwarder.pause", "forwarder.create"]);
  });

  it("goes with its store: a store deleted and made again under the same id has no forwarders", async () => {
    const storeId = await createStore("Forward deleted store", "fwd-deleted-store");
    const created = (await (await create(storeId, { kind: "webhook", url: CLOSED })).json()) as Forwarder;
    const kept = await createStore("Forward kept store");
    const other = (await (await create(kept, { kind: "webhook", url: CLOSED })).json()) as Forwarder;
    await adminJson(`${base(kept)}/${other.id}/pause`, { method: "POST" });
    const job = await runJob(`/stores/${storeId}`, { method: "DELETE" });
    expect([job.state, job.counts.forwarders]).toEqual(["succeeded", 1]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM forwarders WHERE id = ?").bind(created.id).first("n")).toBe(0);
    await createStore("Forward deleted store, again", "fwd-deleted-store");
    expect(await adminJson(base(storeId))).toEqual({ forwarders: [] });
    expect((await adminJson<{ forwarders: Forwarder[] }>(base(kept))).forwarders.map((f) => f.id)).toEqual([other.id]);
  });

  it("needs the admin token", async () => {
    const storeId = await createStore("Forward auth");
    expect((await admin(base(storeId), { token: null })).status).toBe(401);
    expect((await admin(base(storeId), { method: "POST", token: null, json: { kind: "webhook", url: CLOSED } })).status).toBe(401);
    // Without LRS_ADMIN_TOKEN configured the admin API does not exist, forwarders included.
    const disabled = await admin(base(storeId), { method: "POST", configured: null, json: { kind: "webhook", url: CLOSED } });
    expect(disabled.status).toBe(404);
    expect(((await disabled.json()) as ErrorBody).error.message).toMatch(/disabled/);
    expect(await adminJson(base(storeId))).toEqual({ forwarders: [] });
  });

  it("holds at most 20 forwarders per store (409 naming why)", async () => {
    const storeId = await createStore("Forward limit");
    for (let i = 0; i < 20; i++) {
      const res = await create(storeId, { kind: "webhook", url: `${CLOSED}/${i}` });
      expect(res.status).toBe(201);
      await adminJson(`${base(storeId)}/${((await res.json()) as Forwarder).id}/pause`, { method: "POST" });
    }
    const refused = await create(storeId, { kind: "webhook", url: CLOSED });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as ErrorBody).error.message).toBe("a store has at most 20 forwarders; delete one first");
    expect((await adminJson<{ forwarders: Forwarder[] }>(base(storeId))).forwarders).toHaveLength(20);
  });
});
