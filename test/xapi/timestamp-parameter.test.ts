// The Timestamp query parameter read one way on every resource: the same `since` gets the same status from
// GET /statements and from the State id list, under each version's Timestamp rule (1.0.3 Data 4.5 ISO 8601;
// 9274.1.1 RFC 3339 profile).
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../helpers";
import { documentParams, url, without } from "./documents/document-helpers";

// [since, status under 1.0.3, status under 2.0]
const CASES: [string, number, number][] = [
  ["2024-05-01T12Z", 200, 400],
  ["20240501T120000Z", 200, 400],
  ["2024-05-01T12:00:00+02", 200, 400],
  ["2024-05-01T12:00:00,5Z", 200, 400],
  ["2024-05-01T12:00:00.000Z", 200, 200],
  ["2024-05-01T12:00:00+02:00", 200, 200],
  ["2024-05-01", 400, 400],
  ["2024-02-30T12:00:00Z", 400, 400],
];

describe.each(VERSIONS)("the since parameter (%s)", (version) => {
  it.each(CASES)("answers %s alike on statements and State", async (since, status103, status20) => {
    const expected = version === "1.0.3" ? status103 : status20;
    const statements = await xapi(`/statements?${new URLSearchParams({ since })}`, { version });
    const state = await xapi(url("state", { ...without(documentParams("state"), "stateId"), since }), { version });
    expect(statements.status).toBe(expected);
    expect(state.status).toBe(expected);
  });

  it("filters the State id list by the instant a short form names", async () => {
    const params = documentParams("state");
    expect((await xapi(url("state", params), { method: "PUT", version, json: { a: 1 } })).status).toBe(204);
    const set = without(params, "stateId");
    const past = version === "1.0.3" ? "20240501T12Z" : "2024-05-01T12:00:00Z";
    const future = version === "1.0.3" ? "29990501T12Z" : "2999-05-01T12:00:00Z";
    expect(await (await xapi(url("state", { ...set, since: past }), { version })).json()).toEqual([params.stateId]);
    expect(await (await xapi(url("state", { ...set, since: future }), { version })).json()).toEqual([]);
  });
});
