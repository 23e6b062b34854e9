// Figures a person can read: counts and percentages in the viewer's locale, names (verb display, canonical
// activity name in the viewer's language, the learner's name) with the identifier on hover and in a detail
// line, and when the figures are from.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { NAMES_SQL } from "../../src/console/display-names";
import { admin, runJob, storeWithCredential, xapiAs } from "../admin/admin-helpers";
import { aggregate } from "../rollups/aggregator";
import { Browser, figure } from "./console-helpers";

const COURSE = "https://courses.example.edu/course/15/unit/0";
const FINISHED = "http://example.com/verbs/finished-42";
let store: { storeId: string; auth: string };
let base = "";

function statement(i: number) {
  return {
    actor: { name: i % 2 ? "Ana Lima" : "Bo Chen", mbox: `mailto:${i % 2 ? "ana" : "bo"}@example.com` },
    verb: { id: FINISHED, display: { "en-US": "finished", "de-DE": "beendete" } },
    object: { id: COURSE, definition: { name: { "en-US": "Course 15 unit 0", de: "Kurs 15 Einheit 0" } } },
    result: { score: { scaled: 0.9 }, completion: i % 4 !== 0 },
  };
}

beforeAll(async () => {
  store = await storeWithCredential("readable-figures");
  base = `/console/s/${store.storeId}`;
  // 1,234 statements: four-digit counts show the locale's grouping.
  for (const size of [1000, 234]) {
    const body = Array.from({ length: size }, (_, i) => statement(i));
    const response = await xapiAs(store, "/statements", { method: "POST", json: body });
    expect(response.status).toBe(200);
  }
  await aggregate(store.storeId);
});

async function signedIn(acceptLanguage?: string): Promise<Browser> {
  const browser = new Browser();
  browser.acceptLanguage = acceptLanguage;
  expect((await browser.signInAdmin()).status).toBe(303);
  return browser;
}

describe("readable figures", () => {
  it("formats counts for the viewer's locale, en-US when none is asked", async () => {
    const plain = await (await signedIn()).get(base);
    expect(figure(plain.html, "total")).toBe("1,234");
    expect(plain.html).toContain('data-locale="en-US"');
    const german = await (await signedIn("de-DE,de;q=0.9")).get(base);
    expect(figure(german.html, "total")).toBe("1.234");
    expect(german.html).toContain('data-locale="de-DE"');
    const dashboard = await (await signedIn("de-DE")).get(`${base}/dashboard`);
    expect(figure(dashboard.html, "completion-rate")).toBe("75\u00a0% (925 completed, 309 incomplete)");
    expect(dashboard.html).toMatch(/data-rank-count="true">1\.234</);
  });

  it("dashboard rows show the verb's display and the activity's name in the viewer's language, the IRI beside", async () => {
    const english = await (await signedIn("en-GB")).get(`${base}/dashboard`);
    expect(english.html).toContain(`title="${FINISHED}" data-rank-name="true">finished</a><small class="identifier">${FINISHED}</small>`);
    expect(english.html).toContain(`title="${COURSE}" data-rank-name="true">Course 15 unit 0</a><small class="identifier">${COURSE}</small>`);
    const german = await (await signedIn("de")).get(`${base}/dashboard`);
    expect(german.html).toContain(`data-rank-name="true">beendete</a>`);
    expect(german.html).toContain(`data-rank-name="true">Kurs 15 Einheit 0</a>`);
  });

  it("names a verb whose statements are all tiered to R2 from its segment, not from its IRI", async () => {
    const tiered = await storeWithCredential("readable-figures tiered");
    const body = Array.from({ length: 6 }, (_, i) => statement(i));
    expect((await xapiAs(tiered, "/statements", { method: "POST", json: body })).status).toBe(200);
    await aggregate(tiered.storeId);
    expect((await admin(`/stores/${tiered.storeId}/tiering`, { method: "PUT", json: { tierAfterDays: 0 } })).status).toBe(200);
    await runJob(`/stores/${tiered.storeId}/jobs`, { method: "POST", json: { kind: "statement-tiering" } });
    const untiered = await env.DB.prepare(`SELECT count(*) AS n FROM statements WHERE store_id = ? AND statement NOT LIKE '{"$segment":%'`)
      .bind(tiered.storeId)
      .first<{ n: number }>();
    expect(untiered!.n).toBe(0);
    const german = await (await signedIn("de")).get(`/console/s/${tiered.storeId}/dashboard`);
    expect(german.html).toContain(`title="${FINISHED}" data-rank-name="true">beendete</a>`);
  });

  it("the activity page names its learners, the learner page its activities", async () => {
    const browser = await signedIn();
    const activity = await browser.get(`${base}/activity?activityId=${encodeURIComponent(COURSE)}`);
    expect(activity.html).toContain('title="mbox:mailto:ana@example.com" data-rank-name="true">Ana Lima</a>');
    expect(figure(activity.html, "activity-statements")).toBe("1,234");
    const learner = await browser.get(`${base}/learner?agent=${encodeURIComponent("mbox:mailto:bo@example.com")}`);
    expect(learner.html).toContain(`title="${COURSE}" data-rank-name="true">Course 15 unit 0</a>`);
    expect(learner.html).toContain("<h1>Learner: Bo Chen</h1>");
  });

  it("states up to which stored time the figures count, and nothing waiting once counted", async () => {
    const page = await (await signedIn()).get(`${base}/dashboard`);
    const newest = await env.DB.prepare("SELECT max(stored_ms) AS ms FROM statements WHERE store_id = ?").bind(store.storeId).first<{ ms: number }>();
    const through = new Date(newest!.ms).toISOString().slice(0, 19).replace("T", " ");
    expect(page.html).toContain(`data-counted-through="${newest!.ms}" data-uncounted-through="">Figures include statements stored up to ${through} UTC.</p>`);
  });
});

describe("name lookups", () => {
  it.each(Object.entries(NAMES_SQL))("%s seeks by key for each id, never scans a table", async (_name, sql) => {
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind("s", "[]").all<{ detail: string }>();
    const details = results.map((r) => r.detail);
    expect(details.join("\n")).toMatch(/SEARCH (s|v|e|activities|agents) USING/);
    for (const detail of details) expect(detail, details.join("\n")).not.toMatch(/^SCAN (statements|index_values|index_entries|activities|agents|s|v|e)\b/);
  });
});
