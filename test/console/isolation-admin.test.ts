// Store isolation in the console (a credential of store A sees nothing of store B on any page), scopes, and
// the administration pages (stores, credentials with the secret shown once, scopes, erasure with a confirmation).
import { beforeAll, describe, expect, it } from "vitest";
import { createCredential, createStore, type TestCredential, xapiAs } from "../admin/admin-helpers";
import { aggregate } from "../rollups/aggregator";
import { Browser, figure, statement } from "./console-helpers";

let storeA: TestCredential;
let storeB: TestCredential;
let storeBIds: string[] = [];
const SECRET_ACTIVITY = "http://example.com/only-in-b";

beforeAll(async () => {
  storeA = await createCredential(await createStore("Store A", "iso-a"));
  storeB = await createCredential(await createStore("Store B", "iso-b"));
  const posted = await xapiAs(storeB, "/statements", {
    method: "POST",
    json: [statement({ actor: "Bo", activity: SECRET_ACTIVITY }), statement({ actor: "Bo", activity: SECRET_ACTIVITY })],
  });
  expect(posted.status).toBe(200);
  storeBIds = (await posted.json()) as string[];
  expect((await xapiAs(storeA, "/statements", { method: "POST", json: statement({ actor: "Al" }) })).status).toBe(200);
  // The figures count what the stores' rollup aggregators have counted.
  await aggregate("iso-a");
  await aggregate("iso-b");
});

describe("console store isolation", () => {
  const otherStorePages = [
    "/console/s/iso-b",
    "/console/s/iso-b/dashboard",
    "/console/s/iso-b/statements",
    "/console/s/iso-b/statements/live?after=0",
    "/console/s/iso-b/statements/export?format=ndjson",
    "/console/s/iso-b/jobs",
    `/console/s/iso-b/activity?activityId=${encodeURIComponent(SECRET_ACTIVITY)}`,
    `/console/s/iso-b/learner?agent=${encodeURIComponent("mbox:mailto:bo@example.com")}`,
    `/console/s/iso-b/learner/document?agent=${encodeURIComponent("mbox:mailto:bo@example.com")}&kind=state&activityId=x&registration=&documentId=d`,
    "/console/s/default",
    "/console/s/no-such-store",
    "/console/admin",
    "/console/admin/stores/iso-b",
  ];

  it.each(otherStorePages)("a credential of store A gets 404 for %s", async (path) => {
    const browser = new Browser();
    expect((await browser.signInCredential(storeA.key, storeA.secret)).location).toBe("/console/s/iso-a");
    const page = await browser.get(path);
    expect(page.status).toBe(404);
    expect(page.html).not.toContain("Bo");
  });

  it("store A's own pages hold none of store B's data", async () => {
    const browser = new Browser();
    await browser.signInCredential(storeA.key, storeA.secret);
    expect(figure((await browser.get("/console/s/iso-a")).html, "total")).toBe("1");
    const explorer = await browser.get("/console/s/iso-a/statements");
    expect(explorer.html).toContain("Al completed");
    expect(explorer.html).not.toContain("Bo completed");
    const activity = await browser.get(`/console/s/iso-a/activity?activityId=${encodeURIComponent(SECRET_ACTIVITY)}`);
    expect(figure(activity.html, "activity-statements")).toBe("0");
    const learner = await browser.get(`/console/s/iso-a/learner?agent=${encodeURIComponent("mbox:mailto:bo@example.com")}`);
    expect(figure(learner.html, "learner-statements")).toBe("0");
    expect(learner.html).not.toContain("Bo completed");
    expect((await browser.get(`/console/s/iso-a/statements?statementId=${storeBIds[0]}`)).status).toBe(404);
    const exported = await browser.get("/console/s/iso-a/statements/export?format=ndjson");
    expect(exported.html.trim().split("\n")).toHaveLength(1);
    // A credential cannot post admin forms either.
    expect((await browser.post("/console/admin/stores", { name: "nope", id: "nope" })).status).toBe(404);
  });

  it("scopes apply: statements/read/mine sees its own statements only and no store-wide figures", async () => {
    const mine = await createCredential("iso-b", ["statements/write", "statements/read/mine"]);
    expect((await xapiAs(mine, "/statements", { method: "POST", json: statement({ actor: "Mo" }) })).status).toBe(200);
    const browser = new Browser();
    await browser.signInCredential(mine.key, mine.secret);
    const explorer = await browser.get("/console/s/iso-b/statements");
    expect(explorer.html).toContain("Mo completed");
    expect(explorer.html).not.toContain("Bo completed");
    expect((await browser.get("/console/s/iso-b")).status).toBe(403);
    expect((await browser.get("/console/s/iso-b/dashboard")).status).toBe(403);
  });
});

