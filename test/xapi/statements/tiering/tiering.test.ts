// Statement bodies tiered to R2 segments (src/statement-store/tiering): after the tiering job, every reader
// answers exactly as before (GET by id, every query shape, `more` across the tiered/untiered boundary, voiding,
// attachments=true, duplicates, export), erasure rewrites the segments it touches (no orphan, no erased byte
// left), and a tiered row keeps at most 400 bytes in D1.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { batchFrom, batchStatements, readBatch } from "../../../../src/forwarding/forwarder-batch";
import { StepBudget } from "../../../../src/jobs/step-budget";
import { sweepOrphanAttachments, type SweepCursor } from "../../../../src/xapi/statements/attachments/orphan-sweep";
import { putSegment } from "../../../../src/statement-store/tiering/segments";
import strictWorker from "../../../strict/strict-worker";
import { type TieringCursor, tierStatements } from "../../../../src/statement-store/tiering/tier-statements";
import { admin, adminJson, createCredential, runJob, waitForJob, storeWithCredential, type TestCredential, xapiAs } from "../../../admin/admin-helpers";
import { aggregate } from "../../../rollups/aggregator";
import { attachmentFor, decoder, multipartBody, parseMultipartResponse, partFor, BOUNDARY } from "../attachments/multipart";

type Json = Record<string, unknown>;
const VERBS = ["http://adlnet.gov/expapi/verbs/experienced", "http://adlnet.gov/expapi/verbs/completed"];
const REGISTRATIONS = ["6f6ab1c4-8a1e-4d4e-9a43-1d1c2f0b7a01", "0d9e0c1b-5b7a-4f6e-8d0c-2a7b9e1f3c02"];

/** Statement i of a varied population: 3 learners, 2 verbs, 4 activities, 2 registrations, scores. */
function statement(i: number): Json {
  return {
    id: crypto.randomUUID(),
    actor: { mbox: `mailto:learner${i % 3}@example.com`, name: `Learner ${i % 3}` },
    verb: { id: VERBS[i % 2], display: { "en-US": i % 2 ? "completed" : "experienced" } },
    object: { id: `http://example.com/activities/${i % 4}`, definition: { name: { "en-US": `Activity ${i % 4} ✓` } } },
    result: { score: { scaled: (i % 10) / 10 }, completion: i % 2 === 1, success: i % 3 === 0 },
    context: { registration: REGISTRATIONS[i % 2], contextActivities: { parent: [{ id: "http://example.com/courses/c" }] } },
  };
}

async function post(credential: TestCredential, body: unknown): Promise<string[]> {
  const res = await xapiAs(credential, "/statements", { method: "POST", json: body });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as string[];
}

