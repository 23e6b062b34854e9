// The browser example (examples/browser) in Debian's chromium: a backend (this test) mints a launch token with a
// `tokens/issue` credential, the page is launched cmi5-style from another origin (examples/browser/serve.mjs on
// PAGE_PORT; the LRS on LRS_PORT, so every call is cross-origin and goes through CORS), trades the fetch URL
// for its token and sends statements with TinCanJS. The LRS is a live `npm start`, stopped by process group.
// Run: npm run test:e2e (needs /usr/bin/chromium).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { serveExample } from "../../examples/browser/serve.mjs";

const LRS_PORT = 8840;
const PAGE_PORT = 8841;
const LRS = `http://127.0.0.1:${LRS_PORT}`;
const PAGE = `http://127.0.0.1:${PAGE_PORT}`;
const ADMIN_TOKEN = "example-e2e-admin-token";
const ROOT = resolve(import.meta.dirname, "../..");
const LEARNER = { objectType: "Agent", name: "Lee", mbox: "mailto:lee@example.com" };
const ACTIVITY = "http://example.com/e2e/lesson-1";
const REGISTRATION = "4d2d3f5e-8c1b-4b7a-9e36-0c6f1f3a2b10";

let server;
let stateDir;
let pageServer;
let browser;
let issuerAuth;

async function waitForServer(deadline = Date.now() + 120_000) {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${LRS}/xapi/about`)).ok) return;
    } catch {}
    await new Promise((done) => setTimeout(done, 500));
  }
  throw new Error("the LRS did not start");
}

async function call(path, { method = "GET", auth, json } = {}) {
  const response = await fetch(`${LRS}${path}`, {
    method,
    headers: { Authorization: auth, "X-Experience-API-Version": "1.0.3", ...(json ? { "Content-Type": "application/json" } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** What the backend of a course platform does at launch: mint a token bound to the learner and registration. */
async function mintToken() {
  const issued = await call("/tokens", {
    method: "POST",
    auth: issuerAuth,
    json: { actor: LEARNER, registration: REGISTRATION, activityId: ACTIVITY, ttlSeconds: 600 },
  });
  assert.equal(issued.status, 201, JSON.stringify(issued.body));
  return issued.body;
}

function launchUrl(fetchUrl, actor = LEARNER) {
  const query = new URLSearchParams({
    endpoint: `${LRS}/xapi/`,
    fetch: fetchUrl,
    actor: JSON.stringify(actor),
    activityId: ACTIVITY,
    registration: REGISTRATION,
  });
  return `${PAGE}/?${query}`;
}

before(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "browser-example-e2e-"));
  server = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: ROOT,
    env: { ...process.env, PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH}`, PORT: String(LRS_PORT), LRS_PERSIST_DIR: stateDir, LRS_ADMIN_TOKEN: ADMIN_TOKEN },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  await waitForServer();
  const created = await fetch(`${LRS}/admin/stores/default/credentials`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Course platform", scopes: ["all", "tokens/issue"] }),
  });
  assert.equal(created.status, 201);
  const credential = await created.json();
  issuerAuth = `Basic ${btoa(`${credential.key}:${credential.secret}`)}`;
  pageServer = await serveExample(PAGE_PORT);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((done) => (pageServer ? pageServer.close(done) : done()));
  if (server?.pid) {
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {}
    await new Promise((done) => setTimeout(done, 1500));
    try {
      process.kill(-server.pid, "SIGKILL");
    } catch {}
  }
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe("the browser example", { concurrency: false }, () => {
  it("fetches its launch token and sends statements with TinCanJS, stored with the bound actor and registration", async () => {
    const { fetchUrl } = await mintToken();
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(launchUrl(fetchUrl));
    const status = page.locator("#status");
    await page.locator('#status[data-state="launched"], #status[data-state="error"]').waitFor();
    const launched = /^launched: ([0-9a-f-]{36})$/.exec(await status.innerText());
    assert.ok(launched, await status.innerText());
    await page.getByRole("button", { name: "Complete the lesson" }).click();
    await page.locator('#status[data-state="completed"], #status[data-state="error"]').waitFor();
    const completed = /^completed: ([0-9a-f-]{36})$/.exec(await status.innerText());
    assert.ok(completed, await status.innerText());
    await page.context().close();

    for (const [id, verb] of [[launched[1], "launched"], [completed[1], "completed"]]) {
      const stored = await call(`/xapi/statements?statementId=${id}`, { auth: issuerAuth });
      assert.equal(stored.status, 200);
      assert.deepEqual(
        { actor: stored.body.actor, verb: stored.body.verb.id, object: stored.body.object.id, registration: stored.body.context.registration },
        { actor: LEARNER, verb: `http://adlnet.gov/expapi/verbs/${verb}`, object: ACTIVITY, registration: REGISTRATION },
      );
    }
    // The page used the fetch URL: it refuses a second POST (cmi5 8.2.3 error-code 1).
    const again = await fetch(fetchUrl, { method: "POST" });
    assert.deepEqual([again.status, (await again.json())["error-code"]], [409, "1"]);
  });

  it("shows the LRS's 403 when launched for another actor than the token's", async () => {
    const { fetchUrl } = await mintToken();
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(launchUrl(fetchUrl, { objectType: "Agent", name: "Mallory", mbox: "mailto:mallory@example.com" }));
    await page.locator('#status[data-state="launched"], #status[data-state="error"]').waitFor();
    assert.match(await page.locator("#status").innerText(), /^the LRS answered 403 .*actor/);
    await page.context().close();
    const mallory = await call(`/xapi/statements?agent=${encodeURIComponent(JSON.stringify({ mbox: "mailto:mallory@example.com" }))}`, { auth: issuerAuth });
    assert.deepEqual([mallory.status, mallory.body.statements], [200, []]);
  });
});
