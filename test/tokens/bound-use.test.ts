// What a launch token may do (issue 16): statements of the bound actor (and registration, activity) only,
// documents of the bound agent (and registration) only, and reads of its own statements only.
import { describe, expect, it } from "vitest";
import { createCredential, createStore, xapiAs } from "../admin/admin-helpers";
import { VERSIONS } from "../helpers";
import { errorOf, issue, issuerIn, statement, xapiWithToken } from "./token-helpers";

const LEARNER = { mbox: "mailto:bound@example.com" };
const OTHER = { mbox: "mailto:other@example.com" };
const COURSE = "http://example.com/course/1";
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe.each(VERSIONS)("a launch token's statements (%s)", (version) => {
  it("accepts the bound actor's statements, with the issuer's authority", async () => {
    const issuer = await issuerIn();
    const { token } = await issue(issuer, { actor: LEARNER });
    const sent = statement({ ...LEARNER, name: "Bound Learner" });
    expect((await xapiWithToken(token, "/statements", { method: "POST", json: sent, version })).status).toBe(200);
    const stored = (await (await xapiAs(issuer, `/statements?statementId=${sent.id}`, { version })).json()) as {
      authority: Record<string, unknown>;
    };
    expect(stored.authority).toEqual({
      objectType: "Agent",
      name: issuer.key,
      account: { homePage: "http://lrs.test", name: issuer.key },
    });
  });

  it("refuses another actor with a 403 naming it, and stores nothing of the batch", async () => {
    const { token } = await issue(await issuerIn(), { actor: LEARNER });
    const batch = [statement(LEARNER), statement(OTHER)];
    const response = await xapiWithToken(token, "/statements", { method: "POST", json: batch, version });
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toEqual({
      status: 403,
      path: "statement[1].actor",
      message: "statement[1].actor: must be the actor the launch token is bound to",
    });
    expect((await xapiWithToken(token, `/statements?statementId=${batch[0]!.id}`, { version })).status).toBe(404);
  });

  it("refuses a Group actor naming the bound agent among its members", async () => {
    const { token } = await issue(await issuerIn(), { actor: LEARNER });
    const group = { objectType: "Group", member: [LEARNER] };
    const response = await xapiWithToken(token, `/statements?statementId=${crypto.randomUUID()}`, {
      method: "PUT",
      json: { ...statement(group), id: undefined },
      version,
    });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).path).toBe("statement.actor");
  });

  it("holds statements to the bound registration", async () => {
    const registration = crypto.randomUUID();
    const { token } = await issue(await issuerIn(), { actor: LEARNER, registration });
    const post = (json: unknown) => xapiWithToken(token, "/statements", { method: "POST", json, version });
    const missing = await post(statement(LEARNER));
    expect(missing.status).toBe(403);
    expect((await errorOf(missing)).path).toBe("statement.context.registration");
    const other = await post(statement(LEARNER, { context: { registration: crypto.randomUUID() } }));
    expect((await errorOf(other)).path).toBe("statement.context.registration");
    // Registrations compare as UUIDs: case does not matter.
    expect((await post(statement(LEARNER, { context: { registration: registration.toUpperCase() } }))).status).toBe(200);
  });

  it("holds statements to the bound activity, as object or context activity", async () => {
    const { token } = await issue(await issuerIn(), { actor: LEARNER, activityId: COURSE });
    const post = (json: unknown) => xapiWithToken(token, "/statements", { method: "POST", json, version });
    const elsewhere = await post(statement(LEARNER, { object: { id: "http://example.com/other" } }));
    expect(elsewhere.status).toBe(403);
    expect(await errorOf(elsewhere)).toEqual({
      status: 403,
      path: "statement.object.id",
      message: "statement.object.id: must be the launch token's activity, or have it among the context activities",
    });
    expect((await post(statement(LEARNER))).status).toBe(200);
    const part = statement(LEARNER, {
      object: { id: "http://example.com/course/1/lesson/2" },
      context: { contextActivities: { parent: [{ id: COURSE }] } },
    });
    expect((await post(part)).status).toBe(200);
  });

  it("may not void, not even its own statements", async () => {
    const { token } = await issue(await issuerIn(), { actor: LEARNER });
    const own = statement(LEARNER);
    expect((await xapiWithToken(token, "/statements", { method: "POST", json: own, version })).status).toBe(200);
    const voiding = statement(LEARNER, {
      verb: { id: "http://adlnet.gov/expapi/verbs/voided" },
      object: { objectType: "StatementRef", id: own.id },
    });
    const response = await xapiWithToken(token, "/statements", { method: "POST", json: voiding, version });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).path).toBe("statement.verb.id");
  });
});

