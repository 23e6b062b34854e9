// Two stores on one LRS behave as two LRSs: a credential of store B never sees, changes, voids, conflicts
// with or lists anything of store A — statements, attachments, documents, activities, agents.
import { describe, expect, it } from "vitest";
import { VERSIONS } from "../helpers";
import { storeWithCredential, xapiAs, type TestCredential } from "../admin/admin-helpers";
import { attachmentFor, multipartBody, partFor } from "../xapi/statements/attachments/multipart";

type Json = Record<string, unknown>;
type Result = { statements: Json[]; more: string };

const LEARNER = { objectType: "Agent", name: "Ada in store A", mbox: "mailto:ada@example.com" };
const VERB = { id: "http://adlnet.gov/expapi/verbs/answered", display: { "en-US": "answered in A" } };
const REGISTRATION = "3b7d1c6a-7a4e-4d9f-9c55-2a6f4e0b1d2c";

function activity(id: string): Json {
  return { objectType: "Activity", id, definition: { name: { "en-US": "Store A's secret quiz" } } };
}

async function seedStoreA(version: string) {
  const a = await storeWithCredential("Store A");
  const b = await storeWithCredential("Store B");
  const activityId = `http://example.com/activities/${crypto.randomUUID()}`;
  const content = "store A's attachment";
  const attachment = await attachmentFor(content);
  const statements = [0, 1, 2].map(() => ({
    id: crypto.randomUUID(),
    actor: LEARNER,
    verb: VERB,
    object: activity(activityId),
    context: { registration: REGISTRATION },
    attachments: [attachment],
  }));
  const body = multipartBody(statements, [await partFor(content)]);
  const res = await xapiAs(a, "/statements", {
    method: "POST",
    version,
    body,
    headers: { "Content-Type": "multipart/mixed; boundary=-------314159265358979323846" },
  });
  expect(res.status).toBe(200);
  const documents = {
    state: `/activities/state?${new URLSearchParams({ activityId, agent: JSON.stringify(LEARNER), stateId: "progress", registration: REGISTRATION })}`,
    activityProfile: `/activities/profile?${new URLSearchParams({ activityId, profileId: "settings" })}`,
    agentProfile: `/agents/profile?${new URLSearchParams({ agent: JSON.stringify(LEARNER), profileId: "prefs" })}`,
  };
  for (const path of Object.values(documents)) {
    const put = await xapiAs(a, path, { method: "POST", version, json: { owner: "A" } });
    expect(put.status, `${path}: ${await put.clone().text()}`).toBe(204);
  }
  return { a, b, activityId, statements, attachment, documents };
}

async function queryAs(credential: TestCredential, version: string, params: Record<string, string> = {}): Promise<Result> {
  const res = await xapiAs(credential, `/statements?${new URLSearchParams(params)}`, { version });
  expect(res.status).toBe(200);
  return (await res.json()) as Result;
}

