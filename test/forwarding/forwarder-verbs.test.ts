// The forwarding verbs the front ends build on (src/forwarding/forwarders.ts), on the real D1 binding:
// input rules, secrets sealed at rest and shown once, store isolation, pause/resume, replay positions and lag.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env";
import { parseForwarderInput, type ForwarderInput } from "../../src/forwarding/forwarder-input";
import {
  createForwarder,
  deleteForwarder,
  getForwarder,
  listForwarders,
  pauseForwarder,
  replayForwarder,
  resumeForwarder,
} from "../../src/forwarding/forwarders";
import { openSecret } from "../../src/forwarding/sealed-secret";
import { xapi } from "../helpers";

const bindings = env as unknown as Bindings;
const fx = { db: bindings.DB, env: bindings };

function input(value: unknown, allowHttp = false): ForwarderInput {
  const parsed = parseForwarderInput(value, { allowHttp });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

async function store(count: number, verb = "http://adlnet.gov/expapi/verbs/experienced"): Promise<string[]> {
  const statements = Array.from({ length: count }, (_, i) => ({
    id: crypto.randomUUID(),
    actor: { mbox: `mailto:verbs${i}@example.org` },
    verb: { id: verb },
    object: { id: `http://example.org/verbs/${i}` },
  }));
  const response = await xapi("/statements", { method: "POST", json: statements });
  expect(response.status).toBe(200);
  return (await response.json()) as string[];
}

describe("forwarder input", () => {
  it("takes https destinations only, unless plain http is allowed", () => {
    expect(parseForwarderInput({ kind: "webhook", url: "http://example.org/hook" }, { allowHttp: false })).toEqual({
      ok: false,
      issues: [{ path: "url", message: "must be an https:// URL (plain http needs LRS_FORWARD_ALLOW_HTTP=1)" }],
    });
    expect(parseForwarderInput({ kind: "xapi", endpoint: "ftp://x", key: "k", secret: "s" }, { allowHttp: true })).toEqual({
      ok: false,
      issues: [{ path: "endpoint", message: "must be an http:// or https:// URL" }],
    });
    expect(input({ kind: "webhook", url: "http://localhost:8850/hook" }, true)).toEqual({
      kind: "webhook",
      url: "http://localhost:8850/hook",
      filter: {},
      batchSize: 100,
      failingAfterSeconds: 259200,
    });
  });

  it("checks filters with the statement query's rules, naming the property", () => {
    const bad = parseForwarderInput({ kind: "webhook", url: "https://h.example/x", filter: { verb: "not an iri" } }, { allowHttp: false });
    expect(bad).toEqual({ ok: false, issues: [{ path: "filter.verb", message: "must be an IRI with a scheme" }] });
    const agent = parseForwarderInput(
      { kind: "webhook", url: "https://h.example/x", filter: { agent: { name: "no ifi" } } },
      { allowHttp: false },
    );
    expect(agent.ok).toBe(false);
    expect(!agent.ok && agent.issues[0]!.path).toBe("filter.agent");
    const unknown = parseForwarderInput({ kind: "webhook", url: "https://h.example/x", filter: { since: "x" } }, { allowHttp: false });
    expect(!unknown.ok && unknown.issues[0]!.path).toBe("filter.since");
    const size = parseForwarderInput({ kind: "webhook", url: "https://h.example/x", batchSize: 1001 }, { allowHttp: false });
    expect(!size.ok && size.issues[0]!.path).toBe("batchSize");
  });

  it("defaults an LRS destination to version 2.0.0 and drops a trailing slash", () => {
    expect(input({ kind: "xapi", endpoint: "https://lrs.example/xapi/", key: "k", secret: "s" })).toEqual({
      kind: "xapi",
      endpoint: "https://lrs.example/xapi",
      key: "k",
      secret: "s",
      version: "2.0.0",
      filter: {},
      batchSize: 100,
      failingAfterSeconds: 259200,
    });
  });
});

describe("forwarder verbs", () => {
  it("shows a webhook's secret once and keeps it sealed at rest", async () => {
    const { forwarder, secret } = await createForwarder(fx, "default", input({ kind: "webhook", url: "https://h.example/1" }));
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(forwarder)).not.toContain(secret!);
    const row = await bindings.DB.prepare("SELECT * FROM forwarders WHERE id = ?").bind(forwarder.id).first<Record<string, string>>();
    expect(JSON.stringify(row)).not.toContain(secret!);
    expect(await openSecret(bindings, forwarder.id, row!.sealed_secret!)).toBe(secret);
    // Bound to its row: the same sealed value does not open for another forwarder.
    await expect(openSecret(bindings, "another-id", row!.sealed_secret!)).rejects.toThrow();
  });

  it("keeps an LRS destination's secret sealed and never shows it", async () => {
    const created = await createForwarder(
      fx,
      "default",
      input({ kind: "xapi", endpoint: "https://lrs.example/xapi", key: "dest-key", secret: "dest-secret-value" }),
    );
    expect(created.secret).toBeUndefined();
    expect(created.forwarder.destination).toEqual({ endpoint: "https://lrs.example/xapi", key: "dest-key", version: "2.0.0" });
    const row = await bindings.DB.prepare("SELECT sealed_secret FROM forwarders WHERE id = ?").bind(created.forwarder.id).first<{ sealed_secret: string }>();
    expect(row!.sealed_secret).not.toContain("dest-secret-value");
    expect(await openSecret(bindings, created.forwarder.id, row!.sealed_secret)).toBe("dest-secret-value");
  });

  it("starts at the store's head, and replays from a time or the beginning", async () => {
    const first = await store(3);
    const { forwarder } = await createForwarder(fx, "default", input({ kind: "webhook", url: "https://h.example/2" }));
    const seqs = await bindings.DB.prepare("SELECT seq, stored_ms FROM statements WHERE store_id = 'default' AND id IN (?, ?, ?) ORDER BY seq")
      .bind(...first)
      .all<{ seq: number; stored_ms: number }>();
    const last = seqs.results[2]!;
    expect(forwarder.position).toBeGreaterThanOrEqual(last.seq);
    expect((await getForwarder(fx, "default", forwarder.id))!.lag).toEqual({ statements: 0, capped: false, seconds: 0 });

    await store(2);
    const status = await getForwarder(fx, "default", forwarder.id);
    expect(status!.lag.statements).toBe(2);

    const fromStart = await replayForwarder(fx, "default", forwarder.id);
    expect(fromStart!.position).toBe(0);
    // Since the second statement's stored time (exclusive): the cursor sits just before the first one after it.
    const since = await replayForwarder(fx, "default", forwarder.id, seqs.results[1]!.stored_ms);
    const after = await bindings.DB.prepare(
      "SELECT seq FROM statements WHERE store_id = 'default' AND stored_ms > ? ORDER BY stored_ms, seq LIMIT 1",
    )
      .bind(seqs.results[1]!.stored_ms)
      .first<{ seq: number }>();
    expect(since!.position).toBe(after!.seq - 1);
    // A time after every statement: nothing to replay, the cursor is the head.
    const head = await bindings.DB.prepare("SELECT max(seq) AS head FROM statements WHERE store_id = 'default'").first<{ head: number }>();
    const future = await replayForwarder(fx, "default", forwarder.id, Date.now() + 60_000);
    expect(future!.position).toBe(head!.head);
  });

  it("pauses and resumes, and keeps each store's forwarders to itself", async () => {
    const { forwarder } = await createForwarder(fx, "iso-a", input({ kind: "webhook", url: "https://h.example/3" }));
    expect(await getForwarder(fx, "iso-b", forwarder.id)).toBeUndefined();
    expect(await pauseForwarder(fx, "iso-b", forwarder.id)).toBeUndefined();
    expect(await replayForwarder(fx, "iso-b", forwarder.id)).toBeUndefined();
    expect(await deleteForwarder(fx, "iso-b", forwarder.id)).toBe(false);
    expect((await listForwarders(fx, "iso-b")).length).toBe(0);

    expect((await pauseForwarder(fx, "iso-a", forwarder.id))!.state).toBe("paused");
    expect((await resumeForwarder(fx, "iso-a", forwarder.id))!.state).toBe("active");
    expect((await listForwarders(fx, "iso-a")).map((f) => f.id)).toEqual([forwarder.id]);
    expect(await deleteForwarder(fx, "iso-a", forwarder.id)).toBe(true);
    expect(await getForwarder(fx, "iso-a", forwarder.id)).toBeUndefined();
  });
});