async function getJson(credential: TestCredential, path: string): Promise<Json> {
  const res = await xapiAs(credential, path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as Json;
}

/** Every statement a query returns, following `more` to the end; the number of pages too. */
async function allPages(credential: TestCredential, query: string): Promise<{ statements: Json[]; pages: number }> {
  const statements: Json[] = [];
  let pages = 0;
  let path = `/statements?${query}`;
  for (;;) {
    const page = (await getJson(credential, path)) as { statements: Json[]; more: string };
    pages++;
    statements.push(...page.statements);
    if (!page.more) return { statements, pages };
    path = page.more.replace(/^\/xapi/, "");
  }
}

async function tierNow(credential: TestCredential): Promise<Json> {
  await aggregate(credential.storeId);
  expect((await admin(`/stores/${credential.storeId}/tiering`, { method: "PUT", json: { tierAfterDays: 0 } })).status).toBe(200);
  return (await runJob(`/stores/${credential.storeId}/jobs`, { method: "POST", json: { kind: "statement-tiering" } })) as unknown as Json;
}

const tieredRows = async (storeId: string, db: D1Database = env.DB) =>
  (await db.prepare(`SELECT count(*) AS n FROM statements WHERE store_id = ? AND statement LIKE '{"$segment":%'`).bind(storeId).first<{ n: number }>())!.n;
const segmentObjects = async (storeId: string) => (await env.BLOBS.list({ prefix: `segments/${storeId}/` })).objects.map((o) => o.key).sort();
const segmentRows = async (storeId: string, db: D1Database = env.DB) =>
  (await db.prepare("SELECT r2_key FROM statement_segments WHERE store_id = ? ORDER BY r2_key").bind(storeId).all<{ r2_key: string }>()).results.map((r) => r.r2_key);

const QUERIES = [
  "",
  "ascending=true",
  "limit=7",
  `agent=${encodeURIComponent(JSON.stringify({ mbox: "mailto:learner1@example.com" }))}`,
  `verb=${encodeURIComponent(VERBS[1]!)}`,
  `activity=${encodeURIComponent("http://example.com/activities/2")}`,
  `activity=${encodeURIComponent("http://example.com/courses/c")}&related_activities=true&ascending=true`,
  `registration=${REGISTRATIONS[0]}`,
  `agent=${encodeURIComponent(JSON.stringify({ mbox: "mailto:learner0@example.com" }))}&verb=${encodeURIComponent(VERBS[0]!)}&limit=3`,
  "format=ids&limit=5",
  "format=canonical",
];

/** Statements without a result, or with part of one: their tiered rows keep fewer rollup keys (tiered-row.ts). */
function partial(i: number, result?: Json): Json {
  const { result: _, ...rest } = statement(i);
  return result ? { ...rest, result } : rest;
}
const PARTIAL = [partial(100), partial(101, { completion: true }), partial(102, { score: { scaled: 0.5 } }), partial(103, { success: false })];

const STRAY = 9_007_199_254_740_000;

describe("statement bodies tiered to R2", () => {
  it("answers every query shape, GET by id and `more` across the boundary exactly as before tiering", async () => {
    const credential = await storeWithCredential("Tiering reads");
    const ids = await post(credential, Array.from({ length: 24 }, (_, i) => statement(i)));
    const sinceIso = new Date(Date.now() - 60_000).toISOString();
    const queries = [...QUERIES, `since=${encodeURIComponent(sinceIso)}&ascending=true&limit=5`, `until=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&limit=9`];
    const before = new Map<string, Json[]>();
    for (const q of queries) before.set(q, (await allPages(credential, q)).statements);
    const byIdBefore = await getJson(credential, `/statements?statementId=${ids[5]}`);

    const job = await tierNow(credential);
    expect(job).toMatchObject({ kind: "statement-tiering", state: "succeeded", counts: { statements: 24, segments: 1 } });
    expect(await tieredRows(credential.storeId)).toBe(24);
    expect(await segmentObjects(credential.storeId)).toEqual(await segmentRows(credential.storeId));

    for (const q of queries) expect((await allPages(credential, q)).statements, q).toEqual(before.get(q));
    expect(await getJson(credential, `/statements?statementId=${ids[5]}`)).toEqual(byIdBefore);

    // Untiered statements after the tiered ones: pages of 5 cross the boundary both ways.
    const later = await post(credential, Array.from({ length: 8 }, (_, i) => statement(100 + i)));
    const descending = await allPages(credential, "limit=5");
    expect(descending.statements.map((s) => s.id)).toEqual([...ids, ...later].reverse());
    const ascending = await allPages(credential, "limit=5&ascending=true");
    expect(ascending.statements.map((s) => s.id)).toEqual([...ids, ...later]);
    expect(ascending.statements.slice(0, 24)).toEqual(before.get("ascending=true"));
    // A tiered statement sent again unchanged is accepted (compared with its body in R2); changed, it conflicts.
    const [again] = (before.get("ascending=true") as Json[]).slice(3, 4);
    const resend = { ...statement(3), id: again!.id } as Json;
    expect(await post(credential, resend)).toEqual([again!.id]);
    expect((await xapiAs(credential, "/statements", { method: "POST", json: { ...resend, actor: { mbox: "mailto:other@example.com" } } })).status).toBe(409);
  });

  it("serves the statements of many segments in a page with at most 6 ranged reads, `more` going on from there", { timeout: 60_000 }, async () => {
    const credential = await storeWithCredential("Tiering many segments");
    const ids = await post(credential, Array.from({ length: 80 }, (_, i) => statement(i)));
    const before = await allPages(credential, "");
    await aggregate(credential.storeId);
    // Segments of 2 statements (the job writes up to 500): 40 segments, so a page of 80 needs 40 reads.
    const totals = { tiered: 0, segments: 0, steps: 0 };
    let cursor: TieringCursor | null = null;
    for (let finished = false; !finished; totals.steps++) {
      const step = await tierStatements(env.DB, env.BLOBS, credential.storeId, Date.now() + 1000, cursor, new StepBudget(), 2);
      Object.assign(totals, { tiered: totals.tiered + step.tiered, segments: totals.segments + step.segments });
      ({ cursor, finished } = step);
    }
    // A step's 40 calls hold 7 or 8 segments of 5 calls each (read, id, put, batch, and a delete kept in reserve).
    expect(totals).toEqual({ tiered: 80, segments: 40, steps: 6 });
    const after = await allPages(credential, "");
    expect(after.statements).toEqual(before.statements);
    expect(after.statements.map((s) => s.id)).toEqual([...ids].reverse());
    // 6 segments of 2 per page (statement-page.ts SEGMENT_READS_PER_QUERY_PAGE): six pages of 12, then 8.
    expect(after.pages).toBe(7);
    const first = (await getJson(credential, "/statements")) as { statements: Json[] };
    expect(first.statements).toHaveLength(12);
  });

  it("accepts a re-sent batch whose tiered bodies lie in up to 32 segments; refuses one in more and writes nothing", { timeout: 60_000 }, async () => {
    const credential = await storeWithCredential("Tiering re-sent");
    const sent = Array.from({ length: 80 }, (_, i) => statement(i));
    await post(credential, sent);
    await aggregate(credential.storeId);
    let cursor: TieringCursor | null = null;
    for (let finished = false; !finished; ) {
      ({ cursor, finished } = await tierStatements(env.DB, env.BLOBS, credential.storeId, Date.now() + 1000, cursor, new StepBudget(), 2));
    }
    expect(await tieredRows(credential.storeId)).toBe(80);
    const count = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM statements WHERE store_id = ?").bind(credential.storeId).first<{ n: number }>())!.n;
    // 40 statements in 20 segments of 2: more reads than an attachments request may make (8), within a plain one's.
    const resent = [...sent.slice(0, 40), statement(1000)];
    expect(await post(credential, resent)).toEqual(resent.map((s) => s.id));
    expect(await count()).toBe(81);
    // A changed body among them is still found (1.0.3 Communication 2.1.2: 409 Conflict).
    const changed = { ...sent[39]!, result: { score: { scaled: 0.99 } } };
    expect((await xapiAs(credential, "/statements", { method: "POST", json: [...sent.slice(0, 39), changed] })).status).toBe(409);
    // All 80: 40 segments, over the 32 reads a request may make; the new statement in the batch is not written.
    const tooMany = await xapiAs(credential, "/statements", { method: "POST", json: [...sent, statement(1001)] });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { path?: string } }).error.path).toBe("id");
    expect(await count()).toBe(81);
  });

  it("voids a tiered statement, keeps the rollups as an untiered store's, and a rebuild recounts them the same", async () => {
    const tiered = await storeWithCredential("Tiering voiding");
    const plain = await storeWithCredential("Tiering voiding, untiered twin");
    const population = [...Array.from({ length: 12 }, (_, i) => statement(i)), ...PARTIAL];
    const ids = await post(tiered, population);
    await post(plain, population);
    await tierNow(tiered);
    await aggregate(plain.storeId);
    const voiding = (target: string) => ({
      id: crypto.randomUUID(),
      actor: { mbox: "mailto:admin@example.com" },
      verb: { id: "http://adlnet.gov/expapi/verbs/voided" },
      object: { objectType: "StatementRef", id: target },
    });
    const original = await getJson(tiered, `/statements?statementId=${ids[4]}`);
    const v = voiding(ids[4]!);
    await post(tiered, v);
    await post(plain, v);
    expect((await xapiAs(tiered, `/statements?statementId=${ids[4]}`)).status).toBe(404);
    expect(await getJson(tiered, `/statements?voidedStatementId=${ids[4]}`)).toEqual(original);
    expect((await allPages(tiered, "")).statements.map((s) => s.id)).not.toContain(ids[4]);
    // A tiered statement without a result (3 keys kept) and one with only a score (4), voided too.
    for (const target of [ids[12]!, ids[14]!]) {
      const again = voiding(target);
      await post(tiered, again);
      await post(plain, again);
    }
    await aggregate(tiered.storeId);
    await aggregate(plain.storeId);
    expect(await rollupFigures(tiered.storeId)).toEqual(await rollupFigures(plain.storeId));
    expect(await runJob(`/stores/${tiered.storeId}/jobs`, { method: "POST", json: { kind: "rollup-rebuild" } })).toMatchObject({ state: "succeeded" });
    expect(await rollupFigures(tiered.storeId)).toEqual(await rollupFigures(plain.storeId));
  });

  it("answers attachments=true on a tiered statement with its attachment", async () => {
    const credential = await storeWithCredential("Tiering attachments");
    const content = `tiered attachment ${crypto.randomUUID()}`;
    const id = crypto.randomUUID();
    const body = multipartBody({ ...statement(1), id, attachments: [await attachmentFor(content)] }, [await partFor(content)]);
    const posted = await xapiAs(credential, "/statements", { method: "POST", body, headers: { "Content-Type": `multipart/mixed; boundary=${BOUNDARY}` } });
    expect(posted.status, await posted.clone().text()).toBe(200);
    const before = await readParts(await xapiAs(credential, `/statements?statementId=${id}&attachments=true`));
    const pageBefore = await readParts(await xapiAs(credential, "/statements?attachments=true"));
    await tierNow(credential);
    expect(await tieredRows(credential.storeId)).toBe(1);
    const after = await readParts(await xapiAs(credential, `/statements?statementId=${id}&attachments=true`));
    expect(after).toEqual(before);
    expect(after.map((p) => p.text)[1]).toBe(content);
    expect(JSON.parse(after[0]!.text).id).toBe(id);
    const pageAfter = await readParts(await xapiAs(credential, "/statements?attachments=true"));
    expect(pageAfter.map((p) => p.text)).toEqual(pageBefore.map((p) => p.text));
  });

  it("exports tiered statements whole", async () => {
    const credential = await storeWithCredential("Tiering export");
    await post(credential, Array.from({ length: 10 }, (_, i) => statement(i)));
    const expected = (await allPages(credential, "ascending=true")).statements;
    await tierNow(credential);
    const job = await runJob(`/stores/${credential.storeId}/jobs`, { method: "POST", json: { kind: "statement-export" } });
    expect(job).toMatchObject({ state: "succeeded", counts: { statements: 10 } });
    const text = await (await admin(`/stores/${credential.storeId}/jobs/${job.id}/download`)).text();
    expect(text.trimEnd().split("\n").map((line) => JSON.parse(line))).toEqual(expected);
  });

  it("erasure rewrites the segments it touches: new object, old one gone, no orphan, the rest still served", async () => {
    const credential = await storeWithCredential("Tiering erasure");
    const ids = await post(credential, Array.from({ length: 12 }, (_, i) => statement(i)));
    const before = (await allPages(credential, "ascending=true")).statements;
    await tierNow(credential);
    const [oldKey] = await segmentObjects(credential.storeId);
    const erased = await runJob(`/stores/${credential.storeId}/erase-agent`, { method: "POST", json: { agent: { mbox: "mailto:learner1@example.com" } } });
    expect(erased).toMatchObject({ state: "succeeded", counts: { statements: 4 } });
    const keys = await segmentObjects(credential.storeId);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toBe(oldKey);
    expect(keys).toEqual(await segmentRows(credential.storeId));
    const object = await env.BLOBS.get(keys[0]!);
    const bytes = await object!.text();
    expect(bytes).not.toContain("learner1@example.com");
    expect(bytes).toContain("learner2@example.com");
    const kept = before.filter((s) => (s.actor as Json).mbox !== "mailto:learner1@example.com");
    expect((await allPages(credential, "ascending=true")).statements).toEqual(kept);
    expect(kept).toHaveLength(8);
    expect((await xapiAs(credential, `/statements?statementId=${ids[1]}`)).status).toBe(404);
    expect(await getJson(credential, `/statements?statementId=${ids[2]}`)).toEqual(before[2]);
    // Everyone erased: the segment goes with its object.
    for (const n of [0, 2]) {
      await runJob(`/stores/${credential.storeId}/erase-agent`, { method: "POST", json: { agent: { mbox: `mailto:learner${n}@example.com` } } });
    }
    expect(await segmentObjects(credential.storeId)).toEqual([]);
    expect(await segmentRows(credential.storeId)).toEqual([]);
  });

  it("hands a forwarder its tiered statements whole, in seq order, across the boundary", async () => {
    const credential = await storeWithCredential("Tiering forwarding");
    await post(credential, Array.from({ length: 6 }, (_, i) => statement(i)));
    await tierNow(credential);
    await post(credential, Array.from({ length: 3 }, (_, i) => statement(50 + i)));
    const expected = (await allPages(credential, "ascending=true")).statements;
    const source = { storeId: credential.storeId, filter: "{}", batchSize: 4, positionSeq: 0 };
    // The batch read beside a cursor write cannot fetch bodies: it leaves the tiered page to readBatch.
    const [page, head] = await env.DB.batch(batchStatements(env.DB, source));
    expect(batchFrom(source, page!, head!)).toBeUndefined();
    const first = await readBatch(env.DB, source);
    expect(first).toMatchObject({ hasMore: true });
    const second = await readBatch(env.DB, { ...source, positionSeq: first.nextPosition });
    const third = await readBatch(env.DB, { ...source, positionSeq: second.nextPosition });
    expect([...first.statements, ...second.statements, ...third.statements]).toEqual(expected);
    expect(third.hasMore).toBe(false);
  });

  it("erases a person whose statements lie in more segments than one step may read", { timeout: 60_000 }, async () => {
    const credential = await storeWithCredential("Tiering erasure, scattered");
    await post(credential, Array.from({ length: 120 }, (_, i) => statement(i)));
    await aggregate(credential.storeId);
    // One statement per segment: learner1's 40 statements need 40 ranged reads, more than a step's 40 calls allow.
    let cursor: TieringCursor | null = null;
    for (let finished = false; !finished; ) {
      ({ cursor, finished } = await tierStatements(env.DB, env.BLOBS, credential.storeId, Date.now() + 1000, cursor, new StepBudget(), 1));
    }
    expect(await segmentRows(credential.storeId)).toHaveLength(120);
    const job = await runJob(`/stores/${credential.storeId}/erase-agent`, { method: "POST", json: { agent: { mbox: "mailto:learner1@example.com" } } });
    expect(job).toMatchObject({ state: "succeeded", counts: { statements: 40 } });
    expect(await segmentRows(credential.storeId)).toHaveLength(80);
    expect(await segmentObjects(credential.storeId)).toEqual(await segmentRows(credential.storeId));
    expect((await allPages(credential, "")).statements).toHaveLength(80);
  });

  it("keeps at most 400 bytes of each tiered statement in D1, and leaves a store setting null alone", async () => {
    const credential = await storeWithCredential("Tiering bytes");
    const ids = await post(credential, [...Array.from({ length: 20 }, (_, i) => statement(i)), ...PARTIAL]);
    const columnBytes = `coalesce(length(CAST(store_id AS BLOB)), 0) + coalesce(length(CAST(id AS BLOB)), 0) + 8
      + coalesce(length(CAST(verb_id AS BLOB)), 0) + 8 + coalesce(length(CAST(voids_id AS BLOB)), 0)
      + coalesce(length(CAST(credential_id AS BLOB)), 0) + coalesce(length(CAST(version AS BLOB)), 0)
      + coalesce(length(CAST(statement AS BLOB)), 0) + 8`;
    const measure = async () =>
      (await env.DB.prepare(`SELECT max(${columnBytes}) AS most, avg(${columnBytes}) AS mean FROM statements WHERE store_id = ?`)
        .bind(credential.storeId).first<{ most: number; mean: number }>())!;
    const untiered = await measure();
    await aggregate(credential.storeId);
    // No setting: the job tiers nothing.
    const idle = await runJob(`/stores/${credential.storeId}/jobs`, { method: "POST", json: { kind: "statement-tiering" } });
    expect(idle).toMatchObject({ state: "succeeded", result: { tiered: false } });
    expect(await tieredRows(credential.storeId)).toBe(0);
    await tierNow(credential);
    expect(await tieredRows(credential.storeId)).toBe(24);
    const tiered = await measure();
    expect(tiered.most).toBeLessThanOrEqual(400);
    // What stays is a pointer and the rollup keys as integers (tiered-row.ts); the verb IRI is among them. The
    // segment's id is the counter's (at most 6 digits here), and keys past the last one the statement has are left off.
    const { results: columns } = await env.DB.prepare("SELECT id, statement, verb_id FROM statements WHERE store_id = ?")
      .bind(credential.storeId).all<{ id: string; statement: string; verb_id: string }>();
    const keys = (id: string) => JSON.parse(columns.find((row) => row.id === id)!.statement).k as unknown[];
    for (const row of columns) {
      expect(row.statement).toMatch(/^\{"\$segment":\[\d{1,6},\d+,\d+\],"k":\[\d+,\d+,\d+(,(\d|null))*\]\}$/);
      expect(row.verb_id).toBe("");
    }
    expect(keys(ids[0]!)).toEqual([expect.any(Number), expect.any(Number), expect.any(Number), 0, 2, 3]);
    expect(ids.slice(20).map((id) => keys(id).length)).toEqual([3, 5, 4, 6]);
    expect(keys(ids[21]!).slice(3)).toEqual([null, 1]);
    expect(keys(ids[22]!).slice(3)).toEqual([5]);
    expect(keys(ids[23]!).slice(3)).toEqual([null, null, 4]);
    expect(tiered.mean).toBeLessThan(untiered.mean);
    console.log(`tiered row bytes: max ${tiered.most}, mean ${tiered.mean.toFixed(0)} (untiered mean ${untiered.mean.toFixed(0)})`);
  });

  it("takes segment ids from the database's counter: in order, never twice, past older segments' random ids", async () => {
    const credential = await storeWithCredential("Tiering segment ids");
    await post(credential, Array.from({ length: 6 }, (_, i) => statement(i)));
    await aggregate(credential.storeId);
    const last = async () => (await env.DB.prepare("SELECT coalesce(max(last), 0) AS n FROM statement_segment_ids").first<{ n: number }>())!.n;
    const start = await last();
    // Segments of the same store made before the counter (random ids), which the counter is about to reach: one
    // alone, then four in a row (each reservation is still one D1 call, which the step's budget counts as one).
    const older = [start + 2, start + 4, start + 5, start + 6, start + 7];
    for (const id of older) {
      await env.DB.prepare(`INSERT INTO statement_segments (id, store_id, r2_key, first_seq, last_seq, statements, bytes, rewrite, created_ms)
        VALUES (?1, ?2, ?3, 0, 0, 1, 15, 0, 0)`).bind(id, credential.storeId, `segments/${credential.storeId}/${id}`).run();
      await env.BLOBS.put(`segments/${credential.storeId}/${id}`, `{"id":"older ${id}"}`);
    }
    const step = await tierStatements(env.DB, env.BLOBS, credential.storeId, Date.now() + 1000, null, new StepBudget(), 2);
    expect(step).toMatchObject({ finished: true, tiered: 6, segments: 3 });
    const { results } = await env.DB.prepare("SELECT id FROM statement_segments WHERE store_id = ? AND first_seq > 0 ORDER BY id")
      .bind(credential.storeId).all<{ id: number }>();
    expect(results.map((row) => row.id)).toEqual([start + 1, start + 3, start + 8]);
    expect(await last()).toBe(start + 8);
    for (const id of older) expect(await (await env.BLOBS.get(`segments/${credential.storeId}/${id}`))!.text()).toBe(`{"id":"older ${id}"}`);
    expect((await allPages(credential, "")).statements).toHaveLength(6);
  });

  it("only tiers statements the rollup aggregator has counted, and refuses a bad setting", async () => {
    const credential = await storeWithCredential("Tiering cursor");
    await post(credential, Array.from({ length: 5 }, (_, i) => statement(i)));
    await env.DB.prepare("INSERT INTO rollup_cursors (store_id, seq) VALUES (?1, 0) ON CONFLICT (store_id) DO UPDATE SET seq = 0").bind(credential.storeId).run();
    const step = await tierStatements(env.DB, env.BLOBS, credential.storeId, Date.now() + 1000, null, new StepBudget());
    expect(step).toMatchObject({ finished: true, tiered: 0, segments: 0 });
    const bad = await admin(`/stores/${credential.storeId}/tiering`, { method: "PUT", json: { tierAfterDays: -1 } });
    expect(bad.status).toBe(400);
    expect((await admin(`/stores/no-such-store/tiering`, { method: "PUT", json: { tierAfterDays: 3 } })).status).toBe(404);
    expect(await adminJson(`/stores/${credential.storeId}/tiering`, { method: "PUT", json: { tierAfterDays: 30 } })).toMatchObject({ tierAfterDays: 30 });
  });
});

