// Every xAPI route against every single scope (1.0.3 Communication 4.2 "OAuth Authorization Scope"): a
// missing scope is 403, a granted one gets past authorization. The expected table is written out here, not
// derived from src/auth/scopes.ts, so a wrong implication there fails this test.
import { describe, expect, it } from "vitest";
import { VERSIONS } from "../helpers";
import { createCredential, createStore, xapiAs, type TestCredential } from "../admin/admin-helpers";

const SCOPES = ["statements/write", "statements/read", "statements/read/mine", "all/read", "all", "state", "profile", "define"];
// The Agents and Activities resources answer from every statement of the store (Person, canonical definition):
// only a scope that may read any statement may read them.
const READ_STORE_WIDE = ["statements/read", "all/read", "all"];

const AGENT = JSON.stringify({ mbox: "mailto:scoped@example.com" });
const ACTIVITY = "http://example.com/activities/scoped";
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const statementBody = () => ({
  id: crypto.randomUUID(),
  actor: { mbox: "mailto:scoped@example.com" },
  verb: { id: "http://adlnet.gov/expapi/verbs/experienced" },
  object: { id: ACTIVITY },
});

type Route = { name: string; method: string; path: () => string; json?: () => unknown; allowed: string[] };

const ROUTES: Route[] = [
  { name: "POST statements", method: "POST", path: () => "/statements", json: statementBody, allowed: ["statements/write", "all"] },
  {
    name: "PUT statements",
    method: "PUT",
    path: () => `/statements?statementId=${crypto.randomUUID()}`,
    json: () => ({ ...statementBody(), id: undefined }),
    allowed: ["statements/write", "all"],
  },
  { name: "GET statements", method: "GET", path: () => "/statements", allowed: ["statements/read", "statements/read/mine", "all/read", "all"] },
  {
    name: "GET statement by id",
    method: "GET",
    path: () => `/statements?statementId=${crypto.randomUUID()}`,
    allowed: ["statements/read", "statements/read/mine", "all/read", "all"],
  },
  ...documentRoutes("state", "/activities/state", { activityId: ACTIVITY, agent: AGENT, stateId: "s" }),
  ...documentRoutes("profile", "/activities/profile", { activityId: ACTIVITY, profileId: "p" }),
  ...documentRoutes("profile", "/agents/profile", { agent: AGENT, profileId: "p" }),
  { name: "GET agents", method: "GET", path: () => `/agents?${q({ agent: AGENT })}`, allowed: READ_STORE_WIDE },
  { name: "GET activities", method: "GET", path: () => `/activities?${q({ activityId: ACTIVITY })}`, allowed: READ_STORE_WIDE },
];

function documentRoutes(scope: string, base: string, params: Record<string, string>): Route[] {
  const path = () => `${base}?${q(params)}`;
  return [
    { name: `GET ${base}`, method: "GET", path, allowed: [scope, "all/read", "all"] },
    { name: `PUT ${base}`, method: "PUT", path, json: () => ({ a: 1 }), allowed: [scope, "all"] },
    { name: `POST ${base}`, method: "POST", path, json: () => ({ b: 2 }), allowed: [scope, "all"] },
    { name: `DELETE ${base}`, method: "DELETE", path, allowed: [scope, "all"] },
  ];
}

describe.each(VERSIONS)("scopes × routes (%s)", (version) => {
  const credentials = new Map<string, TestCredential>();
  async function credentialWith(scope: string): Promise<TestCredential> {
    if (!credentials.has(scope)) credentials.set(scope, await createCredential("default", [scope]));
    return credentials.get(scope)!;
  }

  describe.each(ROUTES)("$name", (route) => {
    it.each(SCOPES)("with only %s", async (scope) => {
      const res = await xapiAs(await credentialWith(scope), route.path(), {
        method: route.method,
        version,
        ...(route.json ? { json: route.json() } : {}),
      });
      if (route.allowed.includes(scope)) {
        expect(res.status, await res.clone().text()).not.toBe(403);
        expect(res.status).not.toBe(401);
        expect(res.status).toBeLessThan(500);
      } else {
        expect(res.status).toBe(403);
      }
    });
  });
});

describe.each(VERSIONS)("statements/read/mine (%s)", (version) => {
  it("reads only the statements its own credential wrote, by id and by query", async () => {
    const storeId = await createStore("Mine");
    const mine = await createCredential(storeId, ["statements/write", "statements/read/mine"]);
    const writer = await createCredential(storeId, ["statements/write"]);
    const reader = await createCredential(storeId, ["statements/read"]);
    const own = statementBody();
    const theirs = statementBody();
    expect((await xapiAs(mine, "/statements", { method: "POST", version, json: own })).status).toBe(200);
    expect((await xapiAs(writer, "/statements", { method: "POST", version, json: theirs })).status).toBe(200);

    expect((await xapiAs(mine, `/statements?statementId=${own.id}`, { version })).status).toBe(200);
    expect((await xapiAs(mine, `/statements?statementId=${theirs.id}`, { version })).status).toBe(404);
    const listed = (await (await xapiAs(mine, "/statements", { version })).json()) as { statements: { id: string }[] };
    expect(listed.statements.map((s) => s.id)).toEqual([own.id]);

    const all = (await (await xapiAs(reader, "/statements", { version })).json()) as { statements: { id: string }[] };
    expect(all.statements.map((s) => s.id).sort()).toEqual([own.id, theirs.id].sort());
  });
});
