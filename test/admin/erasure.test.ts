// GDPR erasure: the agent leaves no trace in the store (statements, index, documents, attachments it alone
// referenced, the Agents resource), everything else stays exactly as it was, and the audit log names no one.
// Case variants and SHA-1 sums of an mbox: ./erasure-matching.test.ts; counts before confirming: ./erasure-preview.test.ts.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eraseAgent } from "../../src/admin/erasure";
import { StepBudget } from "../../src/jobs/step-budget";
import { attachmentFor, multipartBody, partFor } from "../xapi/statements/attachments/multipart";
import { admin, adminJson, runJob, storeWithCredential, xapiAs, type TestCredential } from "./admin-helpers";

const TARGET = { objectType: "Agent", name: "Tess Target", mbox: "mailto:tess.target@example.com" };
const TARGET_KEY = "mbox:mailto:tess.target@example.com";
const OTHER = { objectType: "Agent", name: "Otto Other", mbox: "mailto:otto@example.com" };
const VERB = { id: "http://adlnet.gov/expapi/verbs/experienced" };
const ACTIVITY = { objectType: "Activity", id: "http://example.com/activities/erasure" };
const TRACES = ["tess.target", "Tess Target"];

type Fixture = { credential: TestCredential; ids: Record<string, string>; shaOnlyTarget: string; shaShared: string };

async function seed(): Promise<Fixture> {
  const credential = await storeWithCredential("Erasure");
  const id = () => crypto.randomUUID();
  const ids: Record<string, string> = {
    byTarget: id(),
    aboutTarget: id(),
    targetInGroup: id(),
    refToTarget: id(),
    sharedAttachment: id(),
    targetAsInstructor: id(),
    unrelated: id(),
  };
  const onlyTarget = "only the target's statement has this";
  const shared = "both the target's and another statement have this";
  const [onlyTargetAttachment, sharedAttachment] = [await attachmentFor(onlyTarget), await attachmentFor(shared)];
  const withAttachments = [
    { id: ids.byTarget, actor: TARGET, verb: VERB, object: ACTIVITY, attachments: [onlyTargetAttachment, sharedAttachment] },
    { id: ids.sharedAttachment, actor: OTHER, verb: VERB, object: ACTIVITY, attachments: [sharedAttachment] },
  ];
  const body = multipartBody(withAttachments, [await partFor(onlyTarget), await partFor(shared)]);
  const multipart = await xapiAs(credential, "/statements", {
    method: "POST",
    body,
    headers: { "Content-Type": "multipart/mixed; boundary=-------314159265358979323846" },
  });
  expect(multipart.status).toBe(200);
  const plain = [
    { id: ids.aboutTarget, actor: OTHER, verb: VERB, object: TARGET },
    { id: ids.targetInGroup, actor: { objectType: "Group", name: "Team", member: [OTHER, TARGET] }, verb: VERB, object: ACTIVITY },
    { id: ids.refToTarget, actor: OTHER, verb: VERB, object: { objectType: "StatementRef", id: ids.byTarget } },
    { id: ids.targetAsInstructor, actor: OTHER, verb: VERB, object: ACTIVITY, context: { instructor: TARGET } },
    { id: ids.unrelated, actor: OTHER, verb: VERB, object: ACTIVITY },
  ];
  expect((await xapiAs(credential, "/statements", { method: "POST", json: plain })).status).toBe(200);

  for (const [path, agent] of [
    ["/activities/state", TARGET],
    ["/activities/state", OTHER],
  ] as const) {
    const query = new URLSearchParams({ activityId: ACTIVITY.id, agent: JSON.stringify(agent), stateId: "bookmark" });
    expect((await xapiAs(credential, `${path}?${query}`, { method: "PUT", json: { page: 3 } })).status).toBe(204);
  }
  for (const agent of [TARGET, OTHER]) {
    const query = new URLSearchParams({ agent: JSON.stringify(agent), profileId: "preferences" });
    expect((await xapiAs(credential, `/agents/profile?${query}`, { method: "PUT", json: { theme: "dark" } })).status).toBe(204);
  }
  return {
    credential,
    ids,
    shaOnlyTarget: onlyTargetAttachment.sha2 as string,
    shaShared: sharedAttachment.sha2 as string,
  };
}

async function statementStatus(credential: TestCredential, id: string | undefined): Promise<number> {
  return (await xapiAs(credential, `/statements?statementId=${id}`)).status;
}