describe("tiering's lifecycle", () => {
  it("the daily cron starts one job that tiers every store with a setting, and only those", async () => {
    const due = await storeWithCredential("Tiering by cron");
    const left = await storeWithCredential("Not tiered by cron");
    await post(due, Array.from({ length: 6 }, (_, i) => statement(i)));
    await post(left, Array.from({ length: 6 }, (_, i) => statement(i)));
    await aggregate(due.storeId);
    await aggregate(left.storeId);
    await adminJson(`/stores/${due.storeId}/tiering`, { method: "PUT", json: { tierAfterDays: 0 } });
    const ctx = createExecutionContext();
    await strictWorker.scheduled!(createScheduledController({ cron: "17 3 * * *" }), env as never, ctx);
    await waitOnExecutionContext(ctx);
    const started = await env.DB.prepare("SELECT id FROM jobs WHERE kind = 'statement-tiering' AND store_id = '*'").all<{ id: string }>();
    expect(started.results).toHaveLength(1);
    // Earlier tests of this file left stores with settings too: the job's totals include them.
    expect(await waitForJob("*", started.results[0]!.id)).toMatchObject({ state: "succeeded" });
    expect(await tieredRows(due.storeId)).toBe(6);
    expect(await tieredRows(left.storeId)).toBe(0);
  });

  it("tiers a store placed in another D1 database there, and erases from it", async () => {
    const DB_2 = (env as unknown as { DB_2: D1Database }).DB_2;
    const store = await adminJson<{ id: string }>("/stores", { method: "POST", json: { name: "Tiering in DB_2", database: "DB_2" } });
    const credential = await createCredential(store.id);
    await post(credential, Array.from({ length: 9 }, (_, i) => statement(i)));
    const before = (await allPages(credential, "ascending=true")).statements;
    expect(await tierNow(credential)).toMatchObject({ state: "succeeded", counts: { statements: 9, segments: 1 } });
    expect(await tieredRows(store.id, DB_2)).toBe(9);
    expect(await segmentRows(store.id, DB_2)).toEqual(await segmentObjects(store.id));
    expect(await segmentRows(store.id)).toEqual([]);
    expect((await allPages(credential, "ascending=true")).statements).toEqual(before);
    await runJob(`/stores/${store.id}/erase-agent`, { method: "POST", json: { agent: { mbox: "mailto:learner0@example.com" } } });
    expect((await allPages(credential, "ascending=true")).statements).toEqual(before.filter((s) => (s.actor as Json).mbox !== "mailto:learner0@example.com"));
    expect(await segmentRows(store.id, DB_2)).toEqual(await segmentObjects(store.id));
  });

  it("the orphan sweep deletes segment objects no row names once past the grace period, never a named one", async () => {
    const credential = await storeWithCredential("Tiering sweep");
    await post(credential, Array.from({ length: 4 }, (_, i) => statement(i)));
    await tierNow(credential);
    const named = await segmentRows(credential.storeId);
    // What a run cut off between its R2 write and its D1 batch leaves behind (an id the counter is far from).
    await putSegment(env.BLOBS, credential.storeId, STRAY, new TextEncoder().encode('{"id":"stray"}'));
    const sweep = async (graceMs: number) => {
      let cursor: SweepCursor = { phase: "rows" };
      for (;;) {
        const step = await sweepOrphanAttachments(env.DB, env.BLOBS, credential.storeId, cursor, new StepBudget(5), { graceMs });
        if (step.finished) return;
        cursor = step.cursor;
      }
    };
    await sweep(60_000);
    expect(await segmentObjects(credential.storeId)).toEqual([...named, `segments/${credential.storeId}/${STRAY}`].sort());
    await sweep(-1000);
    expect(await segmentObjects(credential.storeId)).toEqual(named);
    expect((await allPages(credential, "")).statements).toHaveLength(4);
  });
});

async function readParts(res: Response): Promise<{ headers: Record<string, string>; text: string }[]> {
  expect(res.status).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return parseMultipartResponse(res.headers.get("Content-Type")!, bytes).map((p) => ({ headers: p.headers, text: decoder.decode(p.body) }));
}

/** The store's rollup counters, keyed by their parts (dictionary ids differ between stores: resolved to text). */
async function rollupFigures(storeId: string): Promise<Record<string, number>> {
  const { actualCounts } = await import("../../../rollups/expected");
  return actualCounts(storeId);
}
