// The Activities resource (1.0.3 Communication 2.5; 9274.1.1 4.1.6.4): the canonical definition merged from
// accepted statements, and a bare Activity for an id the store has never seen.
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../helpers";
import { credentialFor } from "./documents/document-helpers";

function activitiesUrl(activityId: string): string {
  return `/activities?activityId=${encodeURIComponent(activityId)}`;
}

async function postActivity(version: string, object: Record<string, unknown>, auth?: string): Promise<void> {
  const statement = {
    actor: { mbox: "mailto:xapi@adlnet.gov" },
    verb: { id: "http://adlnet.gov/expapi/verbs/attended", display: { "en-US": "attended" } },
    object,
  };
  expect((await xapi("/statements", { method: "POST", version, json: [statement], auth })).status).toBe(200);
}

function meeting(id: string): Record<string, unknown> {
  return {
    objectType: "Activity",
    id,
    definition: {
      type: "http://adlnet.gov/expapi/activities/meeting",
      name: { "en-GB": "example meeting", "en-US": "example meeting" },
      description: { "en-US": "An example meeting." },
      moreInfo: "http://virtualmeeting.example.com/345256",
      extensions: { "http://example.com/profiles/meetings/extension/reporter": { name: "Thomas" } },
    },
  };
}

describe.each(VERSIONS)("Activities resource (%s)", (version) => {
  it("returns the complete Activity a statement defined", async () => {
    const activity = meeting(`http://www.example.com/meetings/${crypto.randomUUID()}`);
    await postActivity(version, activity);
    const res = await xapi(activitiesUrl(activity.id as string), { version });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(activity);
  });

  it("merges the language maps of several statements into the canonical definition", async () => {
    const id = `http://www.example.com/meetings/${crypto.randomUUID()}`;
    await postActivity(version, meeting(id));
    await postActivity(version, { id, definition: { name: { "fr-FR": "réunion" } } });
    const activity = await (await xapi(activitiesUrl(id), { version })).json<{ definition: { name: Record<string, string> } }>();
    expect(activity.definition.name).toEqual({ "en-GB": "example meeting", "en-US": "example meeting", "fr-FR": "réunion" });
  });

  it("stops merging into a definition once it would pass 100,000 bytes, and keeps accepting statements (bounded rows)", async () => {
    const id = `http://www.example.com/meetings/${crypto.randomUUID()}`;
    const tag = (i: number) => `zz${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`;
    const nameOf = (i: number) => `${i} `.padEnd(9_000, "m");
    // 15 statements, each adding a 9,000-byte name in a new language: merged, 135,000 bytes.
    for (let i = 0; i < 15; i++) await postActivity(version, { id, definition: { name: { [tag(i)]: nameOf(i) } } });
    const activity = await (await xapi(activitiesUrl(id), { version })).json<{ definition: { name: Record<string, string> } }>();
    expect(new TextEncoder().encode(JSON.stringify(activity.definition)).byteLength).toBeLessThanOrEqual(100_000);
    const kept = Array.from({ length: 11 }, (_, i) => [tag(i), nameOf(i)]);
    expect(activity.definition.name).toEqual(Object.fromEntries(kept));
  });

  it("returns a bare Activity for an id it has never seen", async () => {
    const id = `http://www.example.com/never-seen/${crypto.randomUUID()}`;
    const res = await xapi(activitiesUrl(id), { version });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ objectType: "Activity", id });
  });

  it("does not show definitions from another store", async () => {
    const activity = meeting(`http://www.example.com/meetings/${crypto.randomUUID()}`);
    await postActivity(version, activity, await credentialFor(`store-${crypto.randomUUID()}`, ["all"]));
    expect(await (await xapi(activitiesUrl(activity.id as string), { version })).json()).toEqual({
      objectType: "Activity",
      id: activity.id,
    });
  });

  it.each([
    ["missing", "/activities"],
    ["not an IRI", activitiesUrl("not an iri")],
    ["empty", "/activities?activityId="],
    ["repeated", `${activitiesUrl("http://example.com/a")}&activityId=http://example.com/b`],
    ["joined by an unknown parameter", `${activitiesUrl("http://example.com/a")}&foo=bar`],
    ["in the wrong case", "/activities?activityID=http://example.com/a"],
  ])("rejects an activityId parameter that is %s", async (_case, path) => {
    expect((await xapi(path, { version })).status).toBe(400);
  });

  it("answers HEAD", async () => {
    const res = await xapi(activitiesUrl("http://www.example.com/head"), { method: "HEAD", version });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("needs a read scope", async () => {
    const writeOnly = await credentialFor("default", ["statements/write"]);
    expect((await xapi(activitiesUrl("http://www.example.com/a"), { version, auth: writeOnly })).status).toBe(403);
    expect((await xapi(`/agents?agent=${encodeURIComponent('{"mbox":"mailto:a@example.com"}')}`, { version, auth: writeOnly })).status).toBe(403);
    // define writes definitions; reading the store's canonical ones takes a scope that reads any statement.
    const define = await credentialFor("default", ["define"]);
    expect((await xapi(activitiesUrl("http://www.example.com/a"), { version, auth: define })).status).toBe(403);
    const reader = await credentialFor("default", ["statements/read"]);
    expect((await xapi(activitiesUrl("http://www.example.com/a"), { version, auth: reader })).status).toBe(200);
  });
});