/** Every text column of every learner-data table of the store that mentions the target. */
async function tracesIn(storeId: string): Promise<string[]> {
  const found: string[] = [];
  const columns: Record<string, string[]> = {
    statements: ["statement"],
    index_values: ["value"],
    agents: ["agent_key", "identifier", "names"],
    documents: ["agent_key"],
  };
  for (const [table, names] of Object.entries(columns)) {
    for (const column of names) {
      for (const trace of TRACES) {
        const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE store_id = ? AND instr(${column}, ?) > 0`)
          .bind(storeId, trace)
          .first<{ n: number }>();
        if (row!.n > 0) found.push(`${table}.${column}: ${trace} x${row!.n}`);
      }
    }
  }
  return found;
}

async function r2Keys(storeId: string): Promise<string[]> {
  const rows = await env.DB.prepare(
    "SELECT r2_key FROM documents WHERE store_id = ?1 UNION ALL SELECT r2_key FROM attachments WHERE store_id = ?1",
  )
    .bind(storeId)
    .all<{ r2_key: string }>();
  return rows.results.map((row) => row.r2_key);
}

const erase = (storeId: string, body: unknown) => runJob(`/stores/${storeId}/erase-agent`, { method: "POST", json: body });

describe("erasure of an agent", () => {
  it("by default removes statements mentioning the agent anywhere, leaving no trace at all", async () => {
    const { credential, ids } = await seed();
    const result = await erase(credential.storeId, { agent: { mbox: TARGET.mbox } });
    expect(result).toMatchObject({
      kind: "agent-erasure",
      state: "succeeded",
      counts: { statements: 5, documents: 2, attachments: 1, agents: 1 },
      done: 5,
      total: 5,
      result: { erased: { statements: 5, documents: 2, attachments: 1, agents: 1 } },
    });
    for (const id of [ids.byTarget, ids.aboutTarget, ids.targetInGroup, ids.refToTarget, ids.targetAsInstructor]) {
      expect(await statementStatus(credential, id), id).toBe(404);
    }
    expect(await tracesIn(credential.storeId)).toEqual([]);
    // Every index row of an erased statement went with it, not only the person's (the others name activities, verbs).
    const orphans = await env.DB.prepare(
      "SELECT count(*) AS n FROM index_entries e WHERE NOT EXISTS (SELECT 1 FROM statements s WHERE s.seq = e.seq)",
    ).first<{ n: number }>();
    expect(orphans!.n).toBe(0);
    expect(await statementStatus(credential, ids.unrelated)).toBe(200);
    expect(await statementStatus(credential, ids.sharedAttachment)).toBe(200);
  });

  it("with related false removes only statements with the agent as actor, object or group member, and those referring to them", async () => {
    const { credential, ids } = await seed();
    const result = await erase(credential.storeId, { agent: { mbox: TARGET.mbox }, related: false });
    expect(result).toMatchObject({ state: "succeeded", counts: { statements: 4, documents: 2, attachments: 1, agents: 1 }, total: 4 });

    for (const id of [ids.byTarget, ids.aboutTarget, ids.targetInGroup, ids.refToTarget]) {
      expect(await statementStatus(credential, id), id).toBe(404);
    }
    for (const id of [ids.sharedAttachment, ids.targetAsInstructor, ids.unrelated]) {
      expect(await statementStatus(credential, id), id).toBe(200);
    }
    const byAgent = await xapiAs(credential, `/statements?agent=${encodeURIComponent(JSON.stringify({ mbox: TARGET.mbox }))}`);
    expect(((await byAgent.json()) as { statements: unknown[] }).statements).toEqual([]);
    // Only the statement naming the agent as instructor is left.
    expect(await tracesIn(credential.storeId)).toEqual([
      "statements.statement: tess.target x1",
      "statements.statement: Tess Target x1",
      "index_values.value: tess.target x1",
    ]);
  });

  it("removes the agent's documents and the attachments only its statements referenced, R2 bodies included", async () => {
    const { credential, shaOnlyTarget, shaShared } = await seed();
    const keysBefore = await r2Keys(credential.storeId);
    await erase(credential.storeId, { agent: TARGET });
    const keysAfter = await r2Keys(credential.storeId);
    expect(keysAfter).toHaveLength(keysBefore.length - 3);
    for (const key of keysBefore.filter((k) => !keysAfter.includes(k))) expect(await env.BLOBS.head(key)).toBeNull();
    for (const key of keysAfter) expect((await env.BLOBS.head(key))?.key).toBe(key);

    const attachments = await env.DB.prepare("SELECT sha2 FROM attachments WHERE store_id = ?").bind(credential.storeId).all<{ sha2: string }>();
    expect(attachments.results.map((r) => r.sha2)).toEqual([shaShared]);
    expect(shaOnlyTarget).not.toBe(shaShared);

    const state = (agent: unknown) =>
      `/activities/state?${new URLSearchParams({ activityId: ACTIVITY.id, agent: JSON.stringify(agent), stateId: "bookmark" })}`;
    const profile = (agent: unknown) => `/agents/profile?${new URLSearchParams({ agent: JSON.stringify(agent), profileId: "preferences" })}`;
    expect((await xapiAs(credential, state(TARGET))).status).toBe(404);
    expect((await xapiAs(credential, profile(TARGET))).status).toBe(404);
    expect(await (await xapiAs(credential, state(OTHER))).json()).toEqual({ page: 3 });
    expect(await (await xapiAs(credential, profile(OTHER))).json()).toEqual({ theme: "dark" });
    const person = await xapiAs(credential, `/agents?agent=${encodeURIComponent(JSON.stringify(OTHER))}`);
    expect(await person.json()).toMatchObject({ name: ["Otto Other"] });
  });

  it("leaves other stores untouched", async () => {
    const first = await seed();
    const second = await seed();
    const before = await adminJson(`/stores/${second.credential.storeId}/stats`);
    await erase(first.credential.storeId, { agent: TARGET });
    expect(await adminJson(`/stores/${second.credential.storeId}/stats`)).toEqual(before);
    expect(await statementStatus(second.credential, second.ids.byTarget)).toBe(200);
  });

  it("records the erasure in the audit log without personal data", async () => {
    const { credential } = await seed();
    const job = await erase(credential.storeId, { agent: TARGET, related: false });
    const { entries } = await adminJson<{ entries: { action: string; detail: Record<string, unknown> }[] }>(
      `/stores/${credential.storeId}/audit`,
    );
    const entry = entries.find((e) => e.action === "agent.erase")!;
    expect(entry.detail).toMatchObject({ job: job.id, related: false, erased: { statements: 4, documents: 2, attachments: 1, agents: 1 } });
    const row = await env.DB.prepare("SELECT params FROM jobs WHERE id = ?").bind(job.id).first<{ params: string }>();
    expect(row!.params).toBe("{}");
    expect(entry.detail.subject).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    const log = await env.DB.prepare("SELECT group_concat(detail) AS all_detail FROM audit_log").first<{ all_detail: string }>();
    for (const trace of [...TRACES, "mailto:", "example.com"]) expect(log!.all_detail).not.toContain(trace);
  });

  it("erases in bounded passes that resume where the last stopped", async () => {
    const { credential, ids } = await seed();
    let passes = 0;
    let statements = 0;
    for (;;) {
      passes++;
      const pass = await eraseAgent(env.DB, env, credential.storeId, [TARGET_KEY], { related: false }, new StepBudget(7), {
        statements: 1,
      });
      statements += pass.erased.statements;
      if (pass.done) break;
      expect(passes).toBeLessThan(20);
    }
    expect(statements).toBe(4);
    expect(passes).toBeGreaterThan(2);
    expect(await statementStatus(credential, ids.unrelated)).toBe(200);
  });

  it("erases documents of many activities a bounded number of writer calls per pass", async () => {
    const credential = await storeWithCredential("Erasure documents");
    for (let i = 0; i < 7; i++) {
      const query = new URLSearchParams({ activityId: `${ACTIVITY.id}/${i}`, agent: JSON.stringify(TARGET), stateId: "s" });
      expect((await xapiAs(credential, `/activities/state?${query}`, { method: "PUT", json: { i } })).status).toBe(204);
    }
    let passes = 0;
    let documents = 0;
    for (;;) {
      passes++;
      const pass = await eraseAgent(env.DB, env, credential.storeId, [TARGET_KEY], { related: true }, new StepBudget(6));
      documents += pass.erased.documents;
      if (pass.done) break;
      expect(passes).toBeLessThan(20);
    }
    expect(documents).toBe(7);
    expect(passes).toBeGreaterThan(2);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM documents WHERE store_id = ?").bind(credential.storeId).first<{ n: number }>();
    expect(left!.n).toBe(0);
  });

  it("runs as a job of several bounded steps when one step cannot do it all", async () => {
    const credential = await storeWithCredential("Erasure steps");
    // One writer call per document set: 45 sets need more than one step's 40 calls.
    for (let i = 0; i < 45; i++) {
      const query = new URLSearchParams({ activityId: `${ACTIVITY.id}/${i}`, agent: JSON.stringify(TARGET), stateId: "s" });
      expect((await xapiAs(credential, `/activities/state?${query}`, { method: "PUT", json: { i } })).status).toBe(204);
    }
    const job = await erase(credential.storeId, { agent: TARGET });
    expect(job).toMatchObject({ state: "succeeded", counts: { statements: 0, documents: 45, attachments: 0, agents: 0 } });
    expect(job.steps).toBeGreaterThanOrEqual(2);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM documents WHERE store_id = ?").bind(credential.storeId).first<{ n: number }>();
    expect(left!.n).toBe(0);
  }, 60_000);

  it.each([
    [{}],
    [{ agent: { name: "no identifier" } }],
    [{ agent: { mbox: "tess@example.com" } }],
    [{ agent: TARGET, related: "yes" }],
  ])("refuses %j with 400", async (body) => {
    expect((await admin("/stores/default/erase-agent", { method: "POST", json: body })).status).toBe(400);
  });

  it("refuses an agent whose mbox statements refuse (mailto:a,b@example.com) with 400 naming agent.mbox", async () => {
    const res = await admin("/stores/default/erase-agent", { method: "POST", json: { agent: { mbox: "mailto:a,b@example.com" } } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { path: string } }).error.path).toBe("agent.mbox");
  });

  it("answers 404 for an unknown store", async () => {
    expect((await admin("/stores/nope/erase-agent", { method: "POST", json: { agent: TARGET } })).status).toBe(404);
  });
});