describe.each(VERSIONS)("a launch token's reads (%s)", (version) => {
  it("sees the statements written with it, not its issuer's nor another token's", async () => {
    const issuer = await issuerIn();
    const [a, b] = [await issue(issuer, { actor: LEARNER }), await issue(issuer, { actor: LEARNER })];
    const byIssuer = statement(LEARNER);
    const byA = statement(LEARNER);
    const byB = statement(LEARNER);
    expect((await xapiAs(issuer, "/statements", { method: "POST", json: byIssuer, version })).status).toBe(200);
    expect((await xapiWithToken(a.token, "/statements", { method: "POST", json: byA, version })).status).toBe(200);
    expect((await xapiWithToken(b.token, "/statements", { method: "POST", json: byB, version })).status).toBe(200);

    const idsOf = async (token: string, query = "") =>
      ((await (await xapiWithToken(token, `/statements${query}`, { version })).json()) as { statements: { id: string }[] }).statements.map(
        (s) => s.id,
      );
    expect(await idsOf(a.token)).toEqual([byA.id]);
    expect(await idsOf(b.token)).toEqual([byB.id]);
    expect(await idsOf(a.token, `?${q({ agent: JSON.stringify(LEARNER) })}`)).toEqual([byA.id]);
    expect((await xapiWithToken(a.token, `/statements?statementId=${byIssuer.id}`, { version })).status).toBe(404);
    expect((await xapiWithToken(a.token, `/statements?statementId=${byB.id}`, { version })).status).toBe(404);
    expect((await xapiWithToken(a.token, `/statements?statementId=${byA.id}`, { version })).status).toBe(200);
    // The issuer, reading store-wide, sees all three.
    const all = (await (await xapiAs(issuer, "/statements", { version })).json()) as { statements: { id: string }[] };
    expect(all.statements.map((s) => s.id).sort()).toEqual([byIssuer.id, byA.id, byB.id].sort());
  });

  it("sees nothing of another store, even of the same learner", async () => {
    const inA = await issuerIn();
    const inB = await issuerIn();
    const { token } = await issue(inA, { actor: LEARNER });
    const inStoreB = statement(LEARNER);
    expect((await xapiAs(inB, "/statements", { method: "POST", json: inStoreB, version })).status).toBe(200);
    const state = `/activities/state?${q({ activityId: COURSE, agent: JSON.stringify(LEARNER), stateId: "s" })}`;
    expect((await xapiAs(inB, state, { method: "PUT", json: { b: 1 }, version })).status).toBe(204);
    expect((await xapiWithToken(token, `/statements?statementId=${inStoreB.id}`, { version })).status).toBe(404);
    expect((await xapiWithToken(token, state, { version })).status).toBe(404);
  });

  it("reads the Agents resource only when given a store-wide read scope", async () => {
    const issuer = await issuerIn();
    const path = `/agents?${q({ agent: JSON.stringify(LEARNER) })}`;
    expect((await xapiWithToken((await issue(issuer, { actor: LEARNER })).token, path, { version })).status).toBe(403);
    const reader = await issue(issuer, { actor: LEARNER, scopes: ["statements/read"] });
    expect((await xapiWithToken(reader.token, path, { version })).status).toBe(200);
    // Still only its own statements, though statements/read reads store-wide for a credential.
    const byIssuer = statement(LEARNER);
    expect((await xapiAs(issuer, "/statements", { method: "POST", json: byIssuer, version })).status).toBe(200);
    const listed = (await (await xapiWithToken(reader.token, "/statements", { version })).json()) as { statements: unknown[] };
    expect(listed.statements).toEqual([]);
    expect((await xapiWithToken(reader.token, `/statements?statementId=${byIssuer.id}`, { version })).status).toBe(404);
  });
});

