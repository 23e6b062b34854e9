// The console's jobs: a store's credential starts an export of the whole store, follows its job page to the
// end and downloads the file; a credential without statements/read sees the jobs but cannot export; another
// store's credential cannot reach the job or its file.
import { describe, expect, it } from "vitest";
import { createCredential, createStore, xapiAs } from "../admin/admin-helpers";
import { Browser, statement } from "./console-helpers";

async function until(browser: Browser, path: string) {
  let page = await browser.get(path);
  for (let i = 0; i < 400 && /data-job-state="(queued|running)"/.test(page.html); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    page = await browser.get(path);
  }
  return page;
}

describe("console jobs", () => {
  it("exports the store as a job and offers the file only within the store", async () => {
    const storeId = await createStore("Console export", "jobs-console");
    const credential = await createCredential(storeId);
    const posted = await xapiAs(credential, "/statements", { method: "POST", json: [statement({ actor: "Ann" }), statement({ actor: "Bo" })] });
    expect(posted.status).toBe(200);
    const browser = new Browser();
    await browser.signInCredential(credential.key, credential.secret);
    const list = await browser.get("/console/s/jobs-console/jobs");
    expect(list.html).toContain('action="/console/s/jobs-console/jobs/export"');

    const started = await browser.post("/console/s/jobs-console/jobs/export", { format: "ndjson" });
    expect(started.status).toBe(303);
    const page = await until(browser, started.location!);
    expect(page.html).toContain('data-job-state="succeeded"');
    expect(page.html).toContain('data-count="statements">2<');
    const download = await browser.get(`${started.location!}/download`);
    expect(download.status).toBe(200);
    expect(download.html.trimEnd().split("\n")).toHaveLength(2);

    const other = await createCredential(await createStore("Console export other", "jobs-console-other"));
    const stranger = new Browser();
    await stranger.signInCredential(other.key, other.secret);
    expect((await stranger.get(started.location!)).status).toBe(404);
    expect((await stranger.get(`${started.location!}/download`)).status).toBe(404);

    const writer = await createCredential(storeId, ["statements/write"]);
    const limited = new Browser();
    await limited.signInCredential(writer.key, writer.secret);
    expect((await limited.get("/console/s/jobs-console/jobs")).html).not.toContain("/jobs/export");
    expect((await limited.post("/console/s/jobs-console/jobs/export", { format: "csv" })).status).toBe(403);
    expect((await limited.get(`${started.location!}/download`)).status).toBe(403);
  });
});