describe("console administration", () => {
  it("creates a store and a credential whose secret is shown once and works", async () => {
    const admin = new Browser();
    await admin.signInAdmin();
    await admin.get("/console/admin");
    expect((await admin.post("/console/admin/stores", { name: "Made in console", id: "console-made" })).location).toBe(
      "/console/admin/stores/console-made",
    );
    expect((await admin.post("/console/admin/stores", { name: "Again", id: "console-made" })).status).toBe(409);
    await admin.get("/console/admin/stores/console-made");
    const created = await admin.post("/console/admin/stores/console-made/credentials", {
      name: "Reader",
      scopes: ["statements/read", "statements/write"],
    });
    expect(created.status).toBe(200);
    const key = /data-shown-key[^>]*>([^<]+)</.exec(created.html)?.[1];
    const secret = /data-shown-secret[^>]*>([^<]+)</.exec(created.html)?.[1];
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const listing = await admin.get("/console/admin/stores/console-made");
    expect(listing.html).toContain(key!);
    expect(listing.html).not.toContain(secret!);
    expect(listing.html).toMatch(/value="statements\/read" checked/);
    expect(listing.html).toMatch(/value="statements\/write" checked/);
    expect(listing.html).not.toMatch(/value="all" checked/);

    const user = new Browser();
    expect((await user.signInCredential(key!, secret!)).location).toBe("/console/s/console-made");
  });

  it("changes scopes, rotates (old secret refused, new shown once) and disables credentials", async () => {
    const credential = await createCredential("iso-a", ["all"]);
    const admin = new Browser();
    await admin.signInAdmin();
    await admin.get("/console/admin/stores/iso-a");
    const base = `/console/admin/stores/iso-a/credentials/${credential.id}`;
    expect((await admin.post(`${base}/scopes`, { scopes: ["statements/read/mine"] })).status).toBe(303);
    expect((await admin.post(`${base}/scopes`, { scopes: ["bogus"] })).status).toBe(400);
    const user = new Browser();
    await user.signInCredential(credential.key, credential.secret);
    expect((await user.get("/console/s/iso-a/dashboard")).status).toBe(403);

    const rotated = await admin.post(`${base}/rotate`);
    const secret = /data-shown-secret[^>]*>([^<]+)</.exec(rotated.html)?.[1];
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect((await new Browser().signInCredential(credential.key, credential.secret)).status).toBe(401);
    expect((await new Browser().signInCredential(credential.key, secret!)).status).toBe(303);

    await admin.post(`${base}/disable`);
    expect((await new Browser().signInCredential(credential.key, secret!)).status).toBe(401);
    await admin.post(`${base}/enable`);
    expect((await new Browser().signInCredential(credential.key, secret!)).status).toBe(303);
  });

  it("erases an agent only after a confirmation step", async () => {
    const admin = new Browser();
    await admin.signInAdmin();
    await admin.get("/console/admin/stores/iso-b");
    const review = await admin.post("/console/admin/stores/iso-b/erase", { agent: "bo@example.com" });
    expect(review.status).toBe(200);
    expect(review.html).toContain('data-erase-subject="true">mbox:mailto:bo@example.com<');
    await aggregate("iso-b");
    expect(figure((await admin.get("/console/s/iso-b")).html, "total")).toBe("3");

    const started = await admin.post("/console/admin/stores/iso-b/erase", { agent: '{"mbox":"mailto:bo@example.com"}', confirm: "yes" });
    expect(started.status).toBe(303);
    expect(started.location).toMatch(/^\/console\/s\/iso-b\/jobs\/[0-9a-f-]{36}$/);
    // The job's page shows its state and reloads itself until the job has ended.
    let job = await admin.get(started.location!);
    for (let i = 0; i < 400 && /data-job-state="(queued|running)"/.test(job.html); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      job = await admin.get(started.location!);
    }
    expect(job.html).toContain('data-job-state="succeeded"');
    expect(job.html).toContain('data-count="statements">2<');
    expect((await admin.get("/console/s/iso-b/jobs")).html).toContain(`data-job="${started.location!.split("/").pop()}"`);
    const explorer = await admin.get("/console/s/iso-b/statements");
    expect(explorer.html).not.toContain("Bo completed");
    expect((await admin.post("/console/admin/stores/iso-b/erase", { agent: "not an agent" })).status).toBe(400);
    // The statements' mbox rule, with the property named.
    const refused = await admin.post("/console/admin/stores/iso-b/erase", { agent: "mailto:a,b@example.com" });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("Agent: mbox must be a mailto: IRI");
  });
});