describe.each(VERSIONS)("a launch token's documents (%s)", (version) => {
  const registration = crypto.randomUUID();
  const state = (agent: unknown, extra: Record<string, string> = {}) =>
    `/activities/state?${q({ activityId: COURSE, agent: JSON.stringify(agent), stateId: "bookmark", ...extra })}`;

  it("reads and writes the bound agent's State in the bound registration", async () => {
    const { token } = await issue(await issuerIn(), { actor: LEARNER, registration });
    const path = state(LEARNER, { registration });
    expect((await xapiWithToken(token, path, { method: "PUT", json: { page: 3 }, version })).status).toBe(204);
    const read = await xapiWithToken(token, path, { version });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ page: 3 });
  });

  it("refuses another agent's State with a 403 naming agent, before reading the body", async () => {
    const { token } = await issue(await issuerIn(), { actor: LEARNER });
    for (const method of ["GET", "PUT", "POST", "DELETE"]) {
      const json = method === "PUT" || method === "POST" ? { page: 1 } : undefined;
      const response = await xapiWithToken(token, state(OTHER), { method, json, version });
      expect(response.status).toBe(403);
      expect(await errorOf(response)).toEqual({
        status: 403,
        path: "agent",
        message: "agent: must be the agent the launch token is bound to",
      });
    }
  });

  it("refuses State outside the bound registration, the all-registrations forms included", async () => {
    const { token } = await issue(await issuerIn(), { actor: LEARNER, registration });
    const paths = [
      state(LEARNER),
      state(LEARNER, { registration: crypto.randomUUID() }),
      `/activities/state?${q({ activityId: COURSE, agent: JSON.stringify(LEARNER) })}`,
    ];
    for (const path of paths) {
      for (const method of ["GET", "DELETE"]) {
        const response = await xapiWithToken(token, path, { method, version });
        expect(response.status).toBe(403);
        expect((await errorOf(response)).path).toBe("registration");
      }
    }
  });

  it("keeps the Agent Profile to the bound agent", async () => {
    const { token } = await issue(await issuerIn(), { actor: LEARNER });
    const profile = (agent: unknown) => `/agents/profile?${q({ agent: JSON.stringify(agent), profileId: "prefs" })}`;
    const other = await xapiWithToken(token, profile(OTHER), { version });
    expect(other.status).toBe(403);
    expect((await errorOf(other)).path).toBe("agent");
    expect((await xapiWithToken(token, profile(LEARNER), { method: "PUT", json: { lang: "fr" }, version, headers: { "If-None-Match": "*" } })).status).toBe(204);
  });

  it("reads the Activity Profile but does not change it", async () => {
    const issuer = await issuerIn();
    const { token } = await issue(issuer, { actor: LEARNER });
    const path = `/activities/profile?${q({ activityId: COURSE, profileId: "settings" })}`;
    expect((await xapiAs(issuer, path, { method: "PUT", json: { mode: "exam" }, version, headers: { "If-None-Match": "*" } })).status).toBe(204);
    const read = await xapiWithToken(token, path, { version });
    expect(await read.json()).toEqual({ mode: "exam" });
    for (const method of ["PUT", "POST", "DELETE"]) {
      const response = await xapiWithToken(token, path, { method, json: method === "DELETE" ? undefined : { mode: "free" }, version });
      expect(response.status).toBe(403);
      expect((await errorOf(response)).message).toBe("a launch token may read activity profiles, not change them");
    }
    expect(await (await xapiAs(issuer, path, { version })).json()).toEqual({ mode: "exam" });
  });
});

it("a store's credential without the state scope issues tokens without it", async () => {
  const storeId = await createStore(`tokens-${crypto.randomUUID()}`);
  const issuer = await createCredential(storeId, ["statements/write", "statements/read/mine", "tokens/issue"]);
  const { token } = await issue(issuer, { actor: LEARNER });
  const path = `/activities/state?${q({ activityId: COURSE, agent: JSON.stringify(LEARNER), stateId: "s" })}`;
  expect((await xapiWithToken(token, path)).status).toBe(403);
});
