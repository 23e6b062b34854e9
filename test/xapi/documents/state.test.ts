// State specifics (1.0.3 Communication 2.3; 9274.1.1 4.1.6.2): the registration is part of a document's
// identity, the id list and delete-all cover one activity + agent (+ registration when given).
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";
import { documentParams, url, without } from "./document-helpers";

const REG_A = "0b4c5a2e-3f6a-4c1e-9a8b-1d2e3f4a5b6c";
const REG_B = "9f8e7d6c-5b4a-4321-8fed-cba987654321";

async function post(version: string, params: Record<string, unknown>, body: unknown): Promise<void> {
  expect((await xapi(url("state", params), { method: "POST", version, json: body })).status).toBe(204);
}

async function ids(version: string, params: Record<string, unknown>): Promise<string[]> {
  const res = await xapi(url("state", params), { version });
  expect(res.status).toBe(200);
  return (await res.json<string[]>()).sort();
}

describe.each(VERSIONS)("State resource (%s)", (version) => {
  it("keeps one stateId apart per registration, and apart from no registration", async () => {
    const params = documentParams("state");
    await post(version, params, { reg: "none" });
    await post(version, { ...params, registration: REG_A }, { reg: "A" });
    await post(version, { ...params, registration: REG_B.toUpperCase() }, { reg: "B" });
    expect(await (await xapi(url("state", params), { version })).json()).toEqual({ reg: "none" });
    expect(await (await xapi(url("state", { ...params, registration: REG_A }), { version })).json()).toEqual({ reg: "A" });
    // Registrations compare as UUIDs, whatever their case.
    expect(await (await xapi(url("state", { ...params, registration: REG_B }), { version })).json()).toEqual({ reg: "B" });
  });

  it("rejects a registration that is not a UUID on every method", async () => {
    const params = { ...documentParams("state"), registration: "not-a-uuid" };
    for (const method of ["GET", "PUT", "POST", "DELETE"]) {
      const json = method === "PUT" || method === "POST" ? { a: 1 } : undefined;
      expect((await xapi(url("state", params), { method, version, json })).status, method).toBe(400);
    }
    const set = without(params, "stateId");
    expect((await xapi(url("state", set), { version })).status).toBe(400);
    expect((await xapi(url("state", set), { method: "DELETE", version })).status).toBe(400);
  });

  it("lists the stateIds of one registration, or of every registration when none is given", async () => {
    const params = documentParams("state");
    const context = without(params, "stateId");
    await post(version, { ...params, stateId: "plain" }, { a: 1 });
    await post(version, { ...params, stateId: "shared", registration: REG_A }, { a: 1 });
    await post(version, { ...params, stateId: "shared", registration: REG_B }, { a: 1 });
    await post(version, { ...params, stateId: "only-b", registration: REG_B }, { a: 1 });
    expect(await ids(version, { ...context, registration: REG_A })).toEqual(["shared"]);
    expect(await ids(version, { ...context, registration: REG_B })).toEqual(["only-b", "shared"]);
    expect(await ids(version, context)).toEqual(["only-b", "plain", "shared"]);
  });

  it("deletes every document of a registration, leaving other registrations, activities and agents", async () => {
    const params = documentParams("state");
    const context = without(params, "stateId");
    const other = documentParams("state", { activityId: params.activityId });
    await post(version, { ...params, stateId: "a", registration: REG_A }, { a: 1 });
    await post(version, { ...params, stateId: "b", registration: REG_A }, { a: 1 });
    await post(version, { ...params, stateId: "c", registration: REG_B }, { a: 1 });
    await post(version, other, { other: true });

    expect((await xapi(url("state", { ...context, registration: REG_A }), { method: "DELETE", version })).status).toBe(204);
    expect(await ids(version, { ...context, registration: REG_A })).toEqual([]);
    expect(await ids(version, context)).toEqual(["c"]);
    expect(await (await xapi(url("state", other), { version })).json()).toEqual({ other: true });
  });

  it("deletes every document of an activity and agent across registrations when no registration is given", async () => {
    const params = documentParams("state");
    const context = without(params, "stateId");
    await post(version, { ...params, stateId: "a" }, { a: 1 });
    await post(version, { ...params, stateId: "b", registration: REG_A }, { a: 1 });
    expect((await xapi(url("state", context), { method: "DELETE", version })).status).toBe(204);
    expect(await ids(version, context)).toEqual([]);
    expect((await xapi(url("state", { ...params, stateId: "b", registration: REG_A }), { version })).status).toBe(404);
    // Deleting an empty set is fine too.
    expect((await xapi(url("state", context), { method: "DELETE", version })).status).toBe(204);
  });

  it("rejects `since` on a delete-all", async () => {
    const context = without(documentParams("state"), "stateId");
    const res = await xapi(url("state", { ...context, since: new Date().toISOString() }), { method: "DELETE", version });
    expect(res.status).toBe(400);
  });

  it("accepts an identified Group's identifier inside an Agent object as the agent", async () => {
    const params = documentParams("state", { agent: { objectType: "Agent", mbox: "mailto:team@example.com" } });
    await post(version, params, { team: true });
    expect(await (await xapi(url("state", params), { version })).json()).toEqual({ team: true });
  });
});

describe("State through the 1.0.3 Alternate Request Syntax", () => {
  it("stores and reads a document sent as a form POST", async () => {
    const params = documentParams("state");
    const form = new URLSearchParams({
      activityId: params.activityId as string,
      agent: JSON.stringify(params.agent),
      stateId: params.stateId as string,
      "X-Experience-API-Version": "1.0.3",
      "Content-Type": "application/json",
      content: '{"viaForm":true}',
    });
    const res = await xapi("/activities/state?method=PUT", {
      method: "POST",
      version: null,
      body: form.toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(204);
    expect(await (await xapi(url("state", params), { version: "1.0.3" })).json()).toEqual({ viaForm: true });
  });
});
