import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { VERSIONS, xapi } from "../helpers";
import { storeWithCredential, xapiAs } from "../admin/admin-helpers";
import { aggregate } from "./aggregator";
import { actualCounts, expectedCounts, testStoreId } from "./expected";
import { variedStatements, voidingOf } from "./fixtures";

type Json = Record<string, unknown>;

async function postAll(body: unknown, version: string, auth?: { auth: string }): Promise<string[]> {
  const res = auth
    ? await xapiAs(auth, "/statements", { method: "POST", json: body, version })
    : await xapi("/statements", { method: "POST", json: body, version });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST: ${res.status} ${text}`);
  return JSON.parse(text) as string[];
}

async function expectConsistent(storeId: string): Promise<void> {
  await aggregate(storeId);
  const expected = await expectedCounts(storeId);
  expect(Object.keys(expected).length).toBeGreaterThan(0);
  expect(await actualCounts(storeId)).toEqual(expected);
  // A subtraction that empties a row deletes it: no row holds 0 (or less).
  const empty = await env.DB.prepare("SELECT count(*) AS n FROM rollup_counts WHERE store_id = ? AND count <= 0")
    .bind(storeId)
    .first<{ n: number }>();
  expect(empty!.n).toBe(0);
}

describe.each(VERSIONS)("rollups (%s)", (version) => {
  it("count every key of newly inserted statements, by POST and PUT", async () => {
    const store = await storeWithCredential(`rollups-insert-${version}`);
    await postAll(variedStatements(60), version, store);
    const id = crypto.randomUUID();
    const put = await xapiAs(store, `/statements?statementId=${id}`, {
      method: "PUT",
      json: variedStatements(1, 7)[0],
      version,
    });
    expect(put.status).toBe(204);
    await expectConsistent(store.storeId);
    const rows = await actualCounts(store.storeId);
    // Spot checks of the SQL agent keys against identifier.ts (sha1 lower-cased, account, identified Group).
    const keys = Object.keys(rows).join("\n");
    expect(keys).toContain("learner|");
    expect(keys).toContain("mbox_sha1sum:abcdef0123456789abcdef0123456789abcdef01");
    expect(keys).toContain("account:https://lms.example.com bo");
    expect(keys).toContain("mbox:mailto:team@example.com");
    expect(keys).not.toContain("anon-member");
  });

  it("subtract voided statements: earlier targets, targets in the same batch, targets arriving later", async () => {
    const store = await storeWithCredential(`rollups-void-${version}`);
    const ids = await postAll(variedStatements(40), version, store);
    await expectConsistent(store.storeId);
    // Earlier targets, one of them voided twice (in one batch and again later), which must subtract once.
    await postAll([voidingOf(ids[0]!), voidingOf(ids[1]!), voidingOf(ids[0]!), voidingOf(ids[2]!)], version, store);
    await expectConsistent(store.storeId);
    await postAll([voidingOf(ids[2]!), voidingOf(ids[3]!)], version, store);
    await expectConsistent(store.storeId);
    // Target and voiding statement in one batch, either order.
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    const batch = variedStatements(2, 3).map((s, i) => ({ ...s, id: [a, b][i] }));
    await postAll([batch[0], voidingOf(a!), voidingOf(b!), batch[1]], version, store);
    await expectConsistent(store.storeId);
    // The voiding statement first, its target later.
    const late = crypto.randomUUID();
    await postAll([voidingOf(late)], version, store);
    await postAll([{ ...variedStatements(1, 1)[0], id: late }], version, store);
    await expectConsistent(store.storeId);
    // Voiding a voiding statement voids nothing; the voiding statements themselves count (total, verb).
    const [voider] = await postAll([voidingOf(ids[4]!)], version, store);
    await postAll([voidingOf(voider!)], version, store);
    await expectConsistent(store.storeId);
    const counts = await actualCounts(store.storeId);
    const voidedVerb = Object.entries(counts).filter(([k]) => k.startsWith("verb|") && k.endsWith("/voided"));
    expect(voidedVerb.reduce((sum, [, n]) => sum + n, 0)).toBe(11);
    // Every learning statement is now voided: only total and verb counts (of voiding statements) remain.
    await postAll(ids.slice(5).map((id) => voidingOf(id)), version, store);
    await expectConsistent(store.storeId);
    const left = Object.keys(await actualCounts(store.storeId)).filter((k) => !/^(total|verb)\|/.test(k));
    expect(left).toEqual([]);
  });

  it("do not count a re-sent identical statement twice", async () => {
    const store = await storeWithCredential(`rollups-resend-${version}`);
    const batch = variedStatements(20).map((s) => ({ ...s, id: crypto.randomUUID() }));
    await postAll(batch.slice(0, 10), version, store);
    await aggregate(store.storeId);
    const before = await actualCounts(store.storeId);
    await postAll(batch.slice(0, 10), version, store);
    await aggregate(store.storeId);
    expect(await actualCounts(store.storeId)).toEqual(before);
    // Half known, half new: only the new half counts.
    await postAll(batch.slice(5), version, store);
    await expectConsistent(store.storeId);
    const put = await xapiAs(store, `/statements?statementId=${batch[0]!.id}`, {
      method: "PUT",
      json: batch[0],
      version,
    });
    expect(put.status).toBe(204);
    await expectConsistent(store.storeId);
  });

  it("leave counts unchanged when a batch is refused", async () => {
    const store = await storeWithCredential(`rollups-refused-${version}`);
    const [first] = variedStatements(1).map((s) => ({ ...s, id: crypto.randomUUID() }));
    await postAll([first], version, store);
    await aggregate(store.storeId);
    const before = await actualCounts(store.storeId);
    // A conflicting id (same id, other content) refuses the whole batch, including its new statements.
    const conflicting = { ...first, verb: { id: "http://example.com/other" } };
    const res = await xapiAs(store, "/statements", {
      method: "POST",
      json: [...variedStatements(5, 1), voidingOf(first!.id as string), conflicting],
      version,
    });
    expect(res.status).toBe(409);
    // An invalid statement among valid ones.
    const invalid = await xapiAs(store, "/statements", {
      method: "POST",
      json: [...variedStatements(3), { verb: { id: "x" } }],
      version,
    });
    expect(invalid.status).toBe(400);
    await aggregate(store.storeId);
    expect(await actualCounts(store.storeId)).toEqual(before);
  });

  it("keep stores apart", async () => {
    const one = await storeWithCredential(`rollups-one-${version}`);
    const two = await storeWithCredential(`rollups-two-${version}`);
    const ids = await postAll(variedStatements(12), version, one);
    await postAll(variedStatements(7, 2), version, two);
    // A voiding statement in store two naming store one's statement voids nothing there.
    await postAll([voidingOf(ids[0]!)], version, two);
    await expectConsistent(one.storeId);
    await expectConsistent(two.storeId);
    const total = (counts: Json) =>
      Object.entries(counts).filter(([k]) => k.startsWith("total|")).reduce((s, [, n]) => s + (n as number), 0);
    expect(total(await actualCounts(one.storeId))).toBe(12);
    expect(total(await actualCounts(two.storeId))).toBe(8);
  });
});

describe("rollups of the default store", () => {
  it("follow statements written with the bootstrap credential", async () => {
    await postAll(variedStatements(9), "2.0.0");
    await expectConsistent(await testStoreId());
  });
});
