// Issue 11: before an erasure is confirmed, the admin API (for the CLI) and the console show how many statements,
// documents and attachments match. The preview counts what the erasure then removes, and changes nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { previewErasure } from "../../src/admin/erasure-preview";
import { VERSIONS } from "../helpers";
import { Browser } from "../console/console-helpers";
import { attachmentFor, multipartBody, partFor } from "../xapi/statements/attachments/multipart";
import { admin, adminJson, runJob, storeWithCredential, xapiAs } from "./admin-helpers";

const ANN = { mbox: "mailto:ann@example.com" };
const VERB = { id: "http://adlnet.gov/expapi/verbs/experienced" };
const ACTIVITY = { id: "http://example.com/activities/preview" };
const OTHER = { mbox: "mailto:otto@example.com" };

async function seed(version: string) {
  const credential = await storeWithCredential(`preview ${version}`);
  const [only, shared] = [await attachmentFor("only Ann's"), await attachmentFor("shared")];
  const body = multipartBody(
    [
      { actor: { mbox: "mailto:Ann@Example.com" }, verb: VERB, object: ACTIVITY, attachments: [only, shared] },
      { actor: OTHER, verb: VERB, object: ACTIVITY, attachments: [shared] },
    ],
    [await partFor("only Ann's"), await partFor("shared")],
  );
  const multipart = await xapiAs(credential, "/statements", {
    method: "POST",
    version,
    body,
    headers: { "Content-Type": "multipart/mixed; boundary=-------314159265358979323846" },
  });
  expect(multipart.status, await multipart.clone().text()).toBe(200);
  const plain = [
    { actor: OTHER, verb: VERB, object: ACTIVITY, context: { instructor: ANN } },
    { actor: OTHER, verb: VERB, object: { objectType: "Agent", ...ANN } },
    { actor: OTHER, verb: VERB, object: ACTIVITY },
  ];
  expect((await xapiAs(credential, "/statements", { method: "POST", version, json: plain })).status).toBe(200);
  const state = new URLSearchParams({ activityId: ACTIVITY.id, agent: JSON.stringify(ANN), stateId: "s" });
  expect((await xapiAs(credential, `/activities/state?${state}`, { method: "PUT", version, json: { a: 1 } })).status).toBe(204);
  return credential;
}

const figures = (storeId: string) => adminJson(`/stores/${storeId}/stats`);

describe.each(VERSIONS)("erasure preview, statements posted under %s", (version) => {
  it("counts what the erasure removes and changes nothing", async () => {
    const credential = await seed(version);
    const before = await figures(credential.storeId);
    const path = `/stores/${credential.storeId}/erase-agent/preview`;
    const preview = await adminJson(path, { method: "POST", json: { agent: ANN } });
    expect(preview).toEqual({
      storeId: credential.storeId,
      statements: 3,
      documents: 1,
      attachments: 1,
      agents: 2,
      more: false,
    });
    expect(await adminJson(path, { method: "POST", json: { agent: ANN, related: false } })).toMatchObject({ statements: 2 });
    expect(await figures(credential.storeId)).toEqual(before);

    const erased = await runJob(`/stores/${credential.storeId}/erase-agent`, { method: "POST", json: { agent: ANN } });
    expect(erased).toMatchObject({ state: "succeeded", total: 3, counts: { statements: 3, documents: 1, attachments: 1, agents: 2 } });
    expect(await adminJson(path, { method: "POST", json: { agent: ANN } })).toMatchObject({
      statements: 0,
      documents: 0,
      attachments: 0,
      agents: 0,
    });
  });

  it("refuses an agent without one identifier with a 400 naming it, and an unknown store with 404", async () => {
    const res = await admin("/stores/default/erase-agent/preview", { method: "POST", json: { agent: { name: "Ann" } } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/agent/);
    expect((await admin("/stores/nope/erase-agent/preview", { method: "POST", json: { agent: ANN } })).status).toBe(404);
  });
});

describe("erasure preview limits", () => {
  it("counts statements up to a cap and says when more match", async () => {
    const credential = await storeWithCredential("preview cap");
    const statements = Array.from({ length: 3 }, () => ({ actor: ANN, verb: VERB, object: ACTIVITY }));
    expect((await xapiAs(credential, "/statements", { method: "POST", json: statements })).status).toBe(200);
    const keys = ["mbox:mailto:ann@example.com"];
    expect(await previewErasure(env.DB, credential.storeId, keys, { related: true })).toMatchObject({ statements: 3, more: false });
    expect(await previewErasure(env.DB, credential.storeId, keys, { related: true }, 3)).toMatchObject({ statements: 3, more: false });
    expect(await previewErasure(env.DB, credential.storeId, keys, { related: true }, 2)).toMatchObject({ statements: 2, more: true });
  });
});

describe("console erasure confirmation", () => {
  it("shows the matching counts before erasing", async () => {
    const credential = await seed("2.0.0");
    const browser = new Browser();
    await browser.signInAdmin();
    await browser.get(`/console/admin/stores/${credential.storeId}`);
    const review = await browser.post(`/console/admin/stores/${credential.storeId}/erase`, { agent: "Ann@Example.com" });
    expect(review.status).toBe(200);
    expect(review.html).toContain('data-count="statements">3<');
    expect(review.html).toContain('data-count="documents">1<');
    expect(review.html).toContain('data-count="attachments">1<');
    const direct = await browser.post(`/console/admin/stores/${credential.storeId}/erase`, {
      agent: "ann@example.com",
      scope: "direct",
    });
    expect(direct.html).toContain('data-count="statements">2<');
    expect(await figures(credential.storeId)).toMatchObject({ statements: 5 });
  });
});