describe.each(VERSIONS)("store isolation (%s)", (version) => {
  it("hides store A's statements from store B, by id and under every filter", async () => {
    const { b, activityId, statements } = await seedStoreA(version);
    const id = statements[0]!.id as string;
    expect((await xapiAs(b, `/statements?statementId=${id}`, { version })).status).toBe(404);
    expect((await xapiAs(b, `/statements?voidedStatementId=${id}`, { version })).status).toBe(404);
    const filters: Record<string, string>[] = [
      {},
      { agent: JSON.stringify({ mbox: LEARNER.mbox }) },
      { agent: JSON.stringify({ mbox: LEARNER.mbox }), related_agents: "true" },
      { verb: VERB.id },
      { activity: activityId },
      { activity: activityId, related_activities: "true" },
      { registration: REGISTRATION },
      { attachments: "false", format: "ids" },
    ];
    for (const params of filters) {
      expect((await queryAs(b, version, params)).statements, JSON.stringify(params)).toEqual([]);
    }
  });

  it("does not let store B follow store A's more link", async () => {
    const { a, b, statements } = await seedStoreA(version);
    const page = await queryAs(a, version, { limit: "1" });
    expect(page.more).not.toBe("");
    const res = await xapiAs(b, page.more.replace(/^\/xapi/, ""), { version });
    const text = await res.text();
    for (const s of statements) expect(text).not.toContain(s.id as string);
  });

  it("lets store B use the same statement ids without conflict and cannot void store A's statements", async () => {
    const { a, b, statements } = await seedStoreA(version);
    const target = statements[0]!.id as string;
    const sameId = { id: statements[1]!.id, actor: { mbox: "mailto:bob@example.com" }, verb: VERB, object: { id: "http://example.com/b" } };
    expect((await xapiAs(b, "/statements", { method: "POST", version, json: sameId })).status).toBe(200);
    const voiding = {
      actor: { mbox: "mailto:bob@example.com" },
      verb: { id: "http://adlnet.gov/expapi/verbs/voided" },
      object: { objectType: "StatementRef", id: target },
    };
    expect((await xapiAs(b, "/statements", { method: "POST", version, json: voiding })).status).toBe(200);

    expect((await xapiAs(a, `/statements?statementId=${target}`, { version })).status).toBe(200);
    const ownCopy = (await (await xapiAs(a, `/statements?statementId=${statements[1]!.id}`, { version })).json()) as Json;
    expect(ownCopy.actor).toMatchObject({ mbox: LEARNER.mbox });
  });

  it("keeps attachments per store: B cannot read A's and must send its own content", async () => {
    const { b, attachment } = await seedStoreA(version);
    const withoutContent = { actor: { mbox: "mailto:bob@example.com" }, verb: VERB, object: { id: "http://example.com/b" }, attachments: [attachment] };
    expect((await xapiAs(b, "/statements", { method: "POST", version, json: withoutContent })).status).toBe(400);
    const res = await xapiAs(b, "/statements?attachments=true", { version });
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain("store A's attachment");
  });

  it("hides store A's documents from store B, and B's writes and deletes never touch them", async () => {
    const { a, b, activityId, documents } = await seedStoreA(version);
    for (const path of Object.values(documents)) {
      expect((await xapiAs(b, path, { version })).status, path).toBe(404);
    }
    const stateList = `/activities/state?${new URLSearchParams({ activityId, agent: JSON.stringify(LEARNER) })}`;
    expect(await (await xapiAs(b, stateList, { version })).json()).toEqual([]);
    expect(await (await xapiAs(b, `/activities/profile?${new URLSearchParams({ activityId })}`, { version })).json()).toEqual([]);
    expect(await (await xapiAs(b, `/agents/profile?${new URLSearchParams({ agent: JSON.stringify(LEARNER) })}`, { version })).json()).toEqual([]);

    for (const path of Object.values(documents)) {
      expect((await xapiAs(b, path, { method: "POST", version, json: { owner: "B" } })).status).toBe(204);
      expect((await xapiAs(b, path, { method: "DELETE", version })).status).toBe(204);
    }
    expect((await xapiAs(b, stateList, { method: "DELETE", version })).status).toBe(204);
    for (const path of Object.values(documents)) {
      expect(await (await xapiAs(a, path, { version })).json(), path).toEqual({ owner: "A" });
    }
  });

  it("keeps activity definitions and agents' names per store", async () => {
    const { a, b, activityId } = await seedStoreA(version);
    const activityPath = `/activities?${new URLSearchParams({ activityId })}`;
    const seenByA = (await (await xapiAs(a, activityPath, { version })).json()) as Json;
    expect(JSON.stringify(seenByA)).toContain("Store A's secret quiz");
    const seenByB = await xapiAs(b, activityPath, { version });
    expect(await seenByB.text()).not.toContain("Store A's secret quiz");

    const agentPath = `/agents?${new URLSearchParams({ agent: JSON.stringify({ mbox: LEARNER.mbox }) })}`;
    expect(await (await xapiAs(a, agentPath, { version })).json()).toMatchObject({ name: [LEARNER.name] });
    expect(await (await xapiAs(b, agentPath, { version })).text()).not.toContain(LEARNER.name);
  });
});
